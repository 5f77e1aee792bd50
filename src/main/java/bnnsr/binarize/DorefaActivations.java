package bnnsr.binarize;

import bnnsr.tensor.Tensor;

/**
 * DoReFa-Net 1-bit activations: round(clip(A, 0, 1)) in {0, 1}; the rounding is taken as A >= 0.5 -> 1 (the
 * Sign(0) = +1 convention applied to A - 0.5; it differs from round-half-even only at exactly 0.5).
 * Gradient: straight through the rounding, times the clip's derivative (passed where 0 <= A <= 1).
 * A zero-padded tap equals level 0, so this scheme's padding is exact in {0, 1} arithmetic.
 */
public final class DorefaActivations implements ActivationBinarizer {
    private Tensor x, out, dx;

    @Override public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        out = Tensor.reuse(out, x.n, x.h, x.w, x.c);
        for (int i = 0, s = x.size(); i < s; i++) out.data[i] = x.data[i] >= 0.5f ? 1f : 0f;
        return out;
    }

    @Override public Tensor backward(Tensor dxb, Tensor dScale) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        for (int i = 0, s = x.size(); i < s; i++) {
            float v = x.data[i];
            dx.data[i] = v >= 0f && v <= 1f ? dxb.data[i] : 0f;
        }
        return dx;
    }

    @Override public boolean binary() { return true; }

    @Override public boolean needsCenteredInput() { return false; }

    @Override public String kind() { return "dorefa1"; }
}
