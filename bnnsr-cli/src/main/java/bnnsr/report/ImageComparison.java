package bnnsr.report;

import bnnsr.eval.BicubicResolver;
import bnnsr.eval.ImageScore;
import bnnsr.eval.Protocol;
import bnnsr.eval.SuperResolver;
import bnnsr.image.Colour;
import bnnsr.image.FloatImage;
import bnnsr.image.Quantize;

/**
 * One HR image through the protocol with bicubic and a model: both scores, and the crop where the model helps (or
 * hurts) most, chosen on the Y channel's squared errors.
 */
record ImageComparison(String set, String image, int scale, ImageScore bicubic, ImageScore model) {

    double gain() { return model.psnr() - bicubic.psnr(); }

    static ImageComparison measure(String set, Protocol.Sample s, SuperResolver model) {
        ImageScore b = Protocol.score(s, new BicubicResolver().upscale(s.lr(), s.scale()), BicubicResolver.NAME);
        ImageScore m = Protocol.measure(s, model);
        return new ImageComparison(set, s.name(), s.scale(), b, m);
    }

    /** The HR, bicubic and model crops (8-bit RGB) of a square window, and where it is. */
    record Crops(FloatImage hr, FloatImage bicubic, FloatImage model, int x, int y, int side) {}

    /**
     * The {@code side} x {@code side} window (clipped to the image) where the model's squared Y error is lowest
     * relative to bicubic's ({@code best}), or highest; searched on a grid of step side / 8.
     */
    static Crops crops(Protocol.Sample s, SuperResolver model, int side, boolean best) {
        FloatImage hr = s.hr();
        FloatImage bic = Quantize.q(new BicubicResolver().upscale(s.lr(), s.scale()));
        FloatImage sr = Quantize.q(model.upscale(s.lr(), s.scale()));
        double[] yh = Colour.yFromUint8(hr), yb = Colour.yFromUint8(bic), ym = Colour.yFromUint8(sr);
        int h = hr.height, w = hr.width, k = Math.min(side, Math.min(h, w));
        // integral image of (bicubic error - model error): positive where the model is closer to HR
        double[] sum = new double[(h + 1) * (w + 1)];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                double db = yb[i] - yh[i], dm = ym[i] - yh[i];
                sum[(y + 1) * (w + 1) + x + 1] = db * db - dm * dm + sum[y * (w + 1) + x + 1] + sum[(y + 1) * (w + 1) + x] - sum[y * (w + 1) + x];
            }
        int step = Math.max(1, k / 8), bx = 0, by = 0;
        double bestValue = best ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (int y = 0; y + k <= h; y += step)
            for (int x = 0; x + k <= w; x += step) {
                double v = sum[(y + k) * (w + 1) + x + k] - sum[y * (w + 1) + x + k] - sum[(y + k) * (w + 1) + x] + sum[y * (w + 1) + x];
                if (best ? v > bestValue : v < bestValue) { bestValue = v; bx = x; by = y; }
            }
        return new Crops(hr.crop(by, bx, k, k), bic.crop(by, bx, k, k), sr.crop(by, bx, k, k), bx, by, k);
    }
}
