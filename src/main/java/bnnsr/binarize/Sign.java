package bnnsr.binarize;

/**
 * The project's sign convention and the straight-through estimators (STE) built on it.
 * Sign(x) = +1 for x >= 0 (zero maps to +1, as the paper and the packed format's bit 0 do), else -1.
 */
public final class Sign {
    private Sign() {}

    public static float of(float x) { return x >= 0f ? 1f : -1f; }

    /** The derivative PyTorch gives |x| (and what the mean-|x| scales use): sgn with sgn(0) = 0. */
    public static float absGrad(float x) { return x > 0f ? 1f : x < 0f ? -1f : 0f; }

    /** Clipped STE of an activation sign: the gradient passes where |x| <= 1 (BNN's hardtanh estimator). */
    public static float clippedSte(float x, float g) { return Math.abs(x) <= 1f ? g : 0f; }
}
