package bnnsr.binarize;

import bnnsr.nn.Param;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * An accumulation group whose members share both BAM weight and activation accumulation (a residual block's two
 * convs, a VDSR run of three). For the other schemes it only builds independent convs. Its own parameters
 * ({@code <name>.a}, {@code <name>.s}) must be listed by the layer that owns the group, once.
 */
public final class BinaryGroup {
    private final Binarization scheme;
    private final WeightAccumulation weights;
    private final ActivationAccumulation activations;

    BinaryGroup(Binarization scheme, WeightAccumulation weights, ActivationAccumulation activations) {
        this.scheme = scheme;
        this.weights = weights;
        this.activations = activations;
    }

    /** The next member, in inference order. */
    public BinaryConv2d conv(String name, int cin, int cout, int k, boolean bias, RandomGenerator rng) {
        return scheme.conv(name, cin, cout, k, bias, rng, weights, activations);
    }

    public List<Param> params() {
        List<Param> p = new ArrayList<>();
        if (weights != null) p.addAll(weights.params());
        if (activations != null) p.addAll(activations.params());
        return p;
    }

    /** The weight group (null unless BAM). */
    public WeightAccumulation weights() { return weights; }

    /** The activation group (null unless BAM with binary activations). */
    public ActivationAccumulation activations() { return activations; }
}
