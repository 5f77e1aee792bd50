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

    /** dx = conv_transpose(dy, w); dx is [n,h,w,cin] (overwritten). */
    void backwardInput(Tensor dy, float[] w, int k, Tensor dx);

    /** dw (HWIO, overwritten) = sum over n, pixels of x-patch * dy; db (overwritten, may be null) = sum of dy. */
    void backwardWeight(Tensor x, Tensor dy, int k, float[] dw, float[] db);

    /** The implementation every layer uses (the fast one when it exists). */
    static ConvOps get() { return Holder.INSTANCE; }

    final class Holder {
        private Holder() {}
        static volatile ConvOps INSTANCE = fastest();

        /** Installs the default implementation (the fast kernels register themselves here). */
        public static void set(ConvOps ops) { INSTANCE = ops; }

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
