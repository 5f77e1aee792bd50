package bnnsr.tensor;

/**
 * The three kernels of a 2-D convolution with stride 1 and "same" zero padding (pad = k / 2, k odd), on NHWC
 * tensors with weights in HWIO order: {@code w[((ky * k + kx) * cin + ci) * cout + co]}.
 * <p>
 * {@link ScalarConvOps} is the readable oracle; the fast implementation must match it to float rounding.
 */
public interface ConvOps {
    /** y = conv(x, w) + bias; x is [n,h,w,cin], y is [n,h,w,cout] (overwritten); bias may be null. */
    void forward(Tensor x, float[] w, float[] bias, int k, Tensor y);

    /**
     * {@link #forward} computing only rows [rowFrom, rowTo) of y (one image; its other rows are left as they are):
     * for a band whose edge rows are not kept. Every computed row equals {@code forward}'s bit for bit. The default
     * computes all rows.
     */
    default void forwardRows(Tensor x, float[] w, float[] bias, int k, Tensor y, int rowFrom, int rowTo) { forward(x, w, bias, k, y); }

    /**
     * {@link #forwardRows} into a caller's array: output row r of rows [rowFrom, rowTo) (one image) goes to
     * {@code out[(r + shift) * x.w * cout ..]}, and nothing else of {@code out} is written, bit for bit the rows
     * {@code forward} computes. The band schedule's row stores take a conv's rows this way where they keep them,
     * with no copy. The default computes into a temporary tensor and copies.
     */
    default void forwardRowsInto(Tensor x, float[] w, float[] bias, int k, int cout, float[] out, int shift, int rowFrom, int rowTo) {
        Tensor y = new Tensor(x.n, x.h, x.w, cout);
        forwardRows(x, w, bias, k, y, rowFrom, rowTo);
        int len = x.w * cout;
        System.arraycopy(y.data, rowFrom * len, out, (rowFrom + shift) * len, (rowTo - rowFrom) * len);
    }

    /**
     * Receives pieces of a conv's output rows that are never stored whole ({@link #forwardEpilogue}): pixels
     * [x0, x1) of output row {@code row} (images stacked: image row / h, row row % h), pixel px's channels at
     * {@code buf[off + (px - x0) * cout + c]}. The buffer is the caller's scratch: read it before returning.
     */
    @FunctionalInterface
    interface RowEpilogue { void rows(float[] buf, int off, int row, int x0, int x1); }

    /**
     * {@link #forward}'s output (cout channels) for rows [rowFrom, rowTo) of the stacked images, handed to
     * {@code epilogue} in pieces of rows instead of stored, each pixel of those rows once, possibly from several
     * threads at once (pieces of different rows): so a following elementwise or permuting step can read the conv's
     * values while they are still in cache. Every value equals {@code forward}'s bit for bit. The default runs
     * {@code forward} into a whole tensor, then hands it over row by row (the oracle; tracing wrappers).
     */
    default void forwardEpilogue(Tensor x, float[] w, float[] bias, int k, int cout, int rowFrom, int rowTo, RowEpilogue epilogue) {
        Tensor y = new Tensor(x.n, x.h, x.w, cout);
        forward(x, w, bias, k, y);
        for (int row = rowFrom; row < rowTo; row++) epilogue.rows(y.data, row * x.w * cout, row, 0, x.w);
    }

    /** dx = conv_transpose(dy, w); dx is [n,h,w,cin] (overwritten). */
    void backwardInput(Tensor dy, float[] w, int k, Tensor dx);

    /** dw (HWIO, overwritten) = sum over n, pixels of x-patch * dy; db (overwritten, may be null) = sum of dy. */
    void backwardWeight(Tensor x, Tensor dy, int k, float[] dw, float[] db);

    /**
     * The implementation the calling thread's layers use: the one {@link #using} installed for this thread, else
     * the fast one (the scalar one when the JVM runs without jdk.incubator.vector). Nothing JVM-wide is mutable.
     */
    static ConvOps get() {
        ConvOps o = Default.SCOPED.get();
        return o != null ? o : Default.INSTANCE;
    }

    /**
     * Runs {@code body} with {@code ops} as the conv implementation of the layers this thread runs (a tracer or a
     * counter wrapping the real one), then restores the previous one; other threads are not affected.
     */
    static void using(ConvOps ops, Runnable body) {
        ConvOps before = Default.SCOPED.get();
        Default.SCOPED.set(ops);
        try {
            body.run();
        } finally {
            Default.SCOPED.set(before);
        }
    }

    /** The default implementation and the per-thread override of {@link #using}. */
    final class Default {
        private Default() {}
        static final ConvOps INSTANCE = fastest();
        static final ThreadLocal<ConvOps> SCOPED = new ThreadLocal<>();

        /** The Vector API kernels, or the scalar ones when the JVM runs without jdk.incubator.vector. */
        private static ConvOps fastest() {
            try {
                return new VectorConvOps();
            } catch (LinkageError e) {
                return new ScalarConvOps();
            }
        }
    }
}
