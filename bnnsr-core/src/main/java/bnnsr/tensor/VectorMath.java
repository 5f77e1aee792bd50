package bnnsr.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Elementwise float kernels on array ranges, with the Vector API. Every method takes offsets and a length so
 * callers can split big tensors with {@link Parallel#forRange}; results equal the plain loops exactly (each
 * element sees the same single rounding), so no method depends on how a range is split.
 */
public final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

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
}
