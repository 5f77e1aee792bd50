package bnnsr.arch;

import bnnsr.binarize.Binarization;
import bnnsr.binarize.BinaryConv2d;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link ArchOptions#extra()} keys of the binarized backbones, saved with every checkpoint:
 * <ul>
 *   <li>{@code binarizer}: the scheme's spec ({@link Binarization#parse}, e.g. {@code bam}, {@code bam:w1,a2},
 *       {@code abc:channel}); its documented defaults are part of the format, so the spec fixes every option;</li>
 *   <li>{@code binary_padding}: {@code zero}, the padding convention of binary convs ({@link BinaryConv2d#PADDING});
 *       a file that records another convention is rejected;</li>
 *   <li>{@code inner_act}: {@code auto} (default), {@code relu} or {@code none}: the ReLU between binary convs.
 *       {@code auto} drops every ReLU whose output would feed a sign that does not re-centre its input (BNN,
 *       XNOR, ABC: Sign(ReLU(x)) = +1 with Sign(0) = +1) and keeps it otherwise (BAM's BN re-centres,
 *       DoReFa thresholds at 0.5, Ma's activations are full precision);</li>
 *   <li>{@code input}: {@code lr} or {@code bicubic} (VDSR: the network takes the LR image already bicubic-upsampled
 *       to the HR size by the data pipeline).</li>
 * </ul>
 */
public final class BinaryOptions {
    public static final String BINARIZER = "binarizer", PADDING = BinaryConv2d.PADDING_KEY, INNER_ACT = "inner_act",
            INPUT = "input";
    /** The network's input is the LR image upsampled by MATLAB bicubic to the HR size (VDSR). */
    public static final String INPUT_BICUBIC = "bicubic", INPUT_LR = "lr";

    private BinaryOptions() {}

    /** Default options of a binarized backbone. */
    static ArchOptions defaults(String arch, int scale, int channels, int blocks, String binarizer, Map<String, String> more) {
        Map<String, String> extra = new TreeMap<>(more);
        if (binarizer != null) {
            extra.put(BINARIZER, Binarization.parse(binarizer).spec());
            extra.put(PADDING, BinaryConv2d.PADDING);
            extra.put(INNER_ACT, "auto");
        }
        return new ArchOptions(arch, scale, channels, blocks, extra);
    }

    /** The scheme of these options; {@code requiredKind} (may be null) is the one the architecture's name fixes. */
    public static Binarization binarization(ArchOptions o, Binarization.Kind requiredKind) {
        String spec = o.option(BINARIZER, null);
        if (spec == null) {
            if (requiredKind == null) throw new IllegalArgumentException(o.arch() + ": option '" + BINARIZER + "' missing");
            spec = requiredKind.name().toLowerCase(Locale.ROOT);
        }
        Binarization b = Binarization.parse(spec);
        if (requiredKind != null && b.kind() != requiredKind)
            throw new IllegalArgumentException(o.arch() + " binarizes with " + requiredKind.name().toLowerCase(Locale.ROOT)
                    + ", not '" + spec + "'");
        String padding = o.option(PADDING, BinaryConv2d.PADDING);
        if (!padding.equals(BinaryConv2d.PADDING))
            throw new IllegalArgumentException(o.arch() + ": binary padding '" + padding + "' is not supported (only "
                    + BinaryConv2d.PADDING + ")");
        return b;
    }

    /** Whether a ReLU sits in front of binary convs (see the class comment for {@code auto}). */
    static boolean reluBeforeBinary(ArchOptions o, Binarization b) {
        String v = o.option(INNER_ACT, "auto").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> !b.needsCenteredInput();
            case "relu" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException(INNER_ACT + " must be auto, relu or none, not '" + v + "'");
        };
    }

    /** Whether the model takes the bicubic-upsampled LR image (HR size) instead of the LR image. */
    public static boolean takesUpsampledInput(ArchOptions o) { return INPUT_BICUBIC.equals(o.option(INPUT, INPUT_LR)); }
}
