package bnnsr.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Per-channel elementwise layers (RPReLU, BatchNorm2d's backward) over NHWC pixels, vectorised over channels with the Vector API (their plain loops
 * branch on the data, which mispredicts on half the elements), channels past the last whole vector as a plain
 * tail. Every element sees the plain loop's float operations in the same order, so outputs equal it exactly;
 * parameter-gradient sums are float within blocks of {@link #BLOCK} pixels and double across blocks.
 */
final class ChannelKernels {
    static final int BLOCK = 64;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private ChannelKernels() {}

    /** RPReLU: out = (t &gt; 0 ? t : a * t) + s2, t = in + s1, for pixels [p0, p1). */
    static void rprelu(float[] in, float[] out, int c, int p0, int p1, float[] s1, float[] a, float[] s2) {
        int vc = c / L * L;
        for (int p = p0; p < p1; p++) {
            int i = p * c;
            for (int ch = 0; ch < vc; ch += L) {
                FloatVector t = FloatVector.fromArray(S, in, i + ch).add(FloatVector.fromArray(S, s1, ch));
                VectorMask<Float> pos = t.compare(VectorOperators.GT, 0f);
                FloatVector.fromArray(S, a, ch).mul(t).blend(t, pos).add(FloatVector.fromArray(S, s2, ch)).intoArray(out, i + ch);
            }
            for (int ch = vc; ch < c; ch++) {
                float t = in[i + ch] + s1[ch];
                out[i + ch] = (t > 0 ? t : a[ch] * t) + s2[ch];
            }
        }
    }

    /**
     * RPReLU's backward for pixels [p0, p1): out = t &gt; 0 ? g : a * g, and into part[po ..] (overwritten) the sums
     * [d s1 = sum out | d a = sum over t &lt;= 0 of t * g | d s2 = sum g], each c wide; acc[po .. po + 3c) is scratch.
     */
    static void rpreluBackward(float[] in, float[] g, float[] out, int c, int p0, int p1, float[] s1, float[] a,
                               float[] acc, double[] part, int po) {
        java.util.Arrays.fill(part, po, po + 3 * c, 0);
        int vc = c / L * L;
        FloatVector zero = FloatVector.zero(S);
        for (int b0 = p0; b0 < p1; b0 += BLOCK) {
            int b1 = Math.min(p1, b0 + BLOCK);
            java.util.Arrays.fill(acc, po, po + 3 * c, 0f);
            for (int p = b0; p < b1; p++) {
                int i = p * c;
                for (int ch = 0; ch < vc; ch += L) {
                    FloatVector t = FloatVector.fromArray(S, in, i + ch).add(FloatVector.fromArray(S, s1, ch));
                    FloatVector gv = FloatVector.fromArray(S, g, i + ch);
                    VectorMask<Float> pos = t.compare(VectorOperators.GT, 0f);
                    FloatVector gt = FloatVector.fromArray(S, a, ch).mul(gv).blend(gv, pos);
                    gt.intoArray(out, i + ch);
                    FloatVector.fromArray(S, acc, po + ch).add(gt).intoArray(acc, po + ch);
                    FloatVector.fromArray(S, acc, po + c + ch).add(t.mul(gv).blend(zero, pos)).intoArray(acc, po + c + ch);
                    FloatVector.fromArray(S, acc, po + 2 * c + ch).add(gv).intoArray(acc, po + 2 * c + ch);
                }
                for (int ch = vc; ch < c; ch++) {
                    float t = in[i + ch] + s1[ch], gv = g[i + ch];
                    float gt = t > 0 ? gv : a[ch] * gv;
                    out[i + ch] = gt;
                    acc[po + ch] += gt;
                    acc[po + c + ch] += t > 0 ? 0f : t * gv;
                    acc[po + 2 * c + ch] += gv;
                }
            }
            for (int j = 0; j < 3 * c; j++) part[po + j] += acc[po + j];
        }
    }

    // BatchNorm2d's backward (as plain loops, C2 did not vectorise their short channel loops: with three BNs per
    // bsrn LB block they were 15% of a bsrn training step)

    /**
     * Adds, for pixels [p0, p1) of NHWC data with c channels, sum g and sum g * (x - mu) per channel to
     * part[po + ch] and part[po + c + ch]; {@code acc[ao .. ao + 2c)} is float scratch.
     */
    static void bnSums(float[] g, float[] x, float[] mu, int c, int p0, int p1, float[] acc, int ao, double[] part, int po) {
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
    static void bnDx(float[] g, float[] x, float[] out, int c, int p0, int p1, float[] mu, float[] is, float[] gs,
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
