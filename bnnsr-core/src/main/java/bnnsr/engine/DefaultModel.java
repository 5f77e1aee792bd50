package bnnsr.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The model {@code bnnsr upscale} uses without {@code --model}: {@code default_x<S>.safetensors}, looked for in
 * this order, so that a file placed by the user wins over the bundled one:
 * <ol>
 * <li>{@code models/} under the bnnsr home (system property {@code bnnsr.home}, which the launcher sets to the
 * installation folder);</li>
 * <li>{@code models/} next to the running jar;</li>
 * <li>the class-path resource {@code /models/default_x<S>.safetensors} (bundled in the jar from
 * {@code bnnsr-core/src/main/resources/models/}), copied to a temporary file to be read.</li>
 * </ol>
 */
public final class DefaultModel {
    /** The resource folder of bundled models. */
    public static final String RESOURCE_FOLDER = "/models/";

    private DefaultModel() {}

    public static String fileName(int scale) { return "default_x" + scale + ".safetensors"; }

    /** The folders searched on disk, in order (may be empty). */
    public static List<Path> folders() {
        List<Path> dirs = new ArrayList<>();
        String home = System.getProperty("bnnsr.home");
        if (home != null && !home.isBlank()) dirs.add(Path.of(home, "models"));
        Path jar = jarFolder();
        if (jar != null && !dirs.contains(jar.resolve("models"))) dirs.add(jar.resolve("models"));
        return dirs;
    }

    /** The default model for a scale, if one is installed or bundled. */
    public static Optional<Path> find(int scale) throws IOException {
        String name = fileName(scale);
        for (Path dir : folders()) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) return Optional.of(f);
        }
        try (InputStream in = DefaultModel.class.getResourceAsStream(RESOURCE_FOLDER + name)) {
            if (in == null) return Optional.empty();
            Path tmp = Files.createTempFile("bnnsr-" + scale + "-", ".safetensors");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(tmp);
        }
    }

    /** One line saying where the default model was looked for, for the "not found" message. */
    public static String searched(int scale) {
        List<String> places = new ArrayList<>();
        for (Path d : folders()) places.add(d.toString());
        places.add("the jar's resources" + RESOURCE_FOLDER);
        return fileName(scale) + " (looked in " + String.join(", ", places) + ")";
    }

    private static Path jarFolder() {
        try {
            var src = DefaultModel.class.getProtectionDomain().getCodeSource();
            if (src == null) return null;
            Path p = Path.of(src.getLocation().toURI());
            return Files.isRegularFile(p) ? p.getParent() : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
