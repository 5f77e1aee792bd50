package bnnsr.metrics;

/** Peak signal-to-noise ratio on 0..255 planes: 10 log10(255^2 / MSE) over the shaved region. */
public final class Psnr {
    private Psnr() {}

    /** Mean squared error over the region left after removing {@code shave} pixels at each border. */
    public static double mse(Plane a, Plane b, int shave) {
        int[] size = Plane.shavedSize(a, b, shave, 1, "PSNR");
        int h = size[0], w = size[1], stride = a.width();
        double[] x = a.values(), y = b.values();
        double sum = 0;
        for (int r = 0; r < h; r++) {
            int o = (r + shave) * stride + shave;
            for (int c = 0; c < w; c++) {
                double d = x[o + c] - y[o + c];
                sum += d * d;
            }
        }
        return sum / ((double) h * w);
    }

    /** PSNR in dB; +Infinity for identical regions (as numpy and MATLAB's formula give). */
    public static double psnr(Plane a, Plane b, int shave) { return fromMse(mse(a, b, shave)); }

    public static double fromMse(double mse) { return 10 * Math.log10(255.0 * 255.0 / mse); }
}
