package bnnsr.binarize;

import bnnsr.nn.Param;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A BAM weight-accumulation group (paper Eq. 3): n binary convs with kernels of one shape, whose n-th member
 * binarizes W_n^B = Sign(WS(a_1 W_1 + ... + a_n W_n)) * E(|W_n|), WS being the per-output-channel
 * {@link WeightStandardization} and E(|W_n|) the mean |W_n| per output channel.
 * <p>
 * Members join in inference order ({@link #join}); each gets its own {@link BamWeights} binarizer, which reads the
 * latent weights of every earlier member and, in backward, adds gradient to all of them (and to a_i). Weight
 * gradients go straight into the {@link Param}s, so the order in which members run backward does not matter.
 * The coefficients a_i ({@code <name>.a}, shape [n], initialised to 1) are shared by all members; they exist only
 * when learned and accumulated over more than one member.
 */
public final class WeightAccumulation {
    private final String name;
    private final int size;
    private final BamOptions options;
    private final Param alpha;
    private final List<Param> latents = new ArrayList<>();
    private boolean surrogate;

    public WeightAccumulation(String name, int size, BamOptions options) {
        if (size < 1) throw new IllegalArgumentException("group size must be >= 1");
        this.name = name;
        this.size = size;
        this.options = options;
        // a_i only matter when members mix: alone, a_n just scales W_n ahead of a standardisation
        if (options.learnedAlpha() && options.weightAccumulation() && size > 1) {
            alpha = new Param(name + ".a", new int[] {size}, false);
            Arrays.fill(alpha.value, 1f);
        } else {
            alpha = null;
        }
    }

    /** Adds the next member (its latent weights, OIHW) and returns its binarizer; {@code convName} names its affine. */
    public BamWeights join(Param latent, String convName) {
        if (latents.size() == size) throw new IllegalStateException("group " + name + " already has " + size + " members");
        if (!latents.isEmpty() && !Arrays.equals(latents.get(0).shape, latent.shape))
            throw new IllegalArgumentException("group " + name + ": member shapes differ, " + Arrays.toString(latents.get(0).shape)
                    + " vs " + Arrays.toString(latent.shape));
        latents.add(latent);
        return new BamWeights(this, latents.size() - 1, convName);
    }

    public String name() { return name; }

    public int size() { return size; }

    public BamOptions options() { return options; }

    Param latent(int i) { return latents.get(i); }

    /** The accumulation coefficient a_i (1 when not learned). */
    float alpha(int i) { return alpha == null ? 1f : alpha.value[i]; }

    void addAlphaGrad(int i, float g) { if (alpha != null) alpha.grad[i] += g; }

    /** First member whose latent weights enter member n's accumulation. */
    int first(int n) { return options.weightAccumulation() ? 0 : n; }

    /**
     * For gradient checks only: replaces the Sign by the identity (the primitive of its unclipped STE), so the
     * STE-defined backward becomes the exact gradient of the forward and finite differences can check it all.
     */
    void smoothSurrogate(boolean on) { surrogate = on; }

    boolean surrogate() { return surrogate; }

    /** The group's own parameters (a_i when learned). */
    public List<Param> params() { return alpha == null ? List.of() : List.of(alpha); }
}
