package bnnsr.engine.kernels;

import java.util.Arrays;

/**
 * How a float activation becomes a sign bit, per channel: {@code bit = v < below[c] || v > above[c]} (bit 1 = -1).
 * <p>
 * Any per-channel monotone float computation followed by Sign has this form, with thresholds that reproduce the
 * training code's float arithmetic exactly: e.g. BatchNorm2d then Sign is {@code Sign(v * scale + shift)}, two
 * float roundings, non-decreasing in v for scale &gt; 0; the first float (in value order) whose result is &gt;= 0 is
 * found by a binary search over the ordered float bit patterns, and {@code v < that} gives the very bits the
 * training forward's Sign gives, for every float v. Comparing against thresholds also skips the affine work.
 */
public final class SignThresholds {
    public final float[] below, above;

    private SignThresholds(float[] below, float[] above) { this.below = below; this.above = above; }

    public int channels() { return below.length; }

    /** Thresholds as stored in a packed model (bit = v &lt; below || v &gt; above); no NaNs. */
    public static SignThresholds of(float[] below, float[] above) {
        if (below.length != above.length) throw new IllegalArgumentException("threshold arrays differ in length");
        for (int c = 0; c < below.length; c++)
            if (Float.isNaN(below[c]) || Float.isNaN(above[c])) throw new IllegalArgumentException("NaN threshold at channel " + c);
        return new SignThresholds(below.clone(), above.clone());
    }

    /** Sign(v): bit = v &lt; 0 (Sign(0) = Sign(-0) = +1). */
    public static SignThresholds sign(int channels) {
        float[] b = new float[channels], a = new float[channels];
        Arrays.fill(a, Float.POSITIVE_INFINITY);
        return new SignThresholds(b, a);
    }

    /** bit = v &lt; t[c]. */
    public static SignThresholds below(float[] t) {
        float[] a = new float[t.length];
        Arrays.fill(a, Float.POSITIVE_INFINITY);
        return new SignThresholds(t.clone(), a);
    }

    /**
     * Sign(v * scale[c] + shift[c]) computed as {@link bnnsr.nn.BatchNorm2d} does in inference (a float multiply,
     * then a float add, no fused multiply-add), exactly, for every finite v.
     */
    public static SignThresholds ofScaleShift(float[] scale, float[] shift) {
        int channels = scale.length;
        float[] below = new float[channels], above = new float[channels];
        for (int c = 0; c < channels; c++) {
            float sc = scale[c], sh = shift[c];
            if (!Float.isFinite(sc) || !Float.isFinite(sh)) throw new IllegalArgumentException("non-finite scale or shift at channel " + c);
            below[c] = Float.NEGATIVE_INFINITY;
            above[c] = Float.POSITIVE_INFINITY;
            if (sc > 0) below[c] = firstKey(sc, sh, false);
            else if (sc < 0) above[c] = fromKey(toKey(firstKey(sc, sh, true)) - 1);
            else if (sh < 0) below[c] = Float.POSITIVE_INFINITY; // constant -1 for every finite v
        }
        return new SignThresholds(below, above);
    }

    /** The training code's bit: v * sc + sh &lt; 0 in float arithmetic (Java never fuses the two). */
    private static boolean negative(float v, float sc, float sh) { return v * sc + sh < 0; }

    /**
     * The first float in value order (keys from -Inf to +Inf) whose bit is {@code !rising} (rising = false: the
     * bits go 1 then 0, as for scale &gt; 0; true: 0 then 1).
     */
    private static float firstKey(float sc, float sh, boolean rising) {
        int lo = toKey(Float.NEGATIVE_INFINITY), hi = toKey(Float.POSITIVE_INFINITY);
        while (lo < hi) {
            int mid = (int) (((long) lo + hi) >> 1);
            if (negative(fromKey(mid), sc, sh) == rising) hi = mid; else lo = mid + 1;
        }
        return fromKey(lo);
    }

    /** Float bit patterns mapped to ints that order like the floats' values (-0 just below +0). */
    static int toKey(float f) {
        int b = Float.floatToRawIntBits(f);
        return b ^ ((b >> 31) & 0x7fffffff);
    }

    static float fromKey(int k) { return Float.intBitsToFloat(k ^ ((k >> 31) & 0x7fffffff)); }

    /** The bit for value v of channel c (what the packing kernels compute with vector compares). */
    public boolean bit(int c, float v) { return v < below[c] || v > above[c]; }
}
