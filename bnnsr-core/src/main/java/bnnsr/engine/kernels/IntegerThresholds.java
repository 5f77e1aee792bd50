package bnnsr.engine.kernels;

/**
 * The packing epilogue {@code bit = e * alpha + beta < t} (float multiply, then float add) of a binary conv, turned
 * into integer compares on the exact result e: {@code bit = e < below[c] || e > above[c]}, with the same bits for
 * every possible e.
 * <p>
 * Why exact: for alpha &gt; 0, e * alpha + beta is non-decreasing in e (rounding is monotone), so the bit is 1
 * exactly below the first e whose value reaches t; a binary search over the possible range |e| &lt;= k*k*cin finds
 * it. Negative alpha mirrors that; alpha = 0 gives a constant bit. The kernels then skip the float conversion and
 * the multiply-add for layers whose only consumer is the next sign.
 */
public final class IntegerThresholds {
    public final int[] below, above;

    private IntegerThresholds(int[] below, int[] above) { this.below = below; this.above = above; }

    /** For exact results in [-range, range]; {@code threshold} null means 0. Parameters must be finite. */
    public static IntegerThresholds of(float[] alpha, float[] beta, float[] threshold, int channels, int range) {
        int[] below = new int[channels], above = new int[channels];
        for (int c = 0; c < channels; c++) {
            float a = alpha[c], b = beta[c], t = threshold == null ? 0f : threshold[c];
            if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(t))
                throw new IllegalArgumentException("non-finite epilogue parameter at channel " + c);
            below[c] = Integer.MIN_VALUE;
            above[c] = Integer.MAX_VALUE;
            if (a > 0) below[c] = firstNotBelow(a, b, t, range, false);
            else if (a < 0) above[c] = firstNotBelow(a, b, t, range, true) - 1;
            else if (b < t) below[c] = Integer.MAX_VALUE; // always 1
        }
        return new IntegerThresholds(below, above);
    }

    /**
     * For a &gt; 0: the smallest e in [-range, range + 1] with e * a + b &gt;= t (range + 1 when none).
     * For a &lt; 0 ({@code mirrored}): the smallest e with e * a + b &lt; t, the start of the 1 bits.
     */
    private static int firstNotBelow(float a, float b, float t, int range, boolean mirrored) {
        int lo = -range, hi = range + 1;
        while (lo < hi) {
            int mid = Math.floorDiv(lo + hi, 2);
            boolean bit = (float) mid * a + b < t;
            if (bit == mirrored) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /** The bit for exact result e (what the kernels compute with vector compares). */
    public boolean bit(int c, int e) { return e < below[c] || e > above[c]; }
}
