package bnnsr.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * BatchNorm2d's backward loops over NHWC pixels, vectorised over channels with the Vector API (as plain loops,
 * C2 did not vectorise their short per-pixel channel loops: with three BNs per bsrn LB block they were 15% of a
 * bsrn training step). Channels past the last whole vector run as a plain tail. Each element sees the plain
 * loop's roundings, so {@link #dx} equals its plain loop exactly; {@link #run}'s sums are float within a block of
 * {@link #BLOCK} pixels and double across blocks, a fixed order for a fixed chunk.
 */
final class BackwardSums {
    static final int BLOCK = 64;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private BackwardSums() {}

    /**
     * Adds, for pixels [p0, p1) of NHWC data with c channels, sum g and sum g * (x - mu) per channel to
     * part[po + ch] and part[po + c + ch]; {@code acc[ao .. ao + 2c)} is float scratch.
     */
    static void run(float[] g, float[] x, float[] mu, int c, int p0, int p1, float[] acc, int ao, double[] part, int po) {
        for (int ch = 0; ch < 2 * c; ch++) part[po + ch] = 0;
        int vc = c / L * L;
        for (int b0 = p0; b0 < p1; b0 += BLOCK) {
            int b1 = Math.min(p1, b0 + BLOCK);
            java.util.Arrays.fill(acc, ao, ao + 2 * c, 0f);
            for (int p = b0; p < b1; p++) {
                int i = p * c;
                for (int ch = 0; ch < vc; ch += L) {
                    FloatVector gv = FloatVector.fromArray(S, g, i + ch);
                    FloatVector d = FloatVector.fromArray(S, x, i + ch).sub(FloatVector.fromArray(S, mu, ch));
                    FloatVector.fromArray(S, acc, ao + ch).add(gv).intoArray(acc, ao + ch);
                    FloatVector.fromArray(S, acc, ao + c + ch).add(gv.mul(d)).intoArray(acc, ao + c + ch);
                }
                for (int ch = vc; ch < c; ch++) {
                    float gv = g[i + ch];
                    acc[ao + ch] += gv;
                    acc[ao + c + ch] += gv * (x[i + ch] - mu[ch]);
                }
            }
            for (int ch = 0; ch < 2 * c; ch++) part[po + ch] += acc[ao + ch];
        }
    }

    /** out = gs * (g - mdy - ((x - mu) * is) * mdx) per element of pixels [p0, p1), channel constants per channel. */
    static void dx(float[] g, float[] x, float[] out, int c, int p0, int p1, float[] mu, float[] is, float[] gs,
                   float[] mdy, float[] mdx) {
        int vc = c / L * L;
        for (int p = p0; p < p1; p++) {
            int i = p * c;
            for (int ch = 0; ch < vc; ch += L) {
                FloatVector xhat = FloatVector.fromArray(S, x, i + ch).sub(FloatVector.fromArray(S, mu, ch))
                        .mul(FloatVector.fromArray(S, is, ch));
                FloatVector.fromArray(S, g, i + ch).sub(FloatVector.fromArray(S, mdy, ch))
                        .sub(xhat.mul(FloatVector.fromArray(S, mdx, ch)))
                        .mul(FloatVector.fromArray(S, gs, ch)).intoArray(out, i + ch);
            }
            for (int ch = vc; ch < c; ch++) {
                float xhat = (x[i + ch] - mu[ch]) * is[ch];
                out[i + ch] = gs[ch] * (g[i + ch] - mdy[ch] - xhat * mdx[ch]);
            }
        }
    }
}
