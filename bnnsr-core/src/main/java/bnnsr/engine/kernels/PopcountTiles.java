package bnnsr.engine.kernels;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernels of the binary conv: popcount(a XOR w) summed over a k x k window for 3 adjacent pixels and one
 * tile of output channels ({@link InterleavedWeights}), the sums left in a small scratch array as int lanes in
 * channel order: group g of pixel j at longs {@code [so + j * half + g * LANES, +LANES)} (the low half of long i =
 * channel 2i of the group, the high half channel 2i + 1).
 * <p>
 * Two implementations of the same sums, chosen per CPU by {@link PopcountKernel}:
 * <ul>
 *   <li>vector: {@code LongVector} XOR + {@code BIT_COUNT}, 3 pixels x 2 groups = 12 accumulators (with AVX-512:
 *       3 x 32 channels), each activation word broadcast once per tap and each weight vector used 3 times (Java
 *       arrays are not 64-byte aligned, so weight loads mostly split cache lines: reuse pays). 3 pixels measured
 *       ~20% faster than 2 pixels (8 accumulators), 4 pixels x 1 group ~10%; 16 accumulators (4 pixels x 2 groups)
 *       pass C2's node-count inlining cutoff and the vectors get boxed (measured 10-20x slower);</li>
 *   <li>scalar: {@code Long.bitCount} on 3 pixels x 2 channels at a time, for CPUs whose vector popcount is
 *       emulated (AVX2: C2's BIT_COUNT without VPOPCNTDQ measured several times slower than scalar POPCNT).</li>
 * </ul>
 * Each method stays small so that it is compiled whole (a Vector API method that is not fully inlined boxes its
 * vectors and runs several times slower).
 */
final class PopcountTiles {
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final int L = InterleavedWeights.LANES;

    private PopcountTiles() {}

    private static LongVector popXor(LongVector a, LongVector w) {
        return a.lanewise(VectorOperators.XOR, w).lanewise(VectorOperators.BIT_COUNT);
    }


    /**
     * 3 pixels (activation words at {@code ai}, {@code ai + words}, {@code ai + 2 * words}) x 2 groups; {@code
     * offsets}: the activation words of the window relative to the pixel, in weight order; weights from {@code wi},
     * stride 4L; pixel j's sums at {@code so + j * half}.
     */
    static void vector2(long[] a, int ai, int words, int[] offsets, long[] wl, int wi, long[] sc, int so, int half) {
        LongVector s0 = LongVector.zero(LS), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        LongVector u0 = s0, u1 = s0, u2 = s0, u3 = s0;
        for (int off : offsets) {
            LongVector w0 = LongVector.fromArray(LS, wl, wi), w1 = LongVector.fromArray(LS, wl, wi + L);
            LongVector w2 = LongVector.fromArray(LS, wl, wi + 2 * L), w3 = LongVector.fromArray(LS, wl, wi + 3 * L);
            int at = ai + off;
            LongVector a0 = LongVector.broadcast(LS, a[at]), a1 = LongVector.broadcast(LS, a[at + words]), a2 = LongVector.broadcast(LS, a[at + 2 * words]);
            s0 = s0.add(popXor(a0, w0)); s1 = s1.add(popXor(a0, w1)); s2 = s2.add(popXor(a0, w2)); s3 = s3.add(popXor(a0, w3));
            t0 = t0.add(popXor(a1, w0)); t1 = t1.add(popXor(a1, w1)); t2 = t2.add(popXor(a1, w2)); t3 = t3.add(popXor(a1, w3));
            u0 = u0.add(popXor(a2, w0)); u1 = u1.add(popXor(a2, w1)); u2 = u2.add(popXor(a2, w2)); u3 = u3.add(popXor(a2, w3));
            wi += 4 * L;
        }
        // each group's even | odd << 32: int lanes in channel order (written out, not as a helper method: one more
        // inlining decision in this method passes C2's node-count cutoff and boxes every vector)
        s0.or(s1.lanewise(VectorOperators.LSHL, 32)).intoArray(sc, so); s2.or(s3.lanewise(VectorOperators.LSHL, 32)).intoArray(sc, so + L);
        t0.or(t1.lanewise(VectorOperators.LSHL, 32)).intoArray(sc, so + half); t2.or(t3.lanewise(VectorOperators.LSHL, 32)).intoArray(sc, so + half + L);
        u0.or(u1.lanewise(VectorOperators.LSHL, 32)).intoArray(sc, so + 2 * half); u2.or(u3.lanewise(VectorOperators.LSHL, 32)).intoArray(sc, so + 2 * half + L);
    }

    /** As {@link #vector2} for a 1-group tile (weights stride 2L). */
    static void vector1(long[] a, int ai, int words, int[] offsets, long[] wl, int wi, long[] sc, int so, int half) {
        LongVector s0 = LongVector.zero(LS), s1 = s0, t0 = s0, t1 = s0, u0 = s0, u1 = s0;
        for (int off : offsets) {
            LongVector w0 = LongVector.fromArray(LS, wl, wi), w1 = LongVector.fromArray(LS, wl, wi + L);
            int at = ai + off;
            LongVector a0 = LongVector.broadcast(LS, a[at]), a1 = LongVector.broadcast(LS, a[at + words]), a2 = LongVector.broadcast(LS, a[at + 2 * words]);
            s0 = s0.add(popXor(a0, w0)); s1 = s1.add(popXor(a0, w1));
            t0 = t0.add(popXor(a1, w0)); t1 = t1.add(popXor(a1, w1));
            u0 = u0.add(popXor(a2, w0)); u1 = u1.add(popXor(a2, w1));
            wi += 2 * L;
        }
        s0.or(s1.lanewise(VectorOperators.LSHL, 32)).intoArray(sc, so);
        t0.or(t1.lanewise(VectorOperators.LSHL, 32)).intoArray(sc, so + half);
        u0.or(u1.lanewise(VectorOperators.LSHL, 32)).intoArray(sc, so + 2 * half);
    }

    /**
     * The same sums as {@link #vector2} / {@link #vector1} ({@code groups} 2 or 1) with scalar {@code Long.bitCount},
     * 3 pixels x 2 weight positions = 6 accumulators at a time (with the words loaded, fits the 16 general-purpose
     * registers).
     */
    static void scalar(long[] a, int ai, int words, int[] offsets, long[] wl, int wi, int groups, long[] sc, int so, int half) {
        int width = groups * 2 * L;
        for (int q = 0; q < width; q += 2) {
            long s0 = 0, s1 = 0, t0 = 0, t1 = 0, u0 = 0, u1 = 0;
            for (int i = 0, w = wi + q; i < offsets.length; i++, w += width) {
                int at = ai + offsets[i];
                long x0 = a[at], x1 = a[at + words], x2 = a[at + 2 * words], w0 = wl[w], w1 = wl[w + 1];
                s0 += Long.bitCount(x0 ^ w0); s1 += Long.bitCount(x0 ^ w1);
                t0 += Long.bitCount(x1 ^ w0); t1 += Long.bitCount(x1 ^ w1);
                u0 += Long.bitCount(x2 ^ w0); u1 += Long.bitCount(x2 ^ w1);
            }
            put(sc, so, q, s0); put(sc, so, q + 1, s1);
            put(sc, so + half, q, t0); put(sc, so + half, q + 1, t1);
            put(sc, so + 2 * half, q, u0); put(sc, so + 2 * half, q + 1, u1);
        }
    }

    /** Writes the sum of weight position q (group q / 2L; even channels first, then odd) of a pixel into its half. */
    private static void put(long[] sc, int so, int q, long sum) {
        int g = q / (2 * L), r = q % (2 * L), at = so + g * L + r % L;
        sc[at] = r < L ? (sc[at] & 0xFFFFFFFF00000000L) | sum : (sc[at] & 0xFFFFFFFFL) | sum << 32;
    }
}
