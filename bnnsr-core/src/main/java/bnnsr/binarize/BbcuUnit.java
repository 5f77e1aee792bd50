package bnnsr.binarize;

import bnnsr.nn.Elementwise;
import bnnsr.nn.Layer;
import bnnsr.nn.NearestUpsample;
import bnnsr.nn.Param;
import bnnsr.nn.PixelShuffle;
import bnnsr.nn.RPReLU;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * BBCU's basic binary convolution unit (Xia et al., ICLR 2023), with its identity skip and no BatchNorm:
 * <pre>
 *   r = 1:  y = RPReLU(BinConv(Sign(x + b))) + x                           (C -> C)
 *   r &gt; 1:  y = PixelShuffle_r(RPReLU(BinConv(Sign(x + b)))) + nearest_r(x)  (C -> C r^2 -> C at r times the size)
 * </pre>
 * The binary conv is a {@code bbcu} {@link Binarization} conv (3x3, no bias): {@link RSignActivations} and
 * {@link ScaledSignWeights#bbcu}. Tensors under the unit's name: {@code name.weight} (latent weights, OIHW),
 * {@code name.move0.bias} (b), then {@link RPReLU}'s {@code name.move1.bias}, {@code name.prelu.weight},
 * {@code name.move2.bias}: the order of PyTorch's state dict for a module holding its weight then those parts.
 * Every step is one float operation per element in this order (the packed engine repeats it bit for bit).
 */
public final class BbcuUnit implements Layer {
    private static final Binarization BBCU = Binarization.parse("bbcu");

    private final BinaryConv2d conv;
    private final RPReLU act;
    private final int r;
    private final PixelShuffle shuffle;
    private final NearestUpsample nearest;
    private Tensor y, dx;

    /** A unit on {@code channels} channels; {@code r} &gt; 1 makes it an upsampling unit (conv to C r^2). */
    public BbcuUnit(String name, int channels, int r, RandomGenerator rng) {
        if (r < 1) throw new IllegalArgumentException(name + ": upsampling factor must be >= 1, got " + r);
        this.r = r;
        conv = BBCU.conv(name, channels, channels * r * r, 3, false, rng, null, null);
        act = new RPReLU(name, channels * r * r);
        shuffle = r > 1 ? new PixelShuffle(r) : null;
        nearest = r > 1 ? new NearestUpsample(r) : null;
    }

    public BinaryConv2d conv() { return conv; }

    public RPReLU rprelu() { return act; }

    /** The upsampling factor (1: a plain unit with an identity skip). */
    public int r() { return r; }

    /** The RSign bias b before the sign. */
    public Param signBias() { return ((RSignActivations) conv.activationBinarizer()).bias(); }

    @Override public Tensor forward(Tensor x, boolean training) {
        Tensor u = act.forward(conv.forward(x, training), training);
        Tensor skip = x;
        if (r > 1) {
            u = shuffle.forward(u, training);
            skip = nearest.forward(x, training);
        }
        y = Tensor.reuse(y, u.n, u.h, u.w, u.c);
        Elementwise.add(u, skip, y);
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        Tensor du = r > 1 ? shuffle.backward(dy) : dy;
        Tensor dMain = conv.backward(act.backward(du));
        Tensor dSkip = r > 1 ? nearest.backward(dy) : dy;
        dx = Tensor.reuse(dx, dMain.n, dMain.h, dMain.w, dMain.c);
        Elementwise.add(dMain, dSkip, dx);
        return dx;
    }

    @Override public List<Param> params() {
        List<Param> p = new ArrayList<>(conv.params());
        p.addAll(act.params());
        return p;
    }
}
