package bnnsr.eval;

import bnnsr.image.FloatImage;
import bnnsr.resample.MatlabBicubic;

/** The bicubic baseline: MATLAB's imresize(LR, scale, 'bicubic'). */
public final class BicubicResolver implements SuperResolver {
    public static final String NAME = "bicubic";

    @Override public String name() { return NAME; }

    @Override public FloatImage upscale(FloatImage lrRgb, int scale) { return MatlabBicubic.imresize(lrRgb, scale); }
}
