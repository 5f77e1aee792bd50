package bnnsr.engine;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architecture;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.image.FloatImage;
import bnnsr.nn.BatchNorm2d;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Layer;
import bnnsr.nn.LeakyReLU;
import bnnsr.nn.Param;
import bnnsr.nn.PixelShuffle;
import bnnsr.nn.ReLU;
import bnnsr.nn.Sequential;
import bnnsr.tensor.Tensor;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Small networks and images for the engine and upscale tests. */
public final class TestNetworks {
    /** A registered test architecture with BatchNorm (eval mode uses the running statistics). */
    public static final String BN_ARCH = "test-bn";

    static {
        synchronized (Architectures.class) {
            if (!Architectures.names().contains(BN_ARCH)) Architectures.register(BN_ARCH, new BnFamily());
        }
    }

    private TestNetworks() {}

    /**
     * conv3 -> BN -> ReLU -> conv3 -> BN -> LReLU -> conv3 to 3 s^2 -> PixelShuffle(s): radius 3 LR pixels; no skip,
     * so the network's own zero padding is all there is at the borders.
     */
    static final class BnFamily implements Architecture {
        @Override public ArchOptions defaults(int scale) { return new ArchOptions(BN_ARCH, scale, 6, 0); }

        @Override public Layer build(ArchOptions o, RandomGenerator rng) {
            int c = o.channels(), s = o.scale();
            return new Sequential(new Conv2d("conv1", 3, c, 3, true), new BatchNorm2d("bn1", c), new ReLU(),
                    new Conv2d("conv2", c, c, 3, true), new BatchNorm2d("bn2", c), new LeakyReLU(0.2f),
                    new Conv2d("up", c, 3 * s * s, 3, true), new PixelShuffle(s));
        }
    }

    /** Tiny srresnet (8 channels, 2 blocks) with every parameter random and large enough that borders matter. */
    public static Model srresnet(int scale, long seed) {
        return randomise(Architectures.create(new ArchOptions("srresnet", scale, 8, 2), seed), seed);
    }

    /** The BN test network with random weights and random running statistics (variances positive). */
    public static Model withBn(int scale, long seed) {
        return randomise(Architectures.create(new ArchOptions(BN_ARCH, scale, 6, 0), seed), seed);
    }

    /** Uniform values: weights +-1/sqrt(fan-in), BN scales and variances in [0.5, 1.5], biases and means +-0.2. */
    public static Model randomise(Model m, long seed) {
        SplittableRandom rng = new SplittableRandom(seed * 31 + 7);
        for (Param p : m.state().values()) {
            if (p.integral) continue;
            boolean positive = p.name.endsWith("running_var") || (p.shape.length == 1 && p.name.contains("bn") && p.name.endsWith("weight"));
            double fanIn = 1;
            for (int d = 1; d < p.shape.length; d++) fanIn *= p.shape[d];
            double amp = p.shape.length >= 2 ? 1.0 / Math.sqrt(fanIn) : 0.2;
            for (int i = 0; i < p.size(); i++)
                p.value[i] = (float) (positive ? rng.nextDouble(0.5, 1.5) : rng.nextDouble(-amp, amp));
        }
        return m;
    }

    /** A random image in [0, 1]. */
    public static FloatImage image(int h, int w, int c, int bits, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] d = new float[h * w * c];
        int levels = bits == 16 ? 65535 : 255;
        for (int i = 0; i < d.length; i++) d[i] = rng.nextInt(levels + 1) / (float) levels;
        return new FloatImage(h, w, c, d, bits);
    }

    /** A random 1 x h x w x 3 tensor in [0, 1]. */
    public static Tensor tensor(int h, int w, long seed) {
        return new Tensor(1, h, w, 3, image(h, w, 3, 8, seed).data);
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths " + a.length + " and " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
