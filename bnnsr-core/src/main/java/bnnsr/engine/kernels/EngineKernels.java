package bnnsr.engine.kernels;

import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The engine's float work around the binary convs, fused and vectorised, each with the float operations of the
 * training code it replaces (so the engine stays bit-identical to the training forward):
 * <ul>
 *   <li>{@link #meanAbs}: BAM's statistic E(A) = mean_c |A| per pixel, summed in double in channel order and
 *       rounded once, as {@code bnnsr.binarize.ActivationAccumulation} does (pixels interleaved for speed, each
 *       pixel's sum in the same order);</li>
 *   <li>{@link #accumulatePack}: S = sum_i b_i * A_i (b_i = s_i * E(A_i), or 1), from 0, one float multiply and
 *       one float add per term, then the sign thresholds, straight into packed bits: S is never stored;</li>
 *   <li>{@link #residual}: a binary conv's band (its float results, read back from cache) plus the residual,
 *       plus the operand of an add that follows: the float adds of the unfused epilogue and add node, in order;</li>
 *   <li>{@link #activation}: ReLU ({@code Math.max(v, 0)}) and LeakyReLU ({@code v > 0 ? v : v * slope}) without
 *       branches (the {@code nn} layers' branch mispredicts on real data).</li>
 * </ul>
 * {@link ScalarEngineKernels} holds the plain-loop twins the tests compare with.
 */
public final class EngineKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private EngineKernels() {}

    /** e[p] = (float) (sum_c |a[p, c]| / c), the sum in double in channel order. */
    public static void meanAbs(Tensor a, Tensor e) {
        Parallel.forRange(a.n * a.h * a.w, (p0, p1) -> meanAbs(a.data, a.c, p0, p1, e.data));
    }

    /**
     * {@link #meanAbs(Tensor, Tensor)} for pixels [p0, p1): four pixels at a time, each summed in its own
     * accumulator in channel order (one pixel's double adds form a dependency chain; four chains hide the latency).
     */
    private static void meanAbs(float[] x, int c, int p0, int p1, float[] out) {
        int p = p0;
        for (; p + 4 <= p1; p += 4) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int b = p * c;
            for (int j = 0; j < c; j++) {
                s0 += Math.abs(x[b + j]);
                s1 += Math.abs(x[b + c + j]);
                s2 += Math.abs(x[b + 2 * c + j]);
                s3 += Math.abs(x[b + 3 * c + j]);
            }
            out[p] = (float) (s0 / c);
            out[p + 1] = (float) (s1 / c);
            out[p + 2] = (float) (s2 / c);
            out[p + 3] = (float) (s3 / c);
        }
        for (; p < p1; p++) {
            double s = 0;
            for (int j = p * c, end = j + c; j < end; j++) s += Math.abs(x[j]);
            out[p] = (float) (s / c);
        }
    }

    /**
     * Packs bit = signs.bit(c, S) for S = sum_i b_i * A_i, b_i = s[i] * stat[i][p] (s null: b_i = 1); the
     * sources {@code src[i]} (data of tensors shaped like x0) and their statistics come from the caller, except
     * where {@code computeStat[i]}: then the statistic is computed here into {@code stat[i]}, a row at a time just
     * before that row is accumulated (the row's floats are then read from cache, not memory, the second time).
     */
    public static void accumulatePack(Tensor x0, float[][] src, float[] s, float[][] stat, boolean[] computeStat, SignThresholds signs,
                               PackedActivations out) {
        int c = x0.c, w = x0.w;
        float[] below = signs.below, above = signs.above;
        boolean whole = c % L == 0;
        Parallel.forRange(x0.n * x0.h, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int img = r / x0.h, y = r % x0.h;
                if (s != null)
                    for (int i = 0; i < src.length; i++)
                        if (computeStat[i]) meanAbs(src[i], c, r * w, (r + 1) * w, stat[i]);
                for (int px = 0; px < w; px++) {
                    int p = r * w + px, base = p * c, di = out.index(img, y, px);
                    if (whole) {
                        packWhole(src, s, stat, p, base, c, below, above, out.bits, di, out.words);
                        continue;
                    }
                    for (int j = 0; j < out.words; j++) {
                        long word = 0;
                        for (int q = 0, ch = 64 * j; q < 64 && ch < c; q += L, ch += L) {
                            VectorMask<Float> m = S.indexInRange(ch, c);
                            FloatVector acc = FloatVector.zero(S);
                            for (int i = 0; i < src.length; i++) {
                                float b = s == null ? 1f : s[i] * stat[i][p];
                                acc = acc.add(FloatVector.fromArray(S, src[i], base + ch, m).mul(b));
                            }
                            VectorMask<Float> neg = acc.lt(FloatVector.fromArray(S, below, ch, m))
                                    .or(acc.compare(VectorOperators.GT, FloatVector.fromArray(S, above, ch, m)));
                            word |= neg.and(m).toLong() << q;
                        }
                        out.bits[di + j] = word;
                    }
                }
            }
        });
    }

    /** One pixel when the channels are whole vectors (48 for BSRN, 64 for SRResNet): no masks. */
    private static void packWhole(float[][] src, float[] s, float[][] stat, int p, int base, int c, float[] below, float[] above,
                                  long[] bits, int di, int words) {
        for (int j = 0; j < words; j++) {
            long word = 0;
            for (int q = 0, ch = 64 * j; q < 64 && ch < c; q += L, ch += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0; i < src.length; i++) {
                    float b = s == null ? 1f : s[i] * stat[i][p];
                    acc = acc.add(FloatVector.fromArray(S, src[i], base + ch).mul(b));
                }
                VectorMask<Float> neg = acc.lt(FloatVector.fromArray(S, below, ch))
                        .or(acc.compare(VectorOperators.GT, FloatVector.fromArray(S, above, ch)));
                word |= neg.toLong() << q;
            }
            bits[di + j] = word;
        }
    }

    /**
     * XNOR-Net's K: the mean map box-averaged over k x k with zero padding, the taps summed in double in row order,
     * times the float 1/k^2, rounded once (as {@code XnorActivations.boxAverage}).
     */
    public static void boxScale(Tensor mean, int k, Tensor out) {
        int p = k / 2, h = mean.h, w = mean.w;
        float norm = 1f / (k * k);
        float[] in = mean.data, o = out.data;
        Parallel.forRange(mean.n * h, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int n = r / h, y = r % h;
                for (int x = 0; x < w; x++) {
                    double s = 0;
                    for (int dy = -p; dy <= p; dy++) {
                        int yy = y + dy;
                        if (yy < 0 || yy >= h) continue;
                        for (int dx = -p; dx <= p; dx++) {
                            int xx = x + dx;
                            if (xx >= 0 && xx < w) s += in[(n * h + yy) * w + xx];
                        }
                    }
                    o[(n * h + y) * w + x] = (float) (s * norm);
                }
            }
        });
    }

    /** y[p, o] = x[p, o] * k[p] + bias[o]. */
    public static void scaleBias(Tensor x, Tensor k, float[] bias, Tensor y) {
        int c = x.c;
        float[] in = x.data, kp = k.data, out = y.data;
        Parallel.forRange(x.n * x.h * x.w, (p0, p1) -> {
            for (int p = p0; p < p1; p++)
                for (int o = 0, j = p * c; o < c; o++, j++) out[j] = in[j] * kp[p] + bias[o];
        });
    }

    /** y = max(x, 0) for slope 0, else x > 0 ? x : x * slope. */
    public static void activation(Tensor x, float slope, Tensor y) {
        float[] in = x.data, out = y.data;
        int size = x.size();
        Parallel.forRange((size + L - 1) / L, (v0, v1) -> {
            int from = v0 * L, to = Math.min(size, v1 * L), i = from;
            for (; i + L <= to; i += L) {
                FloatVector v = FloatVector.fromArray(S, in, i);
                FloatVector r = slope == 0f ? v.max(0f) : v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f));
                r.intoArray(out, i);
            }
            for (; i < to; i++) out[i] = slope == 0f ? Math.max(in[i], 0f) : in[i] > 0 ? in[i] : in[i] * slope;
        });
    }

    /**
     * {@code out[o + i] = band[i] + res[o + i]}, then {@code extra[o + i] + (that)} when {@code extra} is not null,
     * for i in [0, count): a binary conv's results plus its residual (what the conv's accumulating epilogue adds)
     * and the other operand of the add node that reads it.
     */
    public static void residual(float[] band, float[] res, float[] extra, float[] out, int o, int count) { residual(band, res, extra, out, o, o, count); }

    /** As {@link #residual(float[], float[], float[], float[], int, int)}, writing at {@code out[oo..]} (a row store's place). */
    public static void residual(float[] band, float[] res, float[] extra, float[] out, int o, int oo, int count) {
        int i = 0;
        for (; i + L <= count; i += L) {
            FloatVector v = FloatVector.fromArray(S, band, i).add(FloatVector.fromArray(S, res, o + i));
            if (extra != null) v = FloatVector.fromArray(S, extra, o + i).add(v);
            v.intoArray(out, oo + i);
        }
        for (; i < count; i++) {
            float v = band[i] + res[o + i];
            out[oo + i] = extra != null ? extra[o + i] + v : v;
        }
    }
}
