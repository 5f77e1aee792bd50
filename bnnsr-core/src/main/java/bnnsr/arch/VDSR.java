package bnnsr.arch;

import bnnsr.binarize.Binarization;
import bnnsr.binarize.BinaryGroup;
import bnnsr.binarize.GroupOwner;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Init;
import bnnsr.nn.Layer;
import bnnsr.nn.ReLU;
import bnnsr.nn.Residual;
import bnnsr.nn.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * VDSR (Kim et al. 2016) on RGB: conv_first 3 -> nf + ReLU, {@code middle} convs nf -> nf each followed by a ReLU,
 * conv_last nf -> 3, plus the input (global residual). All convs 3x3 with bias.
 * <p>
 * <b>Input</b>: the LR image already upsampled to the HR size by MATLAB bicubic (what VDSR was defined on); the
 * data pipeline provides it through {@link ModelInput#prepare} (the options record {@code input = bicubic}, see
 * {@link BinaryOptions}), so the model neither knows nor changes the scale and its output has its input's size.
 * <p>
 * {@code vdsr-<binarizer>}: the middle convs are binary, in accumulation groups of {@code group} consecutive convs
 * ({@code body.g.j}, group parameters {@code body.g.bam.*}): 18 convs in 6 groups of 3 by default. The ReLUs that
 * feed a binary conv follow {@code inner_act}; the one after the last binary conv (feeding conv_last) stays.
 * Plain {@code vdsr} is the FP network (He initialisation).
 */
public final class VDSR extends Residual {

    /** {@code bin} null builds the full-precision VDSR. */
    public VDSR(int nf, int middle, int group, Binarization bin, boolean reluBeforeBinary, RandomGenerator rng) {
        super(layers(nf, middle, group, bin, reluBeforeBinary, rng), 1f);
    }

    private static Sequential layers(int nf, int middle, int group, Binarization bin, boolean reluBeforeBinary, RandomGenerator rng) {
        if (middle < 0 || group < 1 || middle % group != 0)
            throw new IllegalArgumentException("vdsr: " + middle + " middle convs do not split into groups of " + group);
        List<Layer> layers = new ArrayList<>();
        Conv2d convFirst = new Conv2d("conv_first", 3, nf, 3, true);
        Init.kaimingNormal(convFirst.weight, 1.0, rng);
        layers.add(convFirst);
        boolean binary = bin != null;
        if (!binary || reluBeforeBinary || middle == 0) layers.add(new ReLU());
        for (int g = 0; g < middle / group; g++) {
            List<Layer> members = new ArrayList<>();
            BinaryGroup bg = binary ? bin.group("body." + g + ".bam", group) : null;
            for (int j = 0; j < group; j++) {
                String name = "body." + g + "." + j;
                if (binary) {
                    members.add(bg.conv(name, nf, nf, 3, true, rng));
                } else {
                    Conv2d c = new Conv2d(name, nf, nf, 3, true);
                    Init.kaimingNormal(c.weight, 1.0, rng);
                    members.add(c);
                }
                boolean last = g == middle / group - 1 && j == group - 1;
                if (!binary || reluBeforeBinary || last) members.add(new ReLU());
            }
            Sequential s = new Sequential(members);
            layers.add(binary ? new GroupOwner(s, bg) : s);
        }
        Conv2d convLast = new Conv2d("conv_last", nf, 3, 3, true);
        Init.kaimingNormal(convLast.weight, 0.1, rng);
        layers.add(convLast);
        java.util.Arrays.fill(convFirst.bias.value, 0f);
        java.util.Arrays.fill(convLast.bias.value, 0f);
        return new Sequential(layers);
    }

    /** {@code vdsr} (FP) or {@code vdsr-<kind>}: 64 channels, 18 middle convs ({@code blocks}), extra {@code group} = 3. */
    static final class Family implements Architecture {
        private final Binarization.Kind kind;

        Family(Binarization.Kind kind) { this.kind = kind; }

        String name() { return kind == null ? "vdsr" : "vdsr-" + kind.name().toLowerCase(Locale.ROOT); }

        @Override public ArchOptions defaults(int scale) {
            return BinaryOptions.defaults(name(), scale, 64, 18, kind == null ? null : kind.name().toLowerCase(Locale.ROOT),
                    java.util.Map.of("group", "3", BinaryOptions.INPUT, BinaryOptions.INPUT_BICUBIC));
        }

        @Override public Layer build(ArchOptions o, RandomGenerator rng) {
            if (!BinaryOptions.takesUpsampledInput(o))
                throw new IllegalArgumentException(o.arch() + " takes the bicubic-upsampled image: option input=bicubic");
            Binarization b = kind == null ? null : BinaryOptions.binarization(o, kind);
            return new VDSR(o.channels(), o.blocks(), o.intOption("group", 3), b,
                    b != null && BinaryOptions.reluBeforeBinary(o, b), rng);
        }
    }
}
