package bnnsr.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise float kernels on array ranges, with the Vector API. Every method takes offsets and a length so
 * callers can split big tensors with {@link Parallel#forRange}; results equal the plain loops exactly (each
 * element sees the same single rounding), so no method depends on how a range is split.
 */
public final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Rotations by L/2, L/4, .., 1 lanes: adding each to the vector leaves the sum of all lanes in lane 0. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] FOLD = java.util.stream.IntStream.iterate(L / 2, h -> h >= 1, h -> h / 2)
            .mapToObj(h -> VectorShuffle.iota(S, h, 1, true)).toArray(VectorShuffle[]::new);

    private VectorMath() {}

    /** dst[d + i] += src[s + i] for i in [0, n). */
    public static void accumulate(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (; i <= n - L; i += L)
            FloatVector.fromArray(S, dst, d + i).add(FloatVector.fromArray(S, src, s + i)).intoArray(dst, d + i);
        for (; i < n; i++) dst[d + i] += src[s + i];
    }

    /** y[yo + i] += alpha * x[xo + i] for i in [0, n), as one fused multiply-add per element. */
    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i <= n - L; i += L)
            FloatVector.fromArray(S, x, xo + i).fma(a, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        for (; i < n; i++) y[yo + i] = Math.fma(x[xo + i], alpha, y[yo + i]);
    }

    /** out[oo + i] = a[ao + i] + b[bo + i] for i in [0, n); out may be a or b. */
    public static void add(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (; i <= n - L; i += L)
            FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    /** x[xo + i] *= alpha for i in [0, n). */
    public static void scale(float[] x, int xo, float alpha, int n) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        int i = 0;
        for (; i <= n - L; i += L) FloatVector.fromArray(S, x, xo + i).mul(a).intoArray(x, xo + i);
        for (; i < n; i++) x[xo + i] *= alpha;
    }

    /**
     * ReLU's backward: out[oo + i] = x[xo + i] > 0 ? g[go + i] : 0 (NaN counts as not positive). As a plain loop this
     * is a data-dependent branch that mispredicts on half the elements of a conv output: measured 17% of a bsrn
     * training step.
     */
    public static void reluBackward(float[] x, int xo, float[] g, int go, float[] out, int oo, int n) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, g, go + i), positive).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = x[xo + i] > 0 ? g[go + i] : 0f;
    }

    /**
     * The dot product of a[ao ..] and b[bo ..] over n elements: per-lane float fused multiply-adds, the lanes folded
     * pairwise in float, then the tail added in double. Deterministic (it depends on n and the vector width only), within
     * float rounding of the exact value.
     */
    public static double dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        // fold the lanes in a fixed tree order (reduceLanes leaves the order open; lane-by-lane extraction was slow)
        for (VectorShuffle<Float> half : FOLD) acc = acc.add(acc.rearrange(half));
        double s = acc.lane(0);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /**
     * out[oo + i] (=, or += when {@code add}) p * g[go + i] + q * signum(a[ao + i]), each product rounded, then the
     * sum (then the add): the plain loop's roundings exactly. signum(0) = 0; a NaN counts as 0.
     */
    public static void scaledPlusSignum(float p, float[] g, int go, float q, float[] a, int ao, float[] out, int oo, int n,
                                        boolean add) {
        FloatVector vp = FloatVector.broadcast(S, p), zero = FloatVector.zero(S),
                plus = FloatVector.broadcast(S, q), minus = FloatVector.broadcast(S, -q);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector av = FloatVector.fromArray(S, a, ao + i);
            FloatVector qs = zero.blend(plus, av.compare(VectorOperators.GT, 0f)).blend(minus, av.compare(VectorOperators.LT, 0f));
            FloatVector v = FloatVector.fromArray(S, g, go + i).mul(vp).add(qs);
            if (add) v = FloatVector.fromArray(S, out, oo + i).add(v);
            v.intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            float ai = a[ao + i], v = p * g[go + i] + (ai > 0 ? q : ai < 0 ? -q : 0f);
            out[oo + i] = add ? out[oo + i] + v : v;
        }
    }

    /**
     * out[oo + i] = x[xo + i] > 0 ? g[go + i] : g[go + i] * slope: LeakyReLU's forward (g = x) and backward (g = dL/dy)
     * without the plain loop's data-dependent branch.
     */
    public static void positiveOrScaled(float[] x, int xo, float[] g, int go, float slope, float[] out, int oo, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, go + i);
            VectorMask<Float> positive = FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f);
            gv.mul(slope).blend(gv, positive).intoArray(out, oo + i);
        }
        for (; i < n; i++) out[oo + i] = x[xo + i] > 0 ? g[go + i] : g[go + i] * slope;
    }

    /** Pixels per float block of {@link #channelSums}: short enough that float sums stay within ~1e-5 relative. */
    public static final int SUM_BLOCK = 64;

    /**
     * part[po + ch] = sum over pixels [p0, p1) of g[p * c + ch] (NHWC, c channels): float vectors over the channels
     * within blocks of {@link #SUM_BLOCK} pixels, the blocks added in double, a fixed order; {@code acc[ao .. ao + c)}
     * is float scratch. One pass instead of a strided pass per channel.
     */
    public static void channelSums(float[] g, int c, int p0, int p1, float[] acc, int ao, double[] part, int po) {
        java.util.Arrays.fill(part, po, po + c, 0);
        int vc = c / L * L;
        for (int b0 = p0; b0 < p1; b0 += SUM_BLOCK) {
            int b1 = Math.min(p1, b0 + SUM_BLOCK);
            java.util.Arrays.fill(acc, ao, ao + c, 0f);
            for (int p = b0; p < b1; p++) {
                int i = p * c;
                for (int ch = 0; ch < vc; ch += L)
                    FloatVector.fromArray(S, acc, ao + ch).add(FloatVector.fromArray(S, g, i + ch)).intoArray(acc, ao + ch);
                for (int ch = vc; ch < c; ch++) acc[ao + ch] += g[i + ch];
            }
            for (int ch = 0; ch < c; ch++) part[po + ch] += acc[ao + ch];
        }
    }

    /**
     * Bi-Real Net's ApproxSign gradient at v = x + b (b per channel, NHWC with c channels), times g:
     * out = g * (|v| &lt; 1 ? 2 - 2|v| : 0) (= 2 + 2v on [-1, 0), 2 - 2v on [0, 1); NaN gives 0), for pixels [p0, p1).
     */
    public static void approxSignBackward(float[] x, float[] b, float[] g, float[] out, int c, int p0, int p1) {
        FloatVector zero = FloatVector.zero(S), two = FloatVector.broadcast(S, 2f), one = FloatVector.broadcast(S, 1f);
        int vc = c / L * L;
        for (int p = p0; p < p1; p++) {
            int i = p * c;
            for (int ch = 0; ch < vc; ch += L) {
                FloatVector v = FloatVector.fromArray(S, x, i + ch).add(FloatVector.fromArray(S, b, ch)).abs();
                FloatVector d = zero.blend(two.sub(two.mul(v)), v.compare(VectorOperators.LT, one));
                FloatVector.fromArray(S, g, i + ch).mul(d).intoArray(out, i + ch);
            }
            for (int ch = vc; ch < c; ch++) {
                float v = Math.abs(x[i + ch] + b[ch]);
                out[i + ch] = g[i + ch] * (v < 1f ? 2f - 2f * v : 0f);
            }
        }
    }
}
