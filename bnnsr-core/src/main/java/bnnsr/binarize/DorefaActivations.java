package bnnsr.binarize;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

/**
 * DoReFa-Net 1-bit activations: round(clip(A, 0, 1)) in {0, 1}; the rounding is taken as A >= 0.5 -> 1 (the
 * Sign(0) = +1 convention applied to A - 0.5; it differs from round-half-even only at exactly 0.5).
 * Gradient: straight through the rounding, times the clip's derivative (passed where 0 <= A <= 1).
 * A zero-padded tap equals level 0, so this scheme's padding is exact in {0, 1} arithmetic.
 */
public final class DorefaActivations implements ActivationBinarizer {
    private Tensor x, dx;

    @Override public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        return binarized();
    }

    @Override public Tensor binarized() {
        Tensor out = Scratch.like(Scratch.Slot.BINARIZED, x);
        float[] in = x.data, o = out.data;
        // (Sign(x - 0.5) + 1) / 2, branch-free
        Chunks.range(x.size(), (a, b) -> { for (int i = a; i < b; i++) o[i] = 0.5f * (Sign.of(in[i] - 0.5f) + 1f); });
        return out;
    }

    @Override public Tensor backward(Tensor dxb, Tensor dScale) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        float[] in = x.data, g = dxb.data, d = dx.data;
        // 0 <= x <= 1 is |x - 0.5| <= 0.5, i.e. the clipped STE of 2 (x - 0.5)
        Chunks.range(x.size(), (a, b) -> { for (int i = a; i < b; i++) d[i] = Sign.clippedSte(2f * (in[i] - 0.5f), g[i]); });
        return dx;
    }

    @Override public boolean binary() { return true; }

    @Override public boolean needsCenteredInput() { return false; }

    @Override public String kind() { return "dorefa1"; }
}
