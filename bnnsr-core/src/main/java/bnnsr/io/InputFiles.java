package bnnsr.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an input file before it is opened. Opening a FIFO blocks until a writer appears and reading a device may
 * never end, so anything but a regular file (after following links) is refused without being opened.
 */
public final class InputFiles {
    private InputFiles() {}

    /** Why {@code file} cannot be read as an input, or null when it is a readable regular file. */
    public static String problem(Path file) {
        if (!Files.exists(file)) return "no such file";
        if (Files.isDirectory(file)) return "is a folder, not a file";
        if (!Files.isRegularFile(file)) return "not a regular file (a FIFO, device or socket); refusing to read it";
        if (!Files.isReadable(file)) return "not readable (permission denied)";
        return null;
    }
}
