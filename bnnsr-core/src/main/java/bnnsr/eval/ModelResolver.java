package bnnsr.eval;

import bnnsr.arch.Model;
import bnnsr.arch.ModelInput;
import bnnsr.image.FloatImage;
import bnnsr.tensor.Tensor;

/**
 * A network as a {@link SuperResolver}: the RGB image is the network's NHWC input as is (same interleaved layout),
 * run in inference mode. Layers own their buffers, so one model serves one image at a time; the kernels use the
 * threads.
 */
public final class ModelResolver implements SuperResolver {
    private final Model model;
    private final String name;

    public ModelResolver(Model model, String name) {
        this.model = model;
        this.name = name;
    }

    @Override public String name() { return name; }

    @Override public boolean threadSafe() { return false; }

    @Override public synchronized FloatImage upscale(FloatImage lrRgb, int scale) {
        if (lrRgb.channels != 3) throw new IllegalArgumentException("model input must be RGB, got " + lrRgb.channels + " channels");
        if (scale != model.options().scale())
            throw new IllegalArgumentException("model " + name + " is x" + model.options().scale() + ", asked for x" + scale);
        FloatImage in = ModelInput.prepare(model.options(), lrRgb);
        Tensor y = model.forward(new Tensor(1, in.height, in.width, 3, in.data), false);
        return new FloatImage(y.h, y.w, 3, java.util.Arrays.copyOf(y.data, y.size()), 8);
    }
}
