package bnnsr.eval;

import bnnsr.image.FloatImage;

/**
 * The thing being measured: anything that turns a low-resolution RGB image into one {@code scale} times larger.
 * Bicubic is one ({@link BicubicResolver}); a trained network is another (the CLI's {@code --model FILE}).
 */
public interface SuperResolver {
    /** Short name for tables and JSON ("bicubic", a model file's name). */
    String name();

    /**
     * Upscales an RGB image (3 channels, values in [0, 1]) by an integer factor. The result must be
     * (height * scale) x (width * scale) x 3; values outside [0, 1] are fine, the protocol clamps and quantises them.
     */
    FloatImage upscale(FloatImage lrRgb, int scale);

    /**
     * Whether {@link #upscale} may run on several threads at once. The evaluator then works on several images in
     * parallel; otherwise it goes one image at a time and the resolver is expected to use the threads itself.
     */
    default boolean threadSafe() { return true; }
}
