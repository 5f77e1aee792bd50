package bnnsr.resample;

import bnnsr.image.FloatImage;
import bnnsr.tensor.Parallel;

/**
 * MATLAB's {@code imresize(A, scale, 'bicubic')}, in floating point (paper.md section 5): cubic kernel a = -0.5,
 * the kernel stretched by 1/scale when downscaling (antialiasing), output pixel x (1-based) centred at
 * u = x/scale + 0.5(1 - 1/scale), ceil(width) + 2 taps from floor(u - width/2), weights normalised per output
 * pixel, all-zero tap columns dropped, out-of-range indices mirrored (edge pixel repeated) or, as older MATLAB did,
 * clamped. Separable, one dimension after the other (the dimension with the smaller scale first, height first on
 * ties, as MATLAB orders them), double accumulation, float in and out, no quantisation in between.
 */
public final class MatlabBicubic {
    /** How indices outside the image are mapped. */
    public enum Border {
        /** Mirror with the edge pixel repeated: 0 -> 1, -1 -> 2, n+1 -> n (current MATLAB imresize). */
        SYMMETRIC,
        /** Clamp to the nearest edge pixel (older MATLAB imresize). */
        CLAMP
    }

    private MatlabBicubic() {}

    /** The cubic convolution kernel with a = -0.5 (Keys). */
    public static double cubic(double x) {
        double ax = Math.abs(x), ax2 = ax * ax, ax3 = ax2 * ax;
        if (ax <= 1) return 1.5 * ax3 - 2.5 * ax2 + 1;
        if (ax <= 2) return -0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2;
        return 0;
    }

    /**
     * The output length for a scale, ceil(in * scale), except that a product within 1e-9 (relative) of an integer
     * counts as that integer, so that 1/3 of 255 is 85 and not 86 because of the rounding of 1/3.
     */
    public static int outputSize(int in, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) throw new IllegalArgumentException("scale must be > 0, got " + scale);
        double v = in * scale, r = Math.rint(v);
        long n = Math.abs(v - r) <= 1e-9 * Math.max(1, v) ? (long) r : (long) Math.ceil(v);
        if (n > Integer.MAX_VALUE / 4) throw new IllegalArgumentException("output too large: " + in + " * " + scale);
        return (int) Math.max(1, n);
    }

    /** The weights and source indices (0-based) of one dimension: output i uses taps [i*taps, (i+1)*taps). */
    public record Contributions(int inLength, int outLength, int taps, int[] index, double[] weight) {}

    /** MATLAB's {@code contributions()} for one dimension. */
    public static Contributions contributions(int inLength, int outLength, double scale, boolean antialias, Border border) {
        if (inLength < 1 || outLength < 1) throw new IllegalArgumentException("lengths must be >= 1");
        boolean stretch = scale < 1 && antialias;
        double kernelWidth = stretch ? 4 / scale : 4;
        int p = (int) Math.ceil(kernelWidth) + 2;
        double[] w = new double[outLength * p];
        int[] idx = new int[outLength * p];
        for (int x = 1; x <= outLength; x++) {
            double u = x / scale + 0.5 * (1 - 1 / scale);
            long left = (long) Math.floor(u - kernelWidth / 2);
            int row = (x - 1) * p;
            double sum = 0;
            for (int j = 0; j < p; j++) {
                long ind = left + j;                               // 1-based, may be outside [1, inLength]
                double d = u - ind;
                double v = stretch ? scale * cubic(scale * d) : cubic(d);
                w[row + j] = v;
                sum += v;
                idx[row + j] = mapIndex(ind, inLength, border);
            }
            for (int j = 0; j < p; j++) w[row + j] /= sum;
        }
        boolean[] keep = new boolean[p];
        int kept = 0;
        for (int j = 0; j < p; j++) {
            for (int x = 0; x < outLength && !keep[j]; x++) keep[j] = w[x * p + j] != 0;
            if (keep[j]) kept++;
        }
        if (kept == p) return new Contributions(inLength, outLength, p, idx, w);
        double[] w2 = new double[outLength * kept];
        int[] idx2 = new int[outLength * kept];
        for (int x = 0; x < outLength; x++)
            for (int j = 0, o = x * kept; j < p; j++)
                if (keep[j]) { w2[o] = w[x * p + j]; idx2[o++] = idx[x * p + j]; }
        return new Contributions(inLength, outLength, kept, idx2, w2);
    }

    /** A 1-based index, possibly outside the image, to a 0-based one inside. */
    static int mapIndex(long ind, int n, Border border) {
        if (border == Border.CLAMP) return (int) (Math.min(Math.max(ind, 1), n) - 1);
        long period = 2L * n;                                      // aux = [1..n, n..1]
        long m = Math.floorMod(ind - 1, period);
        return (int) (m < n ? m : period - 1 - m);
    }

    /** Resizes by a scale factor (both dimensions), output ceil(in * scale), symmetric borders. */
    public static FloatImage imresize(FloatImage img, double scale) { return imresize(img, scale, Border.SYMMETRIC); }

    public static FloatImage imresize(FloatImage img, double scale, Border border) {
        return resize(img, outputSize(img.height, scale), outputSize(img.width, scale), scale, scale, true, border);
    }

    /** Resizes to an output size; each dimension's scale is out / in (as MATLAB does for a size argument). */
    public static FloatImage imresize(FloatImage img, int outHeight, int outWidth) {
        return imresize(img, outHeight, outWidth, Border.SYMMETRIC);
    }

    public static FloatImage imresize(FloatImage img, int outHeight, int outWidth, Border border) {
        return resize(img, outHeight, outWidth, (double) outHeight / img.height, (double) outWidth / img.width, true, border);
    }

    /** A single height x width plane resized by a scale; the result has outputSize(h) x outputSize(w) samples. */
    public static float[] imresize(float[] plane, int height, int width, double scale) {
        return imresize(new FloatImage(height, width, 1, plane, 8), scale).data;
    }

    /** A single height x width plane resized to outHeight x outWidth. */
    public static float[] imresize(float[] plane, int height, int width, int outHeight, int outWidth) {
        return imresize(new FloatImage(height, width, 1, plane, 8), outHeight, outWidth).data;
    }

    /** The general form: explicit output size and per-dimension kernel scales. Keeps the bit depth. */
    public static FloatImage resize(FloatImage img, int outHeight, int outWidth, double scaleH, double scaleW,
                                    boolean antialias, Border border) {
        Contributions rows = contributions(img.height, outHeight, scaleH, antialias, border);
        Contributions cols = contributions(img.width, outWidth, scaleW, antialias, border);
        int c = img.channels;
        double[] src = new double[img.data.length];
        for (int i = 0; i < src.length; i++) src[i] = img.data[i];
        double[] out;
        if (scaleW < scaleH) {
            double[] mid = alongWidth(src, img.height, img.width, c, cols);
            out = alongHeight(mid, img.height, outWidth, c, rows);
        } else {
            double[] mid = alongHeight(src, img.height, img.width, c, rows);
            out = alongWidth(mid, outHeight, img.width, c, cols);
        }
        float[] d = new float[out.length];
        for (int i = 0; i < d.length; i++) d[i] = (float) out[i];
        return new FloatImage(outHeight, outWidth, c, d, img.bitDepth());
    }

    /** Each output row is a weighted sum of whole input rows (contiguous, so the inner loop streams). */
    private static double[] alongHeight(double[] in, int h, int w, int c, Contributions k) {
        int line = w * c, taps = k.taps();
        double[] out = new double[k.outLength() * line];
        Parallel.forRange(k.outLength(), (from, to) -> {
            for (int y = from; y < to; y++) {
                int o = y * line;
                for (int j = 0; j < taps; j++) {
                    double wt = k.weight()[y * taps + j];
                    int s = k.index()[y * taps + j] * line;
                    for (int i = 0; i < line; i++) out[o + i] += wt * in[s + i];
                }
            }
        });
        return out;
    }

    private static double[] alongWidth(double[] in, int h, int w, int c, Contributions k) {
        int outW = k.outLength(), taps = k.taps();
        double[] out = new double[h * outW * c];
        Parallel.forRange(h, (from, to) -> {
            for (int y = from; y < to; y++) {
                int rowIn = y * w * c, rowOut = y * outW * c;
                for (int x = 0; x < outW; x++) {
                    int t = x * taps;
                    for (int ch = 0; ch < c; ch++) {
                        double sum = 0;
                        for (int j = 0; j < taps; j++) sum += k.weight()[t + j] * in[rowIn + k.index()[t + j] * c + ch];
                        out[rowOut + x * c + ch] = sum;
                    }
                }
            }
        });
        return out;
    }
}
