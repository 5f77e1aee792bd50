package bnnsr.nn;

import java.util.random.RandomGenerator;

/**
 * BasicSR's {@code ResidualBlockNoBN}: x + res_scale * conv2(relu(conv1(x))), two 3x3 convs with bias named
 * {@code <prefix>.conv1} / {@code <prefix>.conv2}, initialised by {@code default_init_weights(..., 0.1)}.
 */
public final class ResidualBlockNoBN extends Residual {
    public final Conv2d conv1, conv2;

    public ResidualBlockNoBN(String prefix, int channels, float resScale, RandomGenerator rng) {
        this(new Conv2d(Names.join(prefix, "conv1"), channels, channels, 3, true),
                new Conv2d(Names.join(prefix, "conv2"), channels, channels, 3, true), resScale);
        Init.defaultInitWeights(conv1, 0.1, rng);
        Init.defaultInitWeights(conv2, 0.1, rng);
    }

    private ResidualBlockNoBN(Conv2d conv1, Conv2d conv2, float resScale) {
        super(new Sequential(conv1, new ReLU(), conv2), resScale);
        this.conv1 = conv1;
        this.conv2 = conv2;
    }
}
