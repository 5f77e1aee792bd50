package bnnsr.image;

import java.nio.file.Path;

/**
 * An image file that cannot be read or written (missing, unreadable, not an image, corrupt, unwritable folder).
 * The message is one line that names the file, fit to show to a user as it is.
 */
public class ImageFileException extends RuntimeException {
    private final Path file;
    private final String reason;

    public ImageFileException(Path file, String reason) { this(file, reason, null); }

    public ImageFileException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    public Path file() { return file; }

    /** The message without the file name. */
    public String reason() { return reason; }

    /** A cause's message on one line, for the reason text. */
    static String describe(Throwable t) {
        String m = t.getMessage();
        return (m == null || m.isBlank() ? t.getClass().getSimpleName() : m).replaceAll("\\s+", " ").trim();
    }
}
