package bnnsr.engine;

import bnnsr.engine.graph.RowSink;
import bnnsr.tensor.Tensor;

/**
 * A super-resolution network ready to run: the one thing the {@link Tiler} and the {@link Upscaler} need, whether
 * the network is a float training model ({@link ModelNetwork}) or the packed binary engine.
 *
 * <p>An instance is not reentrant (layers own their buffers): one {@link #run} at a time. Several threads get
 * their own instances from {@link #replica()}, which shares nothing mutable with this one.
 */
public interface InferenceNetwork {
    /** The integer upscaling factor. */
    int scale();

    /**
     * How far, in LR pixels, an output pixel can see: output pixels of LR position p depend only on LR pixels within
     * this Chebyshev distance of p. Must not underestimate (tiles use it as their overlap, so an underestimate shows
     * seams); a small overestimate only costs some recomputation.
     */
    int receptiveRadius();

    /**
     * Upscales {@code lr}, a 1 x h x w x 3 RGB tensor (NHWC, values nominally in [0, 1], zero padding at its
     * borders), to 1 x (h * scale) x (w * scale) x 3, unclamped. The result may be a buffer of this network, valid
     * until the next call: copy what you keep.
     */
    Tensor run(Tensor lr);

    /**
     * An estimate of the working memory one {@link #run} needs per input pixel (activation buffers), in bytes; the
     * default tile size is chosen from it so that a tile's buffers stay within a budget.
     */
    long bytesPerInputPixel();

    /**
     * Whether {@link #stream} works: the network can run an image of any height in bands of rows, holding only the
     * rows its layers still need, with the same result as {@link #run}.
     */
    default boolean streams() { return false; }

    /**
     * Upscales {@code lr} (1 x h x w x 3) as {@link #run} would, handing the output rows to {@code sink} top to
     * bottom, each once, and telling {@code progress} after each band; working memory depends on the width, not
     * the height. Only when {@link #streams()}.
     */
    default void stream(Tensor lr, RowSink sink, Tiler.Progress progress) {
        throw new UnsupportedOperationException(describe() + " does not stream");
    }

    /**
     * An estimate of the working memory {@link #stream} needs for an image of {@code height} x {@code width} LR
     * pixels, in bytes (bounded by the width alone once the image is tall enough to be streamed in bands).
     */
    default long streamBytes(int height, int width) { throw new UnsupportedOperationException(describe() + " does not stream"); }

    /** A new instance with the same weights and its own buffers, for running on another thread. */
    InferenceNetwork replica();

    /** Short description for messages: architecture, scale. */
    String describe();
}
