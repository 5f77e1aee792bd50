package bnnsr.engine;

import bnnsr.eval.SuperResolver;
import bnnsr.image.FloatImage;
import bnnsr.tensor.Tensor;

import java.util.Arrays;

/**
 * An inference network (float model or packed engine) as the evaluation protocol's {@link SuperResolver}: the one
 * path by which {@code eval}, training validation and {@code upscale} run a network. It goes through an
 * {@link Upscaler} with the automatic tile size (packed models streamed in bands, float models tiled), so whole test
 * sets fit in bounded memory whatever the image size; both are exact (bands and overlaps cover the receptive
 * field), so the scores equal an untiled run's.
 */
public final class NetworkResolver implements SuperResolver {
    private final InferenceNetwork net;
    private final Upscaler upscaler;
    private final String name;

    public NetworkResolver(InferenceNetwork net, String name) {
        this.net = net;
        this.upscaler = new Upscaler(net, Upscaler.Options.defaults());
        this.name = name;
    }

    @Override public String name() { return name; }

    /** One network instance owns its buffers: one image at a time, the kernels use the threads. */
    @Override public boolean threadSafe() { return false; }

    public int scale() { return net.scale(); }

    @Override public synchronized FloatImage upscale(FloatImage lrRgb, int scale) {
        if (lrRgb.channels != 3) throw new IllegalArgumentException("network input must be RGB, got " + lrRgb.channels + " channels");
        if (scale != net.scale()) throw new IllegalArgumentException(name + " is x" + net.scale() + ", asked for x" + scale);
        Tensor y = upscaler.runNetwork(new Tensor(1, lrRgb.height, lrRgb.width, 3, lrRgb.data), Tiler.Progress.NONE);
        return new FloatImage(y.h, y.w, 3, Arrays.copyOf(y.data, y.size()), 8);
    }
}
