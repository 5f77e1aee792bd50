package bnnsr.eval;

/** An image that cannot be measured at a scale (smaller than the scale, or too small for SSIM after shaving). */
public class ImageTooSmallException extends RuntimeException {
    public ImageTooSmallException(String message) { super(message); }
}
