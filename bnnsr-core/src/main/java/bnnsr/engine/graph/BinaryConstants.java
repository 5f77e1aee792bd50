package bnnsr.engine.graph;

import bnnsr.engine.kernels.PackedWeights;
import bnnsr.engine.kernels.SignThresholds;

/**
 * A binary conv node's constants as the kernels take them: weights, epilogue scale and bias, BAM's statistic
 * weights {@code s} (null without statistic) and the input sign thresholds.
 */
record BinaryConstants(PackedWeights weights, float[] alpha, float[] beta, float[] s, SignThresholds signs) {
    static BinaryConstants of(Node.BinaryConv node, PackedModel m) {
        String p = node.name() + ".";
        PackedWeights weights = PackedWeights.fromFileLayout(m.words(p + "weight_bits"), node.cout(), node.cin(), node.k());
        float[] alpha;
        if (node.levels()) {
            // the kernels then give 2 * exact: (2 e) * (alpha / 2) is the float e * alpha, bit for bit
            weights.addValidWeightSums();
            float[] a = m.floats(p + "alpha");
            alpha = new float[a.length];
            for (int o = 0; o < a.length; o++) {
                alpha[o] = a[o] / 2;
                if (alpha[o] * 2 != a[o]) throw new IllegalArgumentException(node.name() + ": alpha " + a[o] + " too small to halve exactly");
            }
        } else {
            alpha = m.floats(p + "alpha");
        }
        return new BinaryConstants(weights, alpha, m.floats(p + "beta"), node.statistic() ? m.floats(p + "s") : null,
                SignThresholds.of(m.floats(p + "sign_below"), m.floats(p + "sign_above")));
    }
}
