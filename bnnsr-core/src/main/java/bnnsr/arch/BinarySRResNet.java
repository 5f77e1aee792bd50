package bnnsr.arch;

import bnnsr.binarize.Binarization;
import bnnsr.binarize.BinaryConv2d;
import bnnsr.binarize.BinaryGroup;
import bnnsr.binarize.GroupOwner;
import bnnsr.nn.Layer;
import bnnsr.nn.ReLU;
import bnnsr.nn.Residual;
import bnnsr.nn.Sequential;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * {@code srresnet-<binarizer>}: {@link MSRResNet} (head, upsampler, tail and the bilinear skip in full precision)
 * whose residual blocks x + conv2(act(conv1(x))) have binary convs; each block's two convs are one accumulation
 * group ({@code body.i.bam}). The ReLU between them follows {@link BinaryOptions} {@code inner_act} (auto: kept
 * for bam, dorefa, ma; dropped for bnn, xnor, abc, where Sign(ReLU(x)) would be constant).
 * Binary convs have a bias (like the FP block) and PyTorch's default initialisation of the latent weights.
 */
public final class BinarySRResNet {
    private BinarySRResNet() {}

    /** One residual block of binary convs; its group's a_i, s_i are listed after the convs. */
    public static Layer block(Binarization b, String prefix, int nf, boolean relu, RandomGenerator rng) {
        BinaryGroup g = b.group(prefix + ".bam", 2);
        BinaryConv2d c1 = g.conv(prefix + ".conv1", nf, nf, 3, true, rng);
        BinaryConv2d c2 = g.conv(prefix + ".conv2", nf, nf, 3, true, rng);
        Sequential body = relu ? new Sequential(c1, new ReLU(), c2) : new Sequential(c1, c2);
        return new GroupOwner(new Residual(body, 1f), g);
    }

    /** The registry entry {@code srresnet-<kind>}: 64 channels, 16 blocks. */
    static final class Family implements Architecture {
        private final Binarization.Kind kind;

        Family(Binarization.Kind kind) { this.kind = kind; }

        String name() { return "srresnet-" + kind.name().toLowerCase(Locale.ROOT); }

        @Override public ArchOptions defaults(int scale) {
            return BinaryOptions.defaults(name(), scale, 64, 16, kind.name().toLowerCase(Locale.ROOT), java.util.Map.of());
        }

        @Override public Layer build(ArchOptions o, RandomGenerator rng) {
            Binarization b = BinaryOptions.binarization(o, kind);
            boolean relu = BinaryOptions.reluBeforeBinary(o, b);
            return new MSRResNet(3, 3, o.channels(), o.blocks(), o.scale(), rng, p -> block(b, p, o.channels(), relu, rng));
        }
    }
}
