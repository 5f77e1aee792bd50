package bnnsr.nn;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** Weight initialisations as BasicSR and PyTorch define them, drawn from a caller's seeded generator. */
public final class Init {
    private Init() {}

    /** PyTorch's fan_in of a weight of shape [out, in, kh, kw]: in * kh * kw. */
    static int fanIn(Param w) {
        int f = 1;
        for (int i = 1; i < w.shape.length; i++) f *= w.shape[i];
        return f;
    }

    /** {@code kaiming_normal_(w)} (a = 0, fan_in, gain sqrt(2)) times {@code scale}. */
    public static void kaimingNormal(Param w, double scale, RandomGenerator rng) {
        double std = Math.sqrt(2.0 / fanIn(w)) * scale;
        for (int i = 0; i < w.size(); i++) w.value[i] = (float) (rng.nextGaussian() * std);
    }

    /** BasicSR's {@code default_init_weights([conv], scale, bias_fill=0)}: kaiming normal times scale, zero bias. */
    public static void defaultInitWeights(Conv2d conv, double scale, RandomGenerator rng) {
        kaimingNormal(conv.weight, scale, rng);
        if (conv.bias != null) Arrays.fill(conv.bias.value, 0f);
    }

    /**
     * PyTorch's own {@code nn.Conv2d} reset: weight U(-b, b) with b = 1/sqrt(fan_in) (kaiming uniform, a = sqrt(5)),
     * bias U(-b, b).
     */
    public static void pytorchDefault(Conv2d conv, RandomGenerator rng) {
        double b = 1.0 / Math.sqrt(fanIn(conv.weight));
        uniform(conv.weight.value, b, rng);
        if (conv.bias != null) uniform(conv.bias.value, b, rng);
    }

    private static void uniform(float[] v, double bound, RandomGenerator rng) {
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
}
