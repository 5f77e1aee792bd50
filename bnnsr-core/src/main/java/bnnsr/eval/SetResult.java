package bnnsr.eval;

import java.util.List;

/** A set's result at one scale: the means of the per-image values over {@code images} images. */
public record SetResult(String set, int scale, String method, double psnr, double ssim, int images,
                        List<ImageScore> perImage) {

    /** Means over the scores of one set at one scale (in the given order, so the sums are reproducible). */
    public static SetResult of(String set, int scale, String method, List<ImageScore> scores) {
        double p = 0, s = 0;
        for (ImageScore sc : scores) { p += sc.psnr(); s += sc.ssim(); }
        int n = scores.size();
        return new SetResult(set, scale, method, n == 0 ? Double.NaN : p / n, n == 0 ? Double.NaN : s / n, n,
                List.copyOf(scores));
    }
}
