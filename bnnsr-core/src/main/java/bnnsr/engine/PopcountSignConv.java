package bnnsr.engine;

import bnnsr.binarize.SignConv;
import bnnsr.engine.kernels.*;
import bnnsr.tensor.Tensor;

/**
 * Training's binary forward on the inference kernels ({@link BinaryConvOps#fast()}): packs the +-1 input and the
 * +-1 weights (which change every step, so they are packed every call: k*k*cin*cout bits, negligible beside the
 * convolution) and runs the popcount conv with the scale-and-bias epilogue. Registered as the {@link SignConv}
 * service in {@code META-INF/services}.
 */
public final class PopcountSignConv implements SignConv {
    private final BinaryConvOps ops;

    /** The fast kernels (the service constructor). */
    public PopcountSignConv() { this(BinaryConvOps.fast()); }

    /** On given kernels (tests use the scalar twin). */
    public PopcountSignConv(BinaryConvOps ops) { this.ops = ops; }

    @Override public Instance create(int cin, int cout, int k) { return new Buffers(cin, cout, k); }

    private final class Buffers implements Instance {
        private final int cin, cout, k;
        private final float[] zeros;
        private PackedActivations packed;
        private int[] exact = new int[0];

        Buffers(int cin, int cout, int k) {
            this.cin = cin;
            this.cout = cout;
            this.k = k;
            this.zeros = new float[cout];
        }

        private PackedWeights pack(Tensor x, float[] signsOihw) {
            if (x.c != cin) throw new IllegalArgumentException("sign conv wants " + cin + " channels, got " + x.shape());
            packed = PackedActivations.reuse(packed, x.n, x.h, x.w, cin, k / 2);
            ops.pack(x, null, packed);
            return PackedWeights.fromOihw(signsOihw, cout, cin, k);
        }

        @Override public void forward(Tensor x, float[] signsOihw, float[] alpha, float[] beta, Tensor y) {
            PackedWeights w = pack(x, signsOihw);
            ops.conv(packed, w, alpha, beta == null ? zeros : beta, false, y);
        }

        @Override public void exact(Tensor x, float[] signsOihw, Tensor y) {
            PackedWeights w = pack(x, signsOihw);
            if (exact.length != y.size()) exact = new int[y.size()];
            ops.convExact(packed, w, exact);
            float[] out = y.data;
            int[] e = exact;
            bnnsr.tensor.Parallel.forRange(e.length, (a, b) -> { for (int i = a; i < b; i++) out[i] = e[i]; });
        }
    }
}
