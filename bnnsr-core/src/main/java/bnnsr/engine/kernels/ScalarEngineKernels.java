package bnnsr.engine.kernels;

import bnnsr.tensor.Tensor;

/** Plain-loop twins of {@link EngineKernels}, written as the training code computes: the tests' oracle. */
final class ScalarEngineKernels {
    private ScalarEngineKernels() {}

    static void meanAbs(Tensor a, Tensor e) {
        int c = a.c;
        for (int p = 0; p < a.n * a.h * a.w; p++) {
            double sum = 0;
            for (int j = p * c; j < (p + 1) * c; j++) sum += Math.abs(a.data[j]);
            e.data[p] = (float) (sum / c);
        }
    }

    /** S accumulated into a tensor from 0 by {@code S += b_i * A_i} in source order, then packed by thresholds. */
    static void accumulatePack(Tensor[] a, float[] s, Tensor[] stats, SignThresholds signs, PackedActivations out) {
        Tensor x0 = a[0], acc = new Tensor(x0.n, x0.h, x0.w, x0.c);
        int c = x0.c;
        for (int i = 0; i < a.length; i++)
            for (int p = 0; p < x0.n * x0.h * x0.w; p++) {
                float b = s == null ? 1f : s[i] * stats[i].data[p];
                for (int j = p * c; j < (p + 1) * c; j++) acc.data[j] += b * a[i].data[j];
            }
        BinaryConvOps.scalar().pack(acc, signs, out);
    }

    /**
     * A BBCU unit's float work node by node, as the nn layers compute it: RPReLU of the conv output ({@code conv},
     * PyTorch channel order c * r^2 + i * r + j), PixelShuffle(r), nearest_r(x), then the add.
     */
    static Tensor unit(Tensor conv, float[] s1, float[] a, float[] s2, int r, Tensor x) {
        Tensor act = new Tensor(conv.n, conv.h, conv.w, conv.c);
        for (int i = 0; i < conv.size(); i++) {
            int ch = i % conv.c;
            float t = conv.data[i] + s1[ch];
            act.data[i] = (t > 0 ? t : a[ch] * t) + s2[ch];
        }
        Tensor out = new Tensor(x.n, x.h * r, x.w * r, x.c);
        for (int n = 0; n < out.n; n++)
            for (int y = 0; y < out.h; y++)
                for (int px = 0; px < out.w; px++)
                    for (int c = 0; c < out.c; c++) {
                        float shuffled = act.get(n, y / r, px / r, c * r * r + (y % r) * r + px % r);
                        out.set(n, y, px, c, shuffled + x.get(n, y / r, px / r, c));
                    }
        return out;
    }

    /** A conv's results with its residual added (the accumulating epilogue), then the add node after it. */
    static Tensor residual(Tensor conv, Tensor res, Tensor extra) {
        Tensor y = res.copy();
        for (int i = 0; i < y.size(); i++) y.data[i] = conv.data[i] + y.data[i];
        if (extra == null) return y;
        Tensor z = new Tensor(y.n, y.h, y.w, y.c);
        for (int i = 0; i < z.size(); i++) z.data[i] = extra.data[i] + y.data[i];
        return z;
    }
}
