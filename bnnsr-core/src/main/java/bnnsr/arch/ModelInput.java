package bnnsr.arch;

import bnnsr.image.FloatImage;
import bnnsr.resample.MatlabBicubic;
import bnnsr.tensor.Tensor;

/**
 * What a model takes as input, given the LR image: the LR itself for most architectures; for those whose options
 * say {@code input = bicubic} (VDSR), the LR upsampled by the scale with MATLAB bicubic ({@link MatlabBicubic},
 * float, neither clipped nor quantised). Training, evaluation and upscaling call this right before
 * {@code model.forward}, so every path feeds such a model the same thing.
 */
public final class ModelInput {
    private ModelInput() {}

    /** The network input for one LR image (the image itself when no upsampling is needed). */
    public static FloatImage prepare(ArchOptions o, FloatImage lr) {
        return BinaryOptions.takesUpsampledInput(o) ? MatlabBicubic.imresize(lr, o.scale()) : lr;
    }

    /** The network input for an NHWC batch of LR images (the batch itself when no upsampling is needed). */
    public static Tensor prepare(ArchOptions o, Tensor lr) {
        return BinaryOptions.takesUpsampledInput(o) ? bicubic(lr, o.scale()) : lr;
    }

    /** Each image of an NHWC batch upsampled by MATLAB bicubic (a new tensor). */
    public static Tensor bicubic(Tensor lr, int s) {
        int plane = lr.h * lr.w * lr.c;
        Tensor up = new Tensor(lr.n, lr.h * s, lr.w * s, lr.c);
        for (int i = 0; i < lr.n; i++) {
            float[] img = java.util.Arrays.copyOfRange(lr.data, i * plane, (i + 1) * plane);
            FloatImage u = MatlabBicubic.imresize(new FloatImage(lr.h, lr.w, lr.c, img, 8), s);
            System.arraycopy(u.data, 0, up.data, i * u.data.length, u.data.length);
        }
        return up;
    }
}
