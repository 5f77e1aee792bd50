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
}
