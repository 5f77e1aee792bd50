package bnnsr.binarize;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

/** BNN activations: Sign(A), no scale; clipped STE (gradient passed where |A| <= 1). */
public final class SignActivations implements ActivationBinarizer {
    private Tensor x, dx;

    @Override public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        return binarized();
    }

    @Override public Tensor binarized() { return signs(x); }

    /** Sign(x) elementwise into this thread's binarized-input scratch (shared with XNOR-Net's activations). */
    static Tensor signs(Tensor x) {
        Tensor out = Scratch.like(Scratch.Slot.BINARIZED, x);
        float[] in = x.data, o = out.data;
        Chunks.range(x.size(), (a, b) -> { for (int i = a; i < b; i++) o[i] = Sign.of(in[i]); });
        return out;
    }

    @Override public Tensor backward(Tensor dxb, Tensor dScale) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        float[] in = x.data, g = dxb.data, d = dx.data;
        Chunks.range(x.size(), (a, b) -> { for (int i = a; i < b; i++) d[i] = Sign.clippedSte(in[i], g[i]); });
        return dx;
    }

    @Override public boolean binary() { return true; }

    @Override public boolean signs() { return true; }

    @Override public boolean needsCenteredInput() { return true; }

    @Override public String kind() { return "sign"; }
}
