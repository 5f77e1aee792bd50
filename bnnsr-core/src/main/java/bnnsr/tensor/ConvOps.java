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
