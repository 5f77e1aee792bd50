package bnnsr.binarize;

import bnnsr.nn.Param;

import java.util.List;

/**
 * BAM's "BN" over a weight tensor ([inferred] reading of paper.md section 2): each output channel's kernel
 * (cin * kh * kw values) is standardised to zero mean and unit variance (population variance plus {@link #EPS},
 * as BatchNorm does), then optionally scaled and shifted by a learnable per-channel affine (gamma, beta).
 * It depends only on the weights, so training and inference compute the same thing and it needs no running
 * statistics. Forward and backward are exact (this part is differentiable).
 */
public final class WeightStandardization {
    public static final float EPS = 1e-5f;

    private final int rows, cols;
    private final Param gamma, beta;
    /** The standardised values before the affine, and 1/sigma per row, from the last forward. */
    private final float[] z;
    private final float[] invStd;

    /** {@code name} prefixes the affine parameters ({@code name.weight}, {@code name.bias}); affine may be off. */
    public WeightStandardization(String name, int rows, int cols, boolean affine) {
        this.rows = rows;
        this.cols = cols;
        this.z = new float[rows * cols];
        this.invStd = new float[rows];
        if (affine) {
            gamma = new Param(name + ".weight", new int[] {rows}, false);
            beta = new Param(name + ".bias", new int[] {rows}, false);
            java.util.Arrays.fill(gamma.value, 1f);
        } else {
            gamma = beta = null;
        }
    }

    /** out = affine((v - mean_row) / sqrt(var_row + eps)); out may not alias v. */
    public void forward(float[] v, float[] out) {
        for (int r = 0; r < rows; r++) {
            int from = r * cols, to = from + cols;
            double mean = 0, var = 0;
            for (int j = from; j < to; j++) mean += v[j];
            mean /= cols;
            for (int j = from; j < to; j++) var += (v[j] - mean) * (v[j] - mean);
            double inv = 1.0 / Math.sqrt(var / cols + EPS);
            invStd[r] = (float) inv;
            float ga = gamma == null ? 1f : gamma.value[r], be = beta == null ? 0f : beta.value[r];
            for (int j = from; j < to; j++) {
                z[j] = (float) ((v[j] - mean) * inv);
                out[j] = ga * z[j] + be;
            }
        }
    }

    /**
     * Given dOut = dL/d(out) of the last forward, writes dL/dv into dv (overwritten) and accumulates the affine
     * gradients: dv = (gamma / sigma) (dOut - mean(dOut) - z mean(dOut z)) per row.
     */
    public void backward(float[] dOut, float[] dv) {
        for (int r = 0; r < rows; r++) {
            int from = r * cols, to = from + cols;
            double sumD = 0, sumDz = 0;
            for (int j = from; j < to; j++) { sumD += dOut[j]; sumDz += dOut[j] * z[j]; }
            if (gamma != null) { gamma.grad[r] += (float) sumDz; beta.grad[r] += (float) sumD; }
            float ga = gamma == null ? 1f : gamma.value[r];
            double meanD = sumD / cols, meanDz = sumDz / cols, f = ga * invStd[r];
            for (int j = from; j < to; j++) dv[j] = (float) (f * (dOut[j] - meanD - z[j] * meanDz));
        }
    }

    /** The standardised values (before the affine) of the last forward. */
    public float[] standardized() { return z; }

    public List<Param> params() { return gamma == null ? List.of() : List.of(gamma, beta); }
}
