package bnnsr.cli;

import bnnsr.image.ImageReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which output file each input of {@code bnnsr upscale} goes to. A folder input contributes its images (by
 * extension, recursing, in name order) under OUT with their relative names kept; a file input goes to
 * {@code OUT/<name><suffix>.<format>}, or to OUT itself when it is the only input and OUT looks like an image file
 * name (and is not an existing folder). Problems that concern one input (missing, would overwrite an input, two
 * inputs with the same output) become failed jobs; problems with the command as a whole are user errors.
 */
final class UpscalePlan {
    /** One input and where it goes; {@code problem} is set when it cannot be done. */
    record Job(Path input, Path output, String problem) {}

    final List<Job> jobs = new ArrayList<>();
    final String format;
    final boolean singleFile;

    UpscalePlan(List<Path> inputs, Path out, String format, String suffix) {
        if (suffix.contains("/") || suffix.contains(java.io.File.separator))
            throw new UserException("--suffix must not contain a path separator: " + suffix);
        if (formatOf(out) == null && ImageReader.isImageName(out))
            throw new UserException(out + ": can only write PNG, JPEG or TIFF (name the output .png, .jpg or .tif)");
        singleFile = inputs.size() == 1 && !Files.isDirectory(inputs.get(0)) && !Files.isDirectory(out)
                && formatOf(out) != null;
        if (singleFile && format != null && !format.equals(formatOf(out)))
            throw new UserException(out + ": the name says " + formatOf(out) + " but --format is " + format);
        this.format = format != null ? format : singleFile ? formatOf(out) : "png";
        if (!singleFile && Files.exists(out) && !Files.isDirectory(out))
            throw new UserException(out + ": exists and is not a folder (with a folder or several inputs, OUT is a folder)");

        Path outAbs = out.toAbsolutePath().normalize();
        for (Path in : inputs) {
            if (!Files.exists(in)) {
                jobs.add(new Job(in, null, "no such file or folder"));
            } else if (Files.isDirectory(in)) {
                List<Path> images = imagesUnder(in, outAbs);
                if (images.isEmpty()) jobs.add(new Job(in, null, "no images (*." + String.join(", *.", ImageReader.EXTENSIONS) + ") in this folder"));
                for (Path f : images) jobs.add(new Job(f, out.resolve(outputName(in.relativize(f), suffix)), null));
            } else {
                jobs.add(new Job(in, singleFile ? out : out.resolve(outputName(in.getFileName(), suffix)), null));
            }
        }
        guardInputsAndDuplicates();
    }

    /** "png", "jpg" or "tif" for a file name with that extension, else null. */
    static String formatOf(Path file) {
        String n = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) return "png";
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) return "jpg";
        if (n.endsWith(".tif") || n.endsWith(".tiff")) return "tif";
        return null;
    }

    private Path outputName(Path relative, String suffix) {
        String name = relative.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Path parent = relative.getParent();
        String file = stem + suffix + "." + format;
        return parent == null ? Path.of(file) : parent.resolve(file);
    }

    /** The images under a folder, sorted, leaving out the output folder (a re-run must not upscale its outputs). */
    private static List<Path> imagesUnder(Path dir, Path outAbs) {
        Path dirAbs = dir.toAbsolutePath().normalize();
        boolean outInside = outAbs.startsWith(dirAbs) && !outAbs.equals(dirAbs);
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(ImageReader::isImageName)
                    .filter(p -> !outInside || !p.toAbsolutePath().normalize().startsWith(outAbs))
                    .sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UserException(dir + ": cannot list the folder (" + e.getMessage() + ")");
        }
    }

    /** No output may be an input (even with --force), nor the output of an earlier job. */
    private void guardInputsAndDuplicates() {
        Set<Path> inputs = new HashSet<>();
        for (Job j : jobs) {
            if (j.problem() != null) continue;
            inputs.add(j.input().toAbsolutePath().normalize());
            try {
                inputs.add(j.input().toRealPath());
            } catch (IOException ignored) {
                // unreadable inputs fail later with their own message
            }
        }
        Map<Path, Path> taken = new HashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            Job j = jobs.get(i);
            if (j.problem() != null) continue;
            Path o = j.output().toAbsolutePath().normalize();
            String problem = null;
            if (inputs.contains(o) || inputs.contains(realPath(j.output())))
                problem = "output " + j.output() + " is an input image; refusing to overwrite it (even with --force)";
            else if (taken.containsKey(o))
                problem = "output " + j.output() + " is also the output of " + taken.get(o) + "; use --suffix or separate runs";
            else taken.put(o, j.input());
            if (problem != null) jobs.set(i, new Job(j.input(), j.output(), problem));
        }
    }

    private static Path realPath(Path p) {
        try {
            return Files.exists(p) ? p.toRealPath() : p.toAbsolutePath().normalize();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
