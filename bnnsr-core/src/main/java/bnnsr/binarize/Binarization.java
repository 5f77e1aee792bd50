package bnnsr.binarize;

import bnnsr.nn.BatchNorm2d;
import bnnsr.nn.Names;
import bnnsr.nn.Param;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * A binarization scheme by name, and the factory of the binary convs the backbones build with it.
 * <p>
 * Spec strings: {@code bnn}, {@code xnor}, {@code dorefa}, {@code abc} ({@code abc:channel} for per-output-channel
 * statistics and coefficients), {@code ma}, {@code bam} ({@code bam:w1,a2,...}, switches of {@link BamOptions}),
 * {@code bbcu}.
 * <table>
 *   <caption>schemes</caption>
 *   <tr><th>name</th><th>weights</th><th>activations</th></tr>
 *   <tr><td>bnn</td><td>Sign(W)</td><td>Sign(A), clipped STE</td></tr>
 *   <tr><td>xnor</td><td>Sign(W) mean|W| per out channel</td><td>Sign(A), output times K = box(mean_c |A|)</td></tr>
 *   <tr><td>dorefa</td><td>Sign(W) mean|W| per layer</td><td>round(clip(A, 0, 1))</td></tr>
 *   <tr><td>abc</td><td>3 bases, least squares</td><td>beta Sign(A + v)</td></tr>
 *   <tr><td>ma</td><td>Sign(W) times learnable gain per filter</td><td>full precision</td></tr>
 *   <tr><td>bam</td><td>{@link WeightAccumulation}</td><td>{@link ActivationAccumulation} (or FP with a32)</td></tr>
 *   <tr><td>bbcu</td><td>Sign(W) mean|W| per out channel, clipped STE</td><td>Sign(A + b), learnable b, ApproxSign
 *       gradient ({@link RSignActivations}); the unit around the conv is {@link BbcuUnit}</td></tr>
 * </table>
 */
public final class Binarization {
    public enum Kind { BNN, XNOR, DOREFA, ABC, MA, BAM, BBCU }

    private final Kind kind;
    private final BamOptions bam;
    private final boolean perChannel;
    private final boolean smooth;

    private Binarization(Kind kind, BamOptions bam, boolean perChannel, boolean smooth) {
        this.kind = kind;
        this.bam = bam;
        this.perChannel = perChannel;
        this.smooth = smooth;
    }

    private Binarization(Kind kind, BamOptions bam, boolean perChannel) { this(kind, bam, perChannel, false); }

    /**
     * For gradient checks of whole networks only: the same scheme whose BAM groups replace each Sign by the
     * primitive of its STE (identity for weights, hardtanh for activations), so that backward is the exact
     * gradient of forward. Never for training.
     */
    public Binarization smoothSurrogateForGradientChecks() { return new Binarization(kind, bam, perChannel, true); }

    /** Parses {@code kind[:options]}; throws IllegalArgumentException with a one-line message on bad input. */
    public static Binarization parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon), opts = colon < 0 ? "" : s.substring(colon + 1);
        Kind kind;
        try {
            kind = Kind.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown binarizer '" + name + "' (known: bnn, xnor, dorefa, abc, ma, bam, bbcu)");
        }
        return switch (kind) {
            case BAM -> new Binarization(kind, BamOptions.parse(opts), false);
            case ABC -> {
                if (!opts.isEmpty() && !opts.equals("channel") && !opts.equals("layer"))
                    throw new IllegalArgumentException("abc options: 'channel' or 'layer', got '" + opts + "'");
                yield new Binarization(kind, null, opts.equals("channel"));
            }
            default -> {
                if (!opts.isEmpty()) throw new IllegalArgumentException(name + " takes no options, got '" + opts + "'");
                yield new Binarization(kind, null, false);
            }
        };
    }

    public Kind kind() { return kind; }

    /** BAM's options (null for the other schemes). */
    public BamOptions bam() { return bam; }

    /** The canonical spec string ({@link #parse} of it gives an equal scheme). */
    public String spec() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        if (kind == Kind.BAM && !bam.switches().isEmpty()) return name + ":" + bam.switches();
        if (kind == Kind.ABC && perChannel) return name + ":channel";
        return name;
    }

    /** The scheme and every option spelled out, plus the conventions a deployment engine must reproduce. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("binarizer", kind.name().toLowerCase(Locale.ROOT));
        m.put("spec", spec());
        if (bam != null) m.put("bam", bam.toMap());
        if (kind == Kind.ABC) m.put("abc_statistics", perChannel ? "channel" : "layer");
        m.put(BinaryConv2d.PADDING_KEY, BinaryConv2d.PADDING);
        m.put("sign_of_zero", "+1");
        return m;
    }

    /** True when the activations threshold at zero without re-centring: a ReLU must not feed them. */
    public boolean needsCenteredInput() { return kind == Kind.BNN || kind == Kind.XNOR || kind == Kind.ABC; }

    /** True when the convs' inputs are binary (their MACs are XNOR/popcount work). */
    public boolean binaryActivations() { return kind != Kind.MA && !(kind == Kind.BAM && !bam.binaryActivations()); }

    /** Binary weight tensors per conv at inference (ABC: its bases). */
    public int weightBases() { return kind == Kind.ABC ? AbcWeights.DEFAULT_SHIFTS.length : 1; }

    /** A BAM weight-accumulation group, or null for the other schemes (their convs stand alone). */
    public WeightAccumulation weightGroup(String name, int size) {
        if (kind != Kind.BAM) return null;
        WeightAccumulation g = new WeightAccumulation(name, size, bam);
        g.smoothSurrogate(smooth);
        return g;
    }

    /** A BAM activation-accumulation group, or null (other schemes, or BAM with full-precision activations). */
    public ActivationAccumulation activationGroup(String name, int size) {
        if (kind != Kind.BAM || !bam.binaryActivations()) return null;
        ActivationAccumulation g = new ActivationAccumulation(name, size, bam);
        g.smoothSurrogate(smooth);
        return g;
    }

    /** A group whose members accumulate both weights and activations (a residual block's two convs). */
    public BinaryGroup group(String name, int size) {
        return new BinaryGroup(this, weightGroup(name, size), activationGroup(name, size));
    }

    /**
     * A binary conv of this scheme. For BAM it joins {@code weights} and {@code activations} as their next member
     * (a null group makes it a group of its own).
     */
    public BinaryConv2d conv(String name, int cin, int cout, int k, boolean bias, RandomGenerator rng,
                             WeightAccumulation weights, ActivationAccumulation activations) {
        return new BinaryConv2d(name, cin, cout, k, bias, rng, weightBinarizer(name, weights),
                activationBinarizer(name, cin, k, activations));
    }

    private Function<Param, WeightBinarizer> weightBinarizer(String name, WeightAccumulation group) {
        return switch (kind) {
            case BNN -> SignWeights::new;
            case XNOR -> ScaledSignWeights::xnor;
            case DOREFA -> ScaledSignWeights::dorefa;
            case ABC -> w -> new AbcWeights(w, perChannel, AbcWeights.DEFAULT_SHIFTS);
            case MA -> w -> new GainWeights(w, name);
            case BBCU -> ScaledSignWeights::bbcu;
            case BAM -> w -> (group != null ? group : weightGroup(Names.join(name, "bam"), 1)).join(w, name);
        };
    }

    private ActivationBinarizer activationBinarizer(String name, int cin, int k, ActivationAccumulation group) {
        return switch (kind) {
            case BNN -> new SignActivations();
            case XNOR -> new XnorActivations(k);
            case DOREFA -> new DorefaActivations();
            case ABC -> new AbcActivations(name);
            case MA -> new FpActivations();
            case BBCU -> new RSignActivations(Names.join(name, "move0"), cin);
            case BAM -> {
                if (!bam.binaryActivations()) yield new FpActivations();
                if (group == null) throw new IllegalArgumentException(name + ": a BAM conv needs its activation group");
                yield group.join(new BatchNorm2d(Names.join(name, "act_bn"), cin));
            }
        };
    }

    @Override public boolean equals(Object o) { return o instanceof Binarization b && b.spec().equals(spec()); }

    @Override public int hashCode() { return spec().hashCode(); }

    @Override public String toString() { return spec(); }
}
