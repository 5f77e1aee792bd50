package bnnsr.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link EngineKernels#accumulatePackRows}' common case, one row: at most 3 sources (a BSRN LB's convs have 1, 2
 * and 3) and at most 64 channels in whole vectors (one packed word per pixel). A method per source count, the
 * sources as plain arrays and each b_i computed once per pixel: the generic loop (sources in a {@code float[][]},
 * b_i recomputed per vector) measured 1.3-2.2x slower. The float operations per element are the generic loop's:
 * {@code 0 + A_0 b_0 [+ A_1 b_1 [+ A_2 b_2]]}, then the two threshold compares.
 */
final class SmallPack {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private SmallPack() {}

    /** Row pixels [p0, p0 + w) into words {@code bits[di + px]} (source i's pixel p at {@code (p - origin[i]) * c}). */
    static void row(float[][] src, int[] origin, float[] s, float[][] stat, boolean[] computeStat, int c, int w, int p0, float[] below, float[] above,
                    long[] bits, int di) {
        switch (src.length) {
            case 1 -> one(src[0], p0 - origin[0], s == null ? 1f : s[0], s == null ? null : stat[0], computeStat != null && computeStat[0], c, w, below,
                    above, bits, di);
            case 2 -> two(src[0], p0 - origin[0], src[1], p0 - origin[1], s, stat, computeStat, c, w, below, above, bits, di);
            default -> three(src, origin, p0, s, stat, computeStat, c, w, below, above, bits, di);
        }
    }

    /**
     * b = s * stat[p], the statistic computed here first when {@code compute} (its pixel's floats are then read
     * from L1 by the accumulation right after, where a separate pass over the row read them twice).
     */
    private static float weight(float s, float[] stat, int p, boolean compute, float[] a, int o, int c) {
        if (compute) stat[p] = EngineKernels.meanAbsPixel(a, o, c);
        return weight(s, stat, p);
    }

    /** b = s * stat[p], or 1 without statistic (as the generic loop). */
    private static float weight(float s, float[] stat, int p) { return stat == null ? 1f : s * stat[p]; }

    private static long signs(FloatVector acc, float[] below, float[] above, int q) {
        return acc.lt(FloatVector.fromArray(S, below, q)).or(acc.compare(VectorOperators.GT, FloatVector.fromArray(S, above, q))).toLong() << q;
    }

    private static void one(float[] a, int pa, float sa, float[] ea, boolean ca, int c, int w, float[] below, float[] above, long[] bits, int di) {
        for (int px = 0, o = pa * c; px < w; px++, o += c) {
            float ba = weight(sa, ea, pa + px, ca, a, o, c);
            long word = 0;
            for (int q = 0; q < c; q += L) word |= signs(FloatVector.zero(S).add(FloatVector.fromArray(S, a, o + q).mul(ba)), below, above, q);
            bits[di + px] = word;
        }
    }

    private static void two(float[] a, int pa, float[] b, int pb, float[] s, float[][] stat, boolean[] compute, int c, int w, float[] below, float[] above,
                            long[] bits, int di) {
        float sa = s == null ? 1f : s[0], sb = s == null ? 1f : s[1];
        float[] ea = s == null ? null : stat[0], eb = s == null ? null : stat[1];
        boolean ca = compute != null && compute[0], cb = compute != null && compute[1];
        for (int px = 0, oa = pa * c, ob = pb * c; px < w; px++, oa += c, ob += c) {
            float ba = weight(sa, ea, pa + px, ca, a, oa, c), bb = weight(sb, eb, pb + px, cb, b, ob, c);
            long word = 0;
            for (int q = 0; q < c; q += L)
                word |= signs(FloatVector.zero(S).add(FloatVector.fromArray(S, a, oa + q).mul(ba)).add(FloatVector.fromArray(S, b, ob + q).mul(bb)), below, above, q);
            bits[di + px] = word;
        }
    }

    private static void three(float[][] src, int[] origin, int p0, float[] s, float[][] stat, boolean[] compute, int c, int w, float[] below, float[] above,
                              long[] bits, int di) {
        float[] a = src[0], b = src[1], d = src[2];
        int pa = p0 - origin[0], pb = p0 - origin[1], pd = p0 - origin[2];
        float sa = s == null ? 1f : s[0], sb = s == null ? 1f : s[1], sd = s == null ? 1f : s[2];
        float[] ea = s == null ? null : stat[0], eb = s == null ? null : stat[1], ed = s == null ? null : stat[2];
        boolean ca = compute != null && compute[0], cb = compute != null && compute[1], cd = compute != null && compute[2];
        for (int px = 0, oa = pa * c, ob = pb * c, od = pd * c; px < w; px++, oa += c, ob += c, od += c) {
            float ba = weight(sa, ea, pa + px, ca, a, oa, c), bb = weight(sb, eb, pb + px, cb, b, ob, c), bd = weight(sd, ed, pd + px, cd, d, od, c);
            long word = 0;
            for (int q = 0; q < c; q += L)
                word |= signs(FloatVector.zero(S).add(FloatVector.fromArray(S, a, oa + q).mul(ba)).add(FloatVector.fromArray(S, b, ob + q).mul(bb))
                        .add(FloatVector.fromArray(S, d, od + q).mul(bd)), below, above, q);
            bits[di + px] = word;
        }
    }
}
