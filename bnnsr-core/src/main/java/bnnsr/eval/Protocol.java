package bnnsr.eval;

import bnnsr.image.Colour;
import bnnsr.image.FloatImage;
import bnnsr.image.Quantize;
import bnnsr.metrics.Plane;
import bnnsr.metrics.Psnr;
import bnnsr.metrics.Ssim;
import bnnsr.resample.MatlabBicubic;

/**
 * The SR papers' evaluation protocol (paper.md section 5), the one place it is written down in code: HR as 8-bit
 * RGB (grey becomes R = G = B), modcrop, LR = q(imresize(HR, 1/s)), SR = q(clamp(method(LR))), Y (BT.601) from the
 * uint8 RGB, shave s pixels, PSNR and SSIM. Training validation and {@code bnnsr eval} both go through here.
 */
public final class Protocol {
    private Protocol() {}

    /**
     * One HR image made ready for one scale: the modcropped 8-bit RGB HR, its Y plane, and the LR input. Prepare
     * once, then {@link #measure} any number of methods (or the same model after each epoch).
     */
    public record Sample(String name, int scale, FloatImage hr, Plane hrY, FloatImage lr) {}

    /** The smallest side (after modcrop) that can be measured at a scale: the SSIM window plus both shaves. */
    public static int minSide(int scale) { return Ssim.WINDOW + 2 * scale; }

    /** Prepares an HR image (any channels or bit depth) for a scale; throws ImageTooSmallException when too small. */
    public static Sample prepare(String name, FloatImage hr, int scale) {
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        int h = hr.height - hr.height % scale, w = hr.width - hr.width % scale, min = minSide(scale);
        if (h < min || w < min)
            throw new ImageTooSmallException(hr.width + "x" + hr.height + " is too small for x" + scale + " (needs at least "
                    + min + "x" + min + " after cropping to a multiple of " + scale + ")");
        FloatImage rgb = Quantize.q(hr.toRgb().crop(0, 0, h, w));
        return new Sample(name, scale, rgb, yPlane(rgb), lowRes(rgb, scale));
    }

    /** The protocol's LR of a modcropped 8-bit RGB HR image: q(imresize(HR, 1/s)); training data is made the same way. */
    public static FloatImage lowRes(FloatImage hrRgb8, int scale) {
        return Quantize.q(MatlabBicubic.resize(hrRgb8, hrRgb8.height / scale, hrRgb8.width / scale, 1.0 / scale, 1.0 / scale,
                true, MatlabBicubic.Border.SYMMETRIC));
    }

    /** Runs the method on the sample's LR and scores its output. */
    public static ImageScore measure(Sample s, SuperResolver method) {
        return score(s, method.upscale(s.lr(), s.scale()), method.name());
    }

    /** Scores an SR output against the sample's HR: clamp, quantise, Y, shave, PSNR / SSIM. */
    public static ImageScore score(Sample s, FloatImage sr, String methodName) {
        FloatImage hr = s.hr();
        if (sr.height != hr.height || sr.width != hr.width || sr.channels != 3)
            throw new IllegalStateException(methodName + " returned " + sr.describe() + " for " + s.name() + " x" + s.scale()
                    + ", expected " + hr.width + "x" + hr.height + "x3");
        Plane srY = yPlane(Quantize.q(sr));       // q saturates, which is the clamp to [0, 1]
        return new ImageScore(s.name(), s.scale(), Psnr.psnr(s.hrY(), srY, s.scale()), Ssim.ssim(s.hrY(), srY, s.scale()));
    }

    private static Plane yPlane(FloatImage rgb8) {
        return new Plane(rgb8.height, rgb8.width, Colour.yFromUint8(rgb8));
    }
}
