package bnnsr.binarize;

import bnnsr.tensor.Chunks;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;

import java.util.List;

/**
 * ABC-Net with one binary activation base: beta * Sign(A + v), with a learnable shift v (init 0) and scale beta
 * (init 1), both scalars per layer ({@code <conv>.act_shift}, {@code <conv>.act_scale}). ABC-Net writes the base
 * as H_v(A) = 2 * [clip(A + v, 0, 1) >= 0.5] - 1, a threshold at 0.5 - v; here the threshold is -v so that it
 * starts at zero like the other sign schemes (inputs of binary convs are zero-centred in our backbones).
 * Gradient: clipped STE (passed where |A + v| <= 1) to A and v; exact to beta.
 */
public final class AbcActivations implements ActivationBinarizer {
    private final Param shift, scale;
    private Tensor x, dx;

    public AbcActivations(String convName) {
        shift = new Param(convName + ".act_shift", new int[] {1}, false);
        scale = new Param(convName + ".act_scale", new int[] {1}, false);
        scale.value[0] = 1f;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        return binarized();
    }

    @Override public Tensor binarized() {
        Tensor out = Scratch.like(Scratch.Slot.BINARIZED, x);
        float v = shift.value[0], beta = scale.value[0];
        float[] in = x.data, o = out.data;
        Chunks.range(x.size(), (a, b) -> { for (int i = a; i < b; i++) o[i] = beta * Sign.of(in[i] + v); });
        return out;
    }

    @Override public Tensor backward(Tensor dxb, Tensor dScale) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        float v = shift.value[0], beta = scale.value[0];
        float[] in = x.data, g = dxb.data, d = dx.data;
        double db = Chunks.sum(x.size(), (a, b) -> {
            double s = 0;
            for (int i = a; i < b; i++) {
                float u = in[i] + v;
                s += g[i] * Sign.of(u);
                d[i] = Sign.clippedSte(u, g[i] * beta);
            }
            return s;
        });
        double dv = Chunks.sum(x.size(), (a, b) -> {
            double s = 0;
            for (int i = a; i < b; i++) s += d[i];
            return s;
        });
        shift.grad[0] += (float) dv;
        scale.grad[0] += (float) db;
        return dx;
    }

    @Override public List<Param> params() { return List.of(shift, scale); }

    @Override public boolean binary() { return true; }

    @Override public boolean needsCenteredInput() { return true; }

    @Override public String kind() { return "abc1"; }
}
