package bnnsr.engine;

import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.arch.ModelInput;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * A float {@link Model} (a training model or checkpoint) as an {@link InferenceNetwork}: the forward pass in
 * evaluation mode (BN on running statistics).
 *
 * <p>Receptive radius: every k x k kernel in the state dict (any tensor of 4 or more dimensions whose last two are
 * an equal odd k > 1) counts k / 2, whether it sits on the main path or on a branch and whether it runs at LR or at
 * HR resolution (where it sees only k / 2 / scale LR pixels), plus {@link #RESAMPLING_MARGIN} for kernel-free
 * resampling (the bilinear skip of srresnet reads 1 LR pixel around, bicubic 2). This over-counts (srresnet x4 with
 * 16 blocks: 37 + 2 = 39 where 35 suffice) but never under-counts for networks built from stride-1 convolutions
 * and pixel-wise layers, which is every architecture of this project; a network with global operations (pooling
 * over the image, attention) could not be tiled exactly at all.
 */
public final class ModelNetwork implements InferenceNetwork {
    /** LR pixels added to the convolution count for the resampling skips (bilinear: 1, bicubic: 2). */
    public static final int RESAMPLING_MARGIN = 2;

    private final Model model;
    private final int radius;
    private volatile long bytesPerPixel = -1;

    public ModelNetwork(Model model) {
        this.model = model;
        this.radius = receptiveRadius(model.state());
    }

    private ModelNetwork(Model model, int radius, long bytesPerPixel) {
        this.model = model;
        this.radius = radius;
        this.bytesPerPixel = bytesPerPixel;
    }

    public Model model() { return model; }

    @Override public int scale() { return model.options().scale(); }

    @Override public int receptiveRadius() { return radius; }

    @Override public Tensor run(Tensor lr) {
        if (lr.n != 1 || lr.c != 3) throw new IllegalArgumentException("network input must be 1 x h x w x 3, got " + lr.shape());
        Tensor y = model.forward(ModelInput.prepare(model.options(), lr), false);
        int s = scale();
        if (!y.hasShape(1, lr.h * s, lr.w * s, 3))
            throw new IllegalStateException(describe() + " turned " + lr.shape() + " into " + y.shape() + ", not x" + s + " RGB");
        return y;
    }

    /** The sum of k / 2 over the k x k kernels of the state, plus the resampling margin (see the class comment). */
    static int receptiveRadius(Map<String, Param> state) {
        int r = RESAMPLING_MARGIN;
        for (Param p : state.values()) {
            int d = p.shape.length;
            if (d >= 4 && p.shape[d - 1] == p.shape[d - 2] && p.shape[d - 1] > 1 && p.shape[d - 1] % 2 == 1)
                r += p.shape[d - 1] / 2;
        }
        return r;
    }

    /**
     * Measured once: the bytes the calling thread allocates in a first forward of a fresh copy, at two input sizes;
     * the slope is the per-pixel cost of the layers' buffers. Falls back to a generous guess where the JVM cannot
     * count allocations.
     */
    @Override public long bytesPerInputPixel() {
        long b = bytesPerPixel;
        if (b < 0) bytesPerPixel = b = measureBytesPerPixel();
        return b;
    }

    private long measureBytesPerPixel() {
        int s = scale(), ch = model.options().channels();
        long guess = 4L * 16 * ch * (1 + (long) s * s);
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx)
                || !mx.isThreadAllocatedMemorySupported() || !mx.isThreadAllocatedMemoryEnabled()) return guess;
        long small = firstRunBytes(mx, 8), large = firstRunBytes(mx, 24);
        long perPixel = (large - small) / (24 * 24 - 8 * 8);
        return perPixel > 0 ? perPixel : guess;
    }

    private long firstRunBytes(com.sun.management.ThreadMXBean mx, int side) {
        ModelNetwork fresh = copy(-1);
        Tensor probe = new Tensor(1, side, side, 3);
        long before = mx.getCurrentThreadAllocatedBytes();
        fresh.run(probe);
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    @Override public InferenceNetwork replica() { return copy(bytesPerPixel); }

    /** A model of the same architecture rebuilt from the registry, with this model's state copied in. */
    private ModelNetwork copy(long knownBytesPerPixel) {
        Model m = Architectures.create(model.options(), 0);
        for (Map.Entry<String, Param> e : model.state().entrySet()) {
            Param dst = m.state().get(e.getKey());
            if (dst == null || dst.size() != e.getValue().size())
                throw new IllegalStateException("a rebuilt " + describe() + " has no tensor " + e.getKey() + " of its size");
            System.arraycopy(e.getValue().value, 0, dst.value, 0, dst.size());
        }
        return new ModelNetwork(m, radius, knownBytesPerPixel);
    }

    @Override public String describe() { return model.options().arch() + " x" + scale(); }
}
