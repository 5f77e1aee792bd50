package bnnsr.engine;

/** An image the {@link Upscaler} refuses because its output would exceed the pixel limit or the memory. */
public final class ImageTooLargeException extends IllegalArgumentException {
    public ImageTooLargeException(String message) { super(message); }
}
