package bnnsr.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * What a binary conv does with the popcount sums of a run of pixels of one row ({@link PopcountTiles}' scratch:
 * pixel i's sums at longs {@code [i * coutPadded / 2, +coutPadded / 2)}, read as int lanes in channel order): the
 * exact result {@code offset - 2 * sum} (see {@link PackedWeights}; {@code oi[i]}: pixel i's offset row), then
 * stored as ints, as floats {@code exact * alpha + beta} (optionally plus the output's old value, then ReLU), or as
 * the next layer's sign bits ({@link IntegerThresholds}).
 * <p>
 * Why runs of pixels and not a call per tile: the epilogue is a tenth of the kernel's vector work, but called per
 * pixel and tile its call and dispatch overhead measured a third of the whole conv; one tight loop over a run
 * (whose sums are still in L1) costs little more than its vector operations. Channels past {@code cout} (the
 * padding of the last group) are masked off; full groups take the mask-free path.
 */
final class TileEpilogues {
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int G = InterleavedWeights.GROUP;

    private TileEpilogues() {}

    /** The exact results of the G channels whose sums start at long {@code so}: offset - 2 * popcount sum. */
    private static IntVector exact(long[] sc, int so, int[] off, int oi) {
        IntVector s = LongVector.fromArray(LS, sc, so).reinterpretAsInts();
        return IntVector.fromArray(IS, off, oi).sub(s.lanewise(VectorOperators.LSHL, 1));
    }

    /**
     * int to float, exactly for |e| < 2^22: the bits of 1.5 * 2^23 plus e are the float 1.5 * 2^23 + e, then
     * subtracting 1.5 * 2^23 is exact. Measured faster here than the Vector API's I2F conversion.
     */
    private static FloatVector toFloat(IntVector e) {
        return e.add(MAGIC_BITS).reinterpretAsFloats().sub(MAGIC);
    }

    private static final float MAGIC = 12582912f;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

    /** Exact integers of {@code pixels} pixels into {@code out[o + i * cout + c]}. */
    static void exactInts(long[] sc, int pixels, int half, int[] off, int[] oi, int cout, int[] out, int o) {
        for (int i = 0; i < pixels; i++, o += cout) {
            int so = i * half, c = 0;
            for (; c + G <= cout; c += G) exact(sc, so + c / 2, off, oi[i] + c).intoArray(out, o + c);
            if (c < cout) exact(sc, so + c / 2, off, oi[i] + c).intoArray(out, o + c, IS.indexInRange(c, cout));
        }
    }

    /**
     * {@code out[o + i * cout + c] = e * alpha[c] + beta[c]} (a float multiply, then a float add: no FMA, as the
     * training forward rounds), plus the old value when {@code accumulate}, then {@code max(., 0)} when {@code relu}.
     * The int result converts exactly: |e| <= k*k*cin is far below 2^24.
     * <p>
     * Channel groups outside, pixels inside: a group's alpha, beta and (for a run of interior pixels, {@code
     * uniform}) offsets are loaded once per run. Java arrays are not 64-byte aligned, so most 512-bit loads split
     * cache lines; with them reloaded per pixel the epilogue measured ~1.4x slower.
     */
    static void floats(long[] sc, int pixels, int half, int[] off, int[] oi, boolean uniform, int cout, float[] alpha, float[] beta,
                       float[] out, int o, boolean accumulate, boolean relu) {
        int c = 0;
        for (; c + G <= cout; c += G) {
            FloatVector a = FloatVector.fromArray(FS, alpha, c), b = FloatVector.fromArray(FS, beta, c);
            IntVector offsets = IntVector.fromArray(IS, off, oi[0] + c);
            for (int i = 0, so = c / 2, oo = o + c; i < pixels; i++, so += half, oo += cout) {
                FloatVector r = scaled(sc, so, uniform ? offsets : IntVector.fromArray(IS, off, oi[i] + c), a, b);
                if (accumulate) r = r.add(FloatVector.fromArray(FS, out, oo));
                if (relu) r = r.max(0f);
                r.intoArray(out, oo);
            }
        }
        if (c < cout)
            for (int i = 0; i < pixels; i++) floatsTail(sc, i * half, off, oi[i], c, cout, alpha, beta, out, o + i * cout, accumulate, relu);
    }

    /**
     * {@code out[o + ...] = (e * alpha[c] + beta[c]) + res[ro + ...]}, then {@code extra[ro + ...] + (that)} when
     * {@code extra} is not null: a binary conv with its residual and the add node after it, the float adds of the
     * unfused epilogue and add node straight from the sums (no band buffer written and read back). As
     * {@link #floats}: channel groups outside.
     */
    static void residual(long[] sc, int pixels, int half, int[] off, int[] oi, boolean uniform, int cout, float[] alpha, float[] beta,
                         float[] res, float[] extra, int ro, float[] out, int o) {
        int c = 0;
        for (; c + G <= cout; c += G) {
            FloatVector a = FloatVector.fromArray(FS, alpha, c), b = FloatVector.fromArray(FS, beta, c);
            IntVector offsets = IntVector.fromArray(IS, off, oi[0] + c);
            for (int i = 0, so = c / 2, oo = o + c, rr = ro + c; i < pixels; i++, so += half, oo += cout, rr += cout) {
                FloatVector r = scaled(sc, so, uniform ? offsets : IntVector.fromArray(IS, off, oi[i] + c), a, b).add(FloatVector.fromArray(FS, res, rr));
                if (extra != null) r = FloatVector.fromArray(FS, extra, rr).add(r);
                r.intoArray(out, oo);
            }
        }
        for (int i = 0; c < cout && i < pixels; i++) {
            int oo = o + i * cout, rr = ro + i * cout;
            VectorMask<Float> m = FS.indexInRange(c, cout);
            FloatVector r = toFloat(exact(sc, i * half + c / 2, off, oi[i] + c)).mul(FloatVector.fromArray(FS, alpha, c, m))
                    .add(FloatVector.fromArray(FS, beta, c, m)).add(FloatVector.fromArray(FS, res, rr + c, m));
            if (extra != null) r = FloatVector.fromArray(FS, extra, rr + c, m).add(r);
            r.intoArray(out, oo + c, m);
        }
    }

    /** {@code exact * alpha + beta} of the G channels whose sums start at long {@code so}, their offsets given. */
    private static FloatVector scaled(long[] sc, int so, IntVector offsets, FloatVector alpha, FloatVector beta) {
        IntVector s = LongVector.fromArray(LS, sc, so).reinterpretAsInts().lanewise(VectorOperators.LSHL, 1);
        return toFloat(offsets.sub(s)).mul(alpha).add(beta);
    }

    private static void floatsTail(long[] sc, int so, int[] off, int oi, int c, int cout, float[] alpha, float[] beta,
                                   float[] out, int o, boolean accumulate, boolean relu) {
        VectorMask<Float> m = FS.indexInRange(c, cout);
        FloatVector e = toFloat(exact(sc, so + c / 2, off, oi + c));
        FloatVector r = e.mul(FloatVector.fromArray(FS, alpha, c, m)).add(FloatVector.fromArray(FS, beta, c, m));
        if (accumulate) r = r.add(FloatVector.fromArray(FS, out, o + c, m));
        if (relu) r = r.max(0f);
        r.intoArray(out, o + c, m);
    }

    /**
     * The sign bits {@code e < below[c] || e > above[c]} of {@code pixels} pixels into the next layer's packed words
     * {@code out[word[i] + c / 64]} (channel bits past cout stay zero). As {@link #floats}: channel groups outside,
     * their thresholds loaded once per run; a group at the start of a 64-channel word sets the word, the others OR
     * their bits into it.
     */
    static void signs(long[] sc, int pixels, int half, int[] off, int[] oi, boolean uniform, int cout, int[] below, int[] above,
                      long[] out, int[] word) {
        int c = 0;
        for (; c + G <= cout; c += G) {
            IntVector lo = IntVector.fromArray(IS, below, c), hi = IntVector.fromArray(IS, above, c);
            IntVector offsets = IntVector.fromArray(IS, off, oi[0] + c);
            int at = c >>> 6, shift = c & 63;
            for (int i = 0, so = c / 2; i < pixels; i++, so += half) {
                IntVector s = LongVector.fromArray(LS, sc, so).reinterpretAsInts().lanewise(VectorOperators.LSHL, 1);
                IntVector e = (uniform ? offsets : IntVector.fromArray(IS, off, oi[i] + c)).sub(s);
                long bits = e.lt(lo).or(e.compare(VectorOperators.GT, hi)).toLong() << shift;
                int wi = word[i] + at;
                out[wi] = shift == 0 ? bits : out[wi] | bits;
            }
        }
        if (c < cout)
            for (int i = 0; i < pixels; i++) signsTail(sc, i * half, off, oi[i], c, cout, below, above, out, word[i]);
    }

    private static void signsTail(long[] sc, int so, int[] off, int oi, int c, int cout, int[] below, int[] above, long[] out, int word) {
        VectorMask<Integer> m = IS.indexInRange(c, cout);
        IntVector e = exact(sc, so + c / 2, off, oi + c);
        long bits = e.lt(IntVector.fromArray(IS, below, c, m)).or(e.compare(VectorOperators.GT, IntVector.fromArray(IS, above, c, m))).and(m).toLong() << (c & 63);
        int wi = word + (c >>> 6);
        out[wi] = (c & 63) == 0 ? bits : out[wi] | bits;
    }
}
