package bnnsr.arch;

import bnnsr.binarize.Binarization;
import bnnsr.binarize.BbcuUnit;
import bnnsr.binarize.BinaryConv2d;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Init;
import bnnsr.nn.Layer;
import bnnsr.nn.LeakyReLU;
import bnnsr.nn.Scale;
import bnnsr.nn.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * BBCU (Xia et al., ICLR 2023) on the MSRResNet layout: y = net(k x) * (1 / k) (a Sequential of two
 * {@link Scale}s around net), net an {@link MSRResNet} whose
 * residual blocks are two {@link BbcuUnit}s in sequence ({@code body.i.conv1}, {@code body.i.conv2}; each unit has
 * its own identity skip, the block none), k the input amplification (option {@code amplification}, default 130;
 * the float products k x and out * (1 / k) are this model's definition, repeated by the engine).
 * <ul>
 *   <li>{@code srresnet-bbcu} (BBCU-L): MSRResNet's full-precision upsampler, conv_hr and conv_last;</li>
 *   <li>{@code bbcu-m} (BBCU-M): the upsampler is binary too, {@code upconv1} (and {@code upconv2} at x4) being
 *       upsampling units (binary conv C -> C r^2, RPReLU, PixelShuffle(r), plus the nearest-upsampled input), and
 *       {@code conv_hr} a unit at HR; only conv_first (3 -> C, + LReLU) and conv_last (C -> 3) stay FP.</li>
 * </ul>
 * Both keep the bilinear-upsampled (amplified) input as the global skip. Binary convs have no bias (RPReLU's
 * shifts take that role); FP convs are initialised as in MSRResNet (kaiming x 0.1), latent binary weights as
 * PyTorch's Conv2d.
 */
public final class BBCUNet {
    public static final String AMPLIFICATION = "amplification";
    public static final float DEFAULT_AMPLIFICATION = 130f;

    private BBCUNet() {}

    /** Scale(k), net, Scale(1 / k): the amplified network. */
    static Layer amplified(float k, MSRResNet net) {
        if (!(k > 0) || !Float.isFinite(k)) throw new IllegalArgumentException(AMPLIFICATION + " must be a positive number, got " + k);
        return new Sequential(new Scale(k), net, new Scale((float) (1.0 / k)));
    }

    /** A residual block: two units in sequence. */
    static Layer block(String prefix, int nf, RandomGenerator rng) {
        return new Sequential(new BbcuUnit(prefix + ".conv1", nf, 1, rng), new BbcuUnit(prefix + ".conv2", nf, 1, rng));
    }

    /** BBCU-M: conv_first + LReLU, blocks, binary upsampling units, binary conv_hr unit, conv_last. */
    static MSRResNet binaryUpsampler(int nf, int blocks, int scale, RandomGenerator rng) {
        if (scale < 2 || scale > 4) throw new IllegalArgumentException("bbcu-m supports scales 2, 3, 4, not " + scale);
        Conv2d convFirst = new Conv2d("conv_first", 3, nf, 3, true);
        List<Layer> blockList = new ArrayList<>();
        for (int i = 0; i < blocks; i++) blockList.add(block("body." + i, nf, rng));
        List<Layer> up = new ArrayList<>();
        int stages = scale == 4 ? 2 : 1, r = scale == 3 ? 3 : 2;
        for (int s = 1; s <= stages; s++) up.add(new BbcuUnit("upconv" + s, nf, r, rng));
        BbcuUnit convHr = new BbcuUnit("conv_hr", nf, 1, rng);
        Conv2d convLast = new Conv2d("conv_last", nf, 3, 3, true);
        Init.defaultInitWeights(convFirst, 0.1, rng);
        Init.defaultInitWeights(convLast, 0.1, rng);
        return new MSRResNet(scale, new Sequential(convFirst, new LeakyReLU(MSRResNet.SLOPE)), new Sequential(blockList),
                new Sequential(up), new Sequential(convHr, convLast));
    }

    /** {@code srresnet-bbcu} (binaryUpsampler false) and {@code bbcu-m}: 64 channels, 16 blocks, k = 130. */
    static final class Family implements Architecture {
        private final boolean binaryUpsampler;

        Family(boolean binaryUpsampler) { this.binaryUpsampler = binaryUpsampler; }

        @Override public ArchOptions defaults(int scale) {
            String name = binaryUpsampler ? "bbcu-m" : "srresnet-bbcu";
            return BinaryOptions.defaults(name, scale, 64, 16, null, Map.of(BinaryOptions.BINARIZER, "bbcu",
                    BinaryOptions.PADDING, BinaryConv2d.PADDING, AMPLIFICATION, "130"));
        }

        @Override public Layer build(ArchOptions o, RandomGenerator rng) {
            BinaryOptions.binarization(o, Binarization.Kind.BBCU);   // checks the binarizer and padding options
            float k = (float) o.doubleOption(AMPLIFICATION, DEFAULT_AMPLIFICATION);
            int nf = o.channels();
            MSRResNet net = binaryUpsampler ? binaryUpsampler(nf, o.blocks(), o.scale(), rng)
                    : new MSRResNet(3, 3, nf, o.blocks(), o.scale(), rng, p -> block(p, nf, rng));
            return amplified(k, net);
        }

        /** A plain state dict: nf and nb from the tensors, as for srresnet (same names). */
        @Override public ArchOptions infer(ArchOptions given, Map<String, bnnsr.io.TensorEntry> tensors) {
            return new MSRResNet.Family().infer(given, tensors);
        }
    }
}
