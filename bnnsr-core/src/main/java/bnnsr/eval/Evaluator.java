package bnnsr.eval;

import bnnsr.image.FloatImage;
import bnnsr.image.ImageFileException;
import bnnsr.image.ImageReader;
import bnnsr.tensor.Parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Evaluates one method on folders of HR images at several scales through the {@link Protocol}. Each image is read
 * once and measured at every scale; images run in parallel when the method is thread-safe. Unreadable images and
 * images too small for a scale are skipped and reported (or, in strict mode, fail the run), so that one bad file
 * does not lose an hour of results; the image counts in the results show what was measured.
 */
public final class Evaluator {
    /** Told when an image is finished (all scales), from a worker thread. */
    @FunctionalInterface
    public interface Listener { void imageDone(Path file); }

    /** A file left out: at every scale ({@code scale == 0}: unreadable) or at one scale (too small). */
    public record Skip(Path file, int scale, String reason) {
        public String message() {
            return file + ": " + reason + (scale == 0 ? "" : " (left out at x" + scale + ")");
        }
    }

    /** The results of one folder: one {@link SetResult} per scale, and the files left out. */
    public record FolderReport(String set, List<SetResult> results, List<Skip> skipped) {}

    private final SuperResolver method;
    private final int[] scales;
    private final boolean strict;

    public Evaluator(SuperResolver method, int[] scales, boolean strict) {
        if (scales.length == 0) throw new IllegalArgumentException("no scales");
        for (int s : scales) if (s < 1) throw new IllegalArgumentException("scale must be >= 1, got " + s);
        this.method = method;
        this.scales = scales.clone();
        this.strict = strict;
    }

    /** The set's name: the folder's name. */
    public static String setName(Path dir) {
        Path n = dir.toAbsolutePath().normalize().getFileName();
        return n == null ? dir.toString() : n.toString();
    }

    /** The image files of a folder (by extension, sorted by name), or an EvalInputException saying why none. */
    public static List<Path> listImages(Path dir) {
        if (!Files.exists(dir)) throw new EvalInputException(dir + ": no such folder");
        if (!Files.isDirectory(dir)) throw new EvalInputException(dir + ": not a folder");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(ImageReader::isImageName).filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new EvalInputException(dir + ": cannot list the folder (" + e.getMessage() + ")");
        }
        if (files.isEmpty())
            throw new EvalInputException(dir + ": no images in the folder (looked for *." + String.join(", *.", ImageReader.EXTENSIONS) + ")");
        return files;
    }

    public FolderReport evaluateFolder(Path dir, Listener listener) {
        return evaluateFiles(setName(dir), listImages(dir), listener);
    }

    /** Evaluates the given image files as one set. */
    public FolderReport evaluateFiles(String set, List<Path> files, Listener listener) {
        int n = files.size();
        ImageScore[][] scores = new ImageScore[scales.length][n];
        @SuppressWarnings("unchecked") List<Skip>[] skips = new List[n];
        AtomicBoolean failed = new AtomicBoolean();
        Parallel.Range body = (from, to) -> {
            for (int i = from; i < to; i++) {
                if (strict && failed.get()) return;
                skips[i] = evaluateFile(files.get(i), i, scores);
                if (!skips[i].isEmpty()) failed.set(true);
                if (listener != null) listener.imageDone(files.get(i));
            }
        };
        if (method.threadSafe()) Parallel.forRange(n, n, body);   // one task per image, balanced by work stealing
        else body.run(0, n);

        List<Skip> skipped = new ArrayList<>();
        for (List<Skip> s : skips) if (s != null) skipped.addAll(s);
        if (strict && !skipped.isEmpty()) throw new EvalInputException(skipped.get(0).message());
        List<SetResult> results = new ArrayList<>();
        for (int k = 0; k < scales.length; k++) {
            List<ImageScore> measured = new ArrayList<>();
            for (ImageScore sc : scores[k]) if (sc != null) measured.add(sc);
            if (measured.isEmpty())
                throw new EvalInputException(files.get(0).getParent() + ": none of the " + n + " images could be measured at x"
                        + scales[k] + " (" + (skipped.isEmpty() ? "?" : skipped.get(0).message()) + ")");
            results.add(SetResult.of(set, scales[k], method.name(), measured));
        }
        return new FolderReport(set, results, skipped);
    }

    /** Reads one file and measures it at every scale; returns what had to be left out. */
    private List<Skip> evaluateFile(Path file, int index, ImageScore[][] scores) {
        FloatImage hr;
        try {
            hr = ImageReader.read(file);
        } catch (ImageFileException e) {
            return List.of(new Skip(file, 0, e.reason()));
        }
        List<Skip> skipped = new ArrayList<>(0);
        String name = file.getFileName().toString();
        for (int k = 0; k < scales.length; k++) {
            Protocol.Sample sample;
            try {
                sample = Protocol.prepare(name, hr, scales[k]);
            } catch (ImageTooSmallException e) {
                skipped.add(new Skip(file, scales[k], e.getMessage()));
                continue;
            }
            scores[k][index] = Protocol.measure(sample, method);
        }
        return skipped;
    }

    /**
     * Measures prepared samples (same scale) as one set: the entry point for training validation, which prepares
     * its samples once and measures the model after each epoch.
     */
    public static SetResult measure(String set, List<Protocol.Sample> samples, SuperResolver method) {
        int scale = samples.isEmpty() ? 0 : samples.get(0).scale();
        for (Protocol.Sample s : samples)
            if (s.scale() != scale) throw new IllegalArgumentException("samples of different scales in one set");
        ImageScore[] scores = new ImageScore[samples.size()];
        Parallel.Range body = (from, to) -> {
            for (int i = from; i < to; i++) scores[i] = Protocol.measure(samples.get(i), method);
        };
        if (method.threadSafe()) Parallel.forRange(scores.length, scores.length, body);
        else body.run(0, scores.length);
        return SetResult.of(set, scale, method.name(), List.of(scores));
    }
}
