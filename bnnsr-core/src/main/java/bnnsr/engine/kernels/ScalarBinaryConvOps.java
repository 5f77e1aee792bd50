package bnnsr.engine.kernels;

import bnnsr.tensor.Tensor;

/** Plain loops over valid taps only (zero padding by construction): the oracle for {@link VectorBinaryConvOps}. */
public final class ScalarBinaryConvOps implements BinaryConvOps {
    static final ScalarBinaryConvOps INSTANCE = new ScalarBinaryConvOps();

    @Override public void pack(Tensor x, SignThresholds signs, PackedActivations out) {
        checkPack(x, signs, out);
        for (int n = 0; n < x.n; n++)
            for (int y = 0; y < x.h; y++)
                for (int px = 0; px < x.w; px++) {
                    int o = out.index(n, y, px);
                    for (int j = 0; j < out.words; j++) out.bits[o + j] = 0L;
                    for (int ch = 0; ch < x.c; ch++) {
                        float v = x.get(n, y, px, ch);
                        if (signs == null ? v < 0 : signs.bit(ch, v)) out.bits[o + (ch >>> 6)] |= 1L << (ch & 63);
                    }
                }
    }

    static void checkPack(Tensor x, SignThresholds signs, PackedActivations out) {
        if (!out.hasShape(x.n, x.h, x.w, x.c, out.pad))
            throw new IllegalArgumentException("cannot pack " + x + " into " + out);
        if (signs != null && signs.channels() != x.c)
            throw new IllegalArgumentException("sign thresholds for " + signs.channels() + " channels, input has " + x.c);
    }

    /** The exact result at one output: sum over valid taps and channels of sign(a) * sign(w). */
    static long exact(PackedActivations x, PackedWeights w, int n, int y, int px, int co) {
        int p = w.k / 2;
        long s = 0;
        for (int ky = 0; ky < w.k; ky++) {
            int iy = y + ky - p;
            if (iy < 0 || iy >= x.h) continue;
            for (int kx = 0; kx < w.k; kx++) {
                int ix = px + kx - p;
                if (ix < 0 || ix >= x.w) continue;
                int a = x.index(n, iy, ix);
                for (int j = 0; j < x.words; j++) {
                    int channels = Math.min(64, x.c - 64 * j);
                    s += channels - 2L * Long.bitCount(x.bits[a + j] ^ w.word(ky * w.k + kx, j, co));
                }
            }
        }
        return s;
    }

    @Override public void convExact(PackedActivations x, PackedWeights w, int[] out) {
        BinaryConvOps.checkConv(x, w);
        int i = 0;
        for (int n = 0; n < x.n; n++)
            for (int y = 0; y < x.h; y++)
                for (int px = 0; px < x.w; px++)
                    for (int co = 0; co < w.cout; co++) out[i++] = (int) exact(x, w, n, y, px, co);
    }

    @Override public void convRelu(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, Tensor y) {
        conv(x, w, alpha, beta, false, y);
        for (int i = 0; i < y.size(); i++) y.data[i] = Math.max(y.data[i], 0f);
    }

    @Override public void conv(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean accumulate, Tensor out) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, out.n, out.h, out.w, out.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        for (int n = 0; n < x.n; n++)
            for (int y = 0; y < x.h; y++)
                for (int px = 0; px < x.w; px++)
                    for (int co = 0; co < w.cout; co++) {
                        float v = (float) exact(x, w, n, y, px, co) * alpha[co] + beta[co];
                        int i = out.index(n, y, px, co);
                        out.data[i] = accumulate ? out.data[i] + v : v;
                    }
    }

    @Override public void convBand(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean relu, float[] band, int rowFrom,
                                   int rowTo) {
        BinaryConvOps.checkBand(x, w, alpha, beta, band, rowFrom, rowTo);
        int i = 0;
        for (int r = rowFrom; r < rowTo; r++)
            for (int px = 0; px < x.w; px++)
                for (int co = 0; co < w.cout; co++) {
                    float v = (float) exact(x, w, r / x.h, r % x.h, px, co) * alpha[co] + beta[co];
                    band[i++] = relu ? Math.max(v, 0f) : v;
                }
    }

    @Override public void convResidualRows(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] res, float[] extra, float[] out,
                                           int shift, int rowFrom, int rowTo) {
        BinaryConvOps.checkResidualRows(x, w, alpha, beta, res, extra, out, shift, rowFrom, rowTo);
        for (int r = rowFrom; r < rowTo; r++)
            for (int px = 0; px < x.w; px++)
                for (int co = 0; co < w.cout; co++) {
                    int i = (r * x.w + px) * w.cout + co;
                    float v = (float) exact(x, w, r / x.h, r % x.h, px, co) * alpha[co] + beta[co] + res[i];
                    out[i + shift * x.w * w.cout] = extra == null ? v : extra[i] + v;
                }
    }

    @Override public void convPack(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] threshold, PackedActivations out) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, out.n, out.h, out.w, out.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        for (int n = 0; n < x.n; n++)
            for (int y = 0; y < x.h; y++)
                for (int px = 0; px < x.w; px++) {
                    int o = out.index(n, y, px);
                    for (int j = 0; j < out.words; j++) out.bits[o + j] = 0L;
                    for (int co = 0; co < w.cout; co++) {
                        float v = (float) exact(x, w, n, y, px, co) * alpha[co] + beta[co];
                        if (v < (threshold == null ? 0f : threshold[co])) out.bits[o + (co >>> 6)] |= 1L << (co & 63);
                    }
                }
    }
}
