package bnnsr.binarize;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The switchable points of BAM (paper.md section 2). Defaults are the full method with the [inferred] readings:
 * learnable a_i (initialised to 1), weight and activation accumulation on, learnable s_i, E(A) = mean |A| over
 * channels, binary activations, a learnable affine in the weight standardisation.
 *
 * @param learnedAlpha       a_i learnable (true) or all ones (false: ablation W1)
 * @param weightAccumulation W_n^B from sum_i a_i W_i (true) or from a_n W_n alone (false: ablation W2)
 * @param learnedBeta        b_i = s_i E(A_i) (true) or b_i = 1 (false: ablation A1)
 * @param activationAccumulation A_n^B from sum_i b_i A_i (true) or from b_n A_n alone (false: ablation A2)
 * @param statistic          E(A) along channels: mean |A| (default) or mean A
 * @param binaryActivations  binary activations (true) or full precision (false: W1/A32 of Table 5)
 * @param weightBnAffine     the weight standardisation has a learnable per-channel affine
 */
public record BamOptions(boolean learnedAlpha, boolean weightAccumulation, boolean learnedBeta,
                         boolean activationAccumulation, Statistic statistic, boolean binaryActivations,
                         boolean weightBnAffine) {

    /** E(A_i): the per-pixel statistic of an activation along its channels. */
    public enum Statistic { MEAN_ABS, MEAN }

    public static final BamOptions DEFAULT = new BamOptions(true, true, true, true, Statistic.MEAN_ABS, true, true);

    /**
     * Applies comma-separated switches to the defaults: {@code w1} (a ones), {@code w2} (no weight accumulation),
     * {@code a1} (b ones), {@code a2} (no activation accumulation), {@code a32} (FP activations),
     * {@code mean} (E(A) = mean A), {@code noaffine} (weight standardisation without affine). Empty = defaults.
     */
    public static BamOptions parse(String switches) {
        BamOptions o = DEFAULT;
        if (switches == null || switches.isBlank()) return o;
        for (String raw : switches.split("[,+]")) {
            String s = raw.trim().toLowerCase(Locale.ROOT);
            o = switch (s) {
                case "" -> o;
                case "w1" -> new BamOptions(false, o.weightAccumulation, o.learnedBeta, o.activationAccumulation, o.statistic, o.binaryActivations, o.weightBnAffine);
                case "w2" -> new BamOptions(o.learnedAlpha, false, o.learnedBeta, o.activationAccumulation, o.statistic, o.binaryActivations, o.weightBnAffine);
                case "a1" -> new BamOptions(o.learnedAlpha, o.weightAccumulation, false, o.activationAccumulation, o.statistic, o.binaryActivations, o.weightBnAffine);
                case "a2" -> new BamOptions(o.learnedAlpha, o.weightAccumulation, o.learnedBeta, false, o.statistic, o.binaryActivations, o.weightBnAffine);
                case "a32" -> new BamOptions(o.learnedAlpha, o.weightAccumulation, o.learnedBeta, o.activationAccumulation, o.statistic, false, o.weightBnAffine);
                case "mean" -> new BamOptions(o.learnedAlpha, o.weightAccumulation, o.learnedBeta, o.activationAccumulation, Statistic.MEAN, o.binaryActivations, o.weightBnAffine);
                case "noaffine" -> new BamOptions(o.learnedAlpha, o.weightAccumulation, o.learnedBeta, o.activationAccumulation, o.statistic, o.binaryActivations, false);
                default -> throw new IllegalArgumentException("unknown BAM switch '" + raw.trim()
                        + "' (known: w1, w2, a1, a2, a32, mean, noaffine)");
            };
        }
        return o;
    }

    /** The switches that turn {@link #DEFAULT} into this (the inverse of {@link #parse}); "" for the defaults. */
    public String switches() {
        StringBuilder b = new StringBuilder();
        if (!learnedAlpha) b.append(",w1");
        if (!weightAccumulation) b.append(",w2");
        if (!learnedBeta) b.append(",a1");
        if (!activationAccumulation) b.append(",a2");
        if (!binaryActivations) b.append(",a32");
        if (statistic == Statistic.MEAN) b.append(",mean");
        if (!weightBnAffine) b.append(",noaffine");
        return b.isEmpty() ? "" : b.substring(1);
    }

    /** Every option spelled out, for checkpoint metadata. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alpha", learnedAlpha ? "learned" : "ones");
        m.put("weight_accumulation", weightAccumulation);
        m.put("beta", learnedBeta ? "learned" : "ones");
        m.put("activation_accumulation", activationAccumulation);
        m.put("statistic", statistic == Statistic.MEAN_ABS ? "mean_abs" : "mean");
        m.put("activations", binaryActivations ? "binary" : "fp");
        m.put("weight_bn_affine", weightBnAffine);
        return m;
    }
}
