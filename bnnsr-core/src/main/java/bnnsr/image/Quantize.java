package bnnsr.image;

/**
 * 8-bit quantisation as MATLAB's {@code uint8()} does it on values scaled to 0..255: round half away from zero,
 * saturate to [0, 255], NaN to 0. The SR protocol quantises the LR input and the SR output with it.
 */
public final class Quantize {
    private Quantize() {}

    /** The uint8 level (0..255) of a value in [0, 1]. */
    public static int level(float v) {
        double x = (double) v * 255.0;       // exact: 24-bit mantissa times 8 bits
        if (!(x > 0)) return 0;
        if (x >= 255) return 255;
        return (int) (x + 0.5);              // exact here too (x has few bits), and branch-free unlike uint8()
    }

    /** MATLAB's uint8(x) of a value on the 0..255 scale. */
    public static int uint8(double x) { return saturatingRound(x, 255); }

    /** The 16-bit level (0..65535) of a value in [0, 1], rounded as MATLAB's uint16(). */
    public static int level16(float v) { return saturatingRound((double) v * 65535.0, 65535); }

    private static int saturatingRound(double x, int max) {
        if (!(x > 0)) return 0;               // negatives and NaN
        if (x >= max) return max;
        double f = Math.floor(x);            // x > 0: half away from zero; x - f is exact, floor(x + 0.5) is not
        return (int) (x - f >= 0.5 ? f + 1 : f);
    }

    /** The value q(v) = level(v) / 255 in [0, 1]. */
    public static float q(float v) { return LEVELS[level(v)]; }

    /** q() of every sample, alpha included; the result is an 8-bit image. */
    public static FloatImage q(FloatImage img) {
        float[] d = new float[img.data.length];
        for (int i = 0; i < d.length; i++) d[i] = q(img.data[i]);
        return new FloatImage(img.height, img.width, img.channels, d, 8);
    }

    /** The uint8 levels of every sample, interleaved as in the image. */
    public static int[] levels(FloatImage img) {
        int[] d = new int[img.data.length];
        for (int i = 0; i < d.length; i++) d[i] = level(img.data[i]);
        return d;
    }

    private static final float[] LEVELS = new float[256];
    static { for (int i = 0; i < 256; i++) LEVELS[i] = i / 255f; }
}
