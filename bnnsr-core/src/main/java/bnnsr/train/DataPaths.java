package bnnsr.train;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves data folder names: as given (absolute, or relative to the working folder), else relative to the bnnsr
 * project folder that the launcher passes as {@code bnnsr.home}, so the defaults (../shared/datasets/...) work from
 * anywhere.
 */
public final class DataPaths {
    private DataPaths() {}

    public static Path resolve(String name) {
        Path p = Path.of(name);
        if (p.isAbsolute() || Files.exists(p)) return p;
        String home = System.getProperty("bnnsr.home");
        if (home != null) {
            Path q = Path.of(home).resolve(name).normalize();
            if (Files.exists(q)) return q;
        }
        return p;
    }
}
