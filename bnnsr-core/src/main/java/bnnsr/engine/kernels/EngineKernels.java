package bnnsr.engine.kernels;

import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The engine's float work around the binary convs, fused and vectorised, each with the float operations of the
 * training code it replaces (so the engine stays bit-identical to the training forward):
 * <ul>
 *   <li>{@link #meanAbs}: BAM's statistic E(A) = mean_c |A| per pixel, summed in double in channel order and
 *       rounded once, as {@code bnnsr.binarize.ActivationAccumulation} does (summed as vectors where that is
 *       provably exact, hence the same bits; else in channel order);</li>
 *   <li>{@link #accumulatePack}: S = sum_i b_i * A_i (b_i = s_i * E(A_i), or 1), from 0, one float multiply and
 *       one float add per term, then the sign thresholds, straight into packed bits: S is never stored;</li>
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
     * {@link #meanAbs(Tensor, Tensor)} for pixels [p0, p1) (the pixel at {@code x[p * c]}, its result at
     * {@code out[p]}).
     * <p>
     * Why a vector sum gives the sequential double sum's bits: every |a_j| is a multiple of q, the quantum (ulp) of
     * the smallest nonzero one, m, and q >= m 2^-24. While the total S is below 2^53 q, every partial sum, in any
     * order, is a multiple of q below 2^53 q, hence exact in double: then the channel-order sum and any other order
     * give exactly S. S &lt; 2^28 m (checked on the computed sum, whose relative error is far below 2x) implies
     * S &lt; 2^29 m &lt;= 2^53 q. Pixels that fail the check (values spanning more than ~2^28, NaN, infinities) take
     * the sequential sum.
     */
    private static void meanAbs(float[] x, int c, int p0, int p1, float[] out) {
        for (int p = p0; p < p1; p++) out[p] = meanAbsPixel(x, p * c, c);
    }

    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    /** Floats as many as {@link #DS}'s doubles (8 with AVX-512), widened lane for lane. */
    private static final VectorSpecies<Float> HS = VectorSpecies.of(float.class, VectorShape.forBitSize(DS.vectorBitSize() / 2));
    private static final int HL = HS.length();
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, HS.vectorShape());

    /**
     * mean_c |x[b + j]| of one pixel: the double sum, rounded once (see {@link #meanAbs(float[], int, int, int, float[])}).
     * The smallest nonzero |a| comes from the bits: {@code (bits - 1) & 0x7fffffff} maps 0 to the largest int and
     * keeps the order of the others (cheaper than a compare and blend; measured ~1.5x faster in all).
     */
    static float meanAbsPixel(float[] x, int b, int c) {
        DoubleVector sum = DoubleVector.zero(DS);
        IntVector min = IntVector.broadcast(IS, Integer.MAX_VALUE);
        int j = 0;
        for (; j + HL <= c; j += HL) {
            FloatVector v = FloatVector.fromArray(HS, x, b + j).abs();
            min = min.min(v.reinterpretAsInts().sub(1).and(0x7fffffff));
            sum = sum.add(v.convertShape(VectorOperators.F2D, DS, 0));
        }
        double s = sum.reduceLanes(VectorOperators.ADD);
        float m = Float.intBitsToFloat(min.reduceLanes(VectorOperators.MIN) + 1);
        for (; j < c; j++) {
            float a = Math.abs(x[b + j]);
            s += a;
            if (a != 0f) m = Math.min(m, a);
        }
        return s < 0x1p28 * m ? (float) (s / c) : meanAbsSequential(x, b, c);
    }

    /** The statistic as the training code sums it: in double, in channel order. */
    private static float meanAbsSequential(float[] x, int b, int c) {
        double s = 0;
        for (int k = b; k < b + c; k++) s += Math.abs(x[k]);
        return (float) (s / c);
    }

    /**
     * Packs bit = signs.bit(c, S) for S = sum_i b_i * A_i, b_i = s[i] * stat[i][p] (s null: b_i = 1); the
     * sources {@code src[i]} (data of tensors shaped like x0) and their statistics come from the caller, except
     * where {@code computeStat[i]}: then the statistic is computed here into {@code stat[i]}, just before it is
     * used: a pixel at a time in {@link SmallPack}'s case (its floats then come from L1 for the accumulation), else
     * a row at a time (read from cache, not memory, the second time).
     */
    public static void accumulatePack(Tensor x0, float[][] src, float[] s, float[][] stat, boolean[] computeStat, SignThresholds signs,
                               PackedActivations out) {
        int[] origin = new int[src.length];
        Parallel.forRange(x0.n * x0.h, (r0, r1) -> accumulatePackRows(x0.h, x0.w, x0.c, src, origin, s, stat, computeStat, signs, out, r0, r1));
    }

    /**
     * {@link #accumulatePack} of rows [r0, r1) of the stacked images (row r = image r / h, its row r % h) on the
     * calling thread, where a source may be a band buffer holding only some rows: source i's stacked pixel p is at
     * {@code src[i][(p - origin[i]) * c]} and its statistic at {@code stat[i][p - origin[i]]} (origin 0: a whole
     * tensor; {@code r0 * w}: a band starting at row r0). The float operations per element are
     * {@link #accumulatePack}'s.
     */
    public static void accumulatePackRows(int h, int w, int c, float[][] src, int[] origin, float[] s, float[][] stat, boolean[] computeStat,
                                          SignThresholds signs, PackedActivations out, int r0, int r1) {
        float[] below = signs.below, above = signs.above;
        boolean whole = c % L == 0, small = whole && c <= 64 && src.length <= 3;
        for (int r = r0; r < r1; r++) {
            int img = r / h, y = r % h;
            if (small) {
                // the statistics pixel by pixel, just before the pixel is accumulated (~3% of bsrn's binary part)
                SmallPack.row(src, origin, s, stat, s == null ? null : computeStat, c, w, r * w, below, above, out.bits, out.index(img, y, 0));
                continue;
            }
            if (s != null)
                for (int i = 0; i < src.length; i++)
                    if (computeStat[i]) meanAbs(src[i], c, r * w - origin[i], (r + 1) * w - origin[i], stat[i]);
            for (int px = 0; px < w; px++) {
                int p = r * w + px, di = out.index(img, y, px);
                if (whole) {
                    packWhole(src, origin, s, stat, p, c, below, above, out.bits, di, out.words);
                    continue;
                }
                for (int j = 0; j < out.words; j++) {
                    long word = 0;
                    for (int q = 0, ch = 64 * j; q < 64 && ch < c; q += L, ch += L) {
                        VectorMask<Float> m = S.indexInRange(ch, c);
                        FloatVector acc = FloatVector.zero(S);
                        for (int i = 0; i < src.length; i++) {
                            int at = p - origin[i];
                            float b = s == null ? 1f : s[i] * stat[i][at];
                            acc = acc.add(FloatVector.fromArray(S, src[i], at * c + ch, m).mul(b));
                        }
                        VectorMask<Float> neg = acc.lt(FloatVector.fromArray(S, below, ch, m))
                                .or(acc.compare(VectorOperators.GT, FloatVector.fromArray(S, above, ch, m)));
                        word |= neg.and(m).toLong() << q;
                    }
                    out.bits[di + j] = word;
                }
            }
        }
    }

    /** One pixel when the channels are whole vectors (48 for BSRN, 64 for SRResNet): no masks. */
    private static void packWhole(float[][] src, int[] origin, float[] s, float[][] stat, int p, int c, float[] below, float[] above,
                                  long[] bits, int di, int words) {
        for (int j = 0; j < words; j++) {
            long word = 0;
            for (int q = 0, ch = 64 * j; q < 64 && ch < c; q += L, ch += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0; i < src.length; i++) {
                    int at = p - origin[i];
                    float b = s == null ? 1f : s[i] * stat[i][at];
                    acc = acc.add(FloatVector.fromArray(S, src[i], at * c + ch).mul(b));
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
            int from = v0 * L, to = Math.min(size, v1 * L);
            ShuffleActivation.activate(in, from, out, from, to - from, true, slope);
        });
    }
}
