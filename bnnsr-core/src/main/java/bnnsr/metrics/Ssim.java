package bnnsr.metrics;

import bnnsr.tensor.Parallel;

/**
 * SSIM of Wang et al. (2004) as their ssim_index.m computes it on 0..255 planes: 11x11 Gaussian window with
 * sigma 1.5 (normalised), C1 = (0.01 * 255)^2, C2 = (0.03 * 255)^2, 'valid' filtering, mean of the SSIM map.
 * The Gaussian is separable, so the window sums are done as a column pass then a row pass, in double.
 */
public final class Ssim {
    public static final int WINDOW = 11;
    public static final double SIGMA = 1.5;
    public static final double C1 = (0.01 * 255) * (0.01 * 255), C2 = (0.03 * 255) * (0.03 * 255);
    private static final double[] G = gaussian();

    private Ssim() {}

    /** The normalised 1-D window; its outer product is fspecial('gaussian', 11, 1.5). */
    static double[] gaussian() {
        double[] g = new double[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - (WINDOW - 1) / 2.0;
            g[i] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < WINDOW; i++) g[i] /= sum;
        return g;
    }

    /** Mean SSIM over the region left after removing {@code shave} pixels at each border. */
    public static double ssim(Plane a, Plane b, int shave) {
        int[] size = Plane.shavedSize(a, b, shave, WINDOW, "SSIM");
        int outH = size[0] - WINDOW + 1, outW = size[1] - WINDOW + 1, w = size[1], stride = a.width();
        double[] x = a.values(), y = b.values();
        double[] rowSums = new double[outH];
        Parallel.forRange(outH, (from, to) -> {
            double[] mx = new double[w], my = new double[w], mxx = new double[w], myy = new double[w], mxy = new double[w];
            for (int r = from; r < to; r++) {
                for (int c = 0; c < w; c++) {
                    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
                    for (int k = 0; k < WINDOW; k++) {
                        int i = (shave + r + k) * stride + shave + c;
                        double g = G[k], u = x[i], v = y[i];
                        sx += g * u; sy += g * v;
                        sxx += g * u * u; syy += g * v * v; sxy += g * u * v;
                    }
                    mx[c] = sx; my[c] = sy; mxx[c] = sxx; myy[c] = syy; mxy[c] = sxy;
                }
                double rowSum = 0;
                for (int c = 0; c < outW; c++) {
                    double mu1 = 0, mu2 = 0, e11 = 0, e22 = 0, e12 = 0;
                    for (int k = 0; k < WINDOW; k++) {
                        double g = G[k];
                        mu1 += g * mx[c + k]; mu2 += g * my[c + k];
                        e11 += g * mxx[c + k]; e22 += g * myy[c + k]; e12 += g * mxy[c + k];
                    }
                    double mu1Sq = mu1 * mu1, mu2Sq = mu2 * mu2, mu12 = mu1 * mu2;
                    double s1 = e11 - mu1Sq, s2 = e22 - mu2Sq, s12 = e12 - mu12;
                    rowSum += ((2 * mu12 + C1) * (2 * s12 + C2)) / ((mu1Sq + mu2Sq + C1) * (s1 + s2 + C2));
                }
                rowSums[r] = rowSum;
            }
        });
        double total = 0;
        for (double s : rowSums) total += s;
        return total / ((double) outH * outW);
    }
}
