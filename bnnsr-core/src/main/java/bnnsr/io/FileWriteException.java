package bnnsr.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that could not be written (full disk, permissions, an output that exists): the message is one line that
 * names the file, fit to show to a user as it is; {@link #reason()} is the same without the name.
 */
public class FileWriteException extends IOException {
    private final Path file;
    private final String reason;

    public FileWriteException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    public Path file() { return file; }

    public String reason() { return reason; }

    /** The target existed (or appeared meanwhile) and the write was not allowed to replace it. */
    public static final class Exists extends FileWriteException {
        public Exists(Path file) { super(file, "exists; not replaced", null); }
    }
}
