package bnnsr.binarize;

import bnnsr.tensor.Chunks;
import bnnsr.nn.Layer;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;

import java.util.List;

/**
 * Member n of an {@link ActivationAccumulation}: A_n^B = Sign(BN_n(b_1 A_1 + ... + b_n A_n)), +-1 with no scale
 * (the accumulated values only choose signs). BN_n is an ordinary BatchNorm2d over the accumulated activation,
 * owned by this member (named {@code <conv>.act_bn}). Gradient: clipped STE through the sign (|BN output| <= 1),
 * exact through BN, the b_i maps and s_i, to every accumulated input (see the group for how earlier inputs get
 * theirs).
 */
public final class BamActivations implements ActivationBinarizer {
    private final ActivationAccumulation group;
    private final int index;
    private final Layer bn;
    private Tensor acc, normalized, dx;

    BamActivations(ActivationAccumulation group, int index, Layer bn) {
        this.group = group;
        this.index = index;
        this.bn = bn;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        group.record(index, x);
        acc = Tensor.reuse(acc, x.n, x.h, x.w, x.c);
        group.accumulate(index, acc);
        normalized = bn.forward(acc, training);
        return binarized();
    }

    @Override public Tensor binarized() {
        Tensor out = Scratch.like(Scratch.Slot.BINARIZED, normalized);
        boolean smooth = group.surrogate();
        float[] nv = normalized.data, o = out.data;
        Chunks.range(out.size(), (a, b) -> {
            for (int i = a; i < b; i++) o[i] = smooth ? Math.max(-1f, Math.min(1f, nv[i])) : Sign.of(nv[i]);
        });
        return out;
    }

    @Override public Tensor backward(Tensor dxb, Tensor dScale) {
        Tensor dNorm = Scratch.like(Scratch.Slot.SIGN_GRAD, dxb);
        float[] nv = normalized.data, g = dxb.data, d = dNorm.data;
        Chunks.range(dxb.size(), (a, b) -> { for (int i = a; i < b; i++) d[i] = Sign.clippedSte(nv[i], g[i]); });
        Tensor dAcc = bn.backward(dNorm);
        dx = Tensor.reuse(dx, dxb.n, dxb.h, dxb.w, dxb.c);
        group.backprop(index, dAcc, dx);
        return dx;
    }

    /** The accumulated activation S_n of the last forward (before BN). */
    public Tensor accumulated() { return acc; }

    public Layer bn() { return bn; }

    public int index() { return index; }

    public ActivationAccumulation group() { return group; }

    @Override public List<Param> params() { return bn.params(); }

    @Override public List<Param> buffers() { return bn.buffers(); }

    @Override public boolean binary() { return true; }

    /** +-1, except under the gradient-check surrogate (hardtanh). */
    @Override public boolean signs() { return !group.surrogate(); }

    @Override public boolean needsCenteredInput() { return false; }

    @Override public String kind() { return "bam"; }
}
