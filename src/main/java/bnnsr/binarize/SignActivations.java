package bnnsr.binarize;

import bnnsr.tensor.Tensor;

/** BNN activations: Sign(A), no scale; clipped STE (gradient passed where |A| <= 1). */
public final class SignActivations implements ActivationBinarizer {
    private Tensor x, out, dx;

    @Override public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        out = Tensor.reuse(out, x.n, x.h, x.w, x.c);
        for (int i = 0, s = x.size(); i < s; i++) out.data[i] = Sign.of(x.data[i]);
        return out;
    }

    @Override public Tensor backward(Tensor dxb, Tensor dScale) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        for (int i = 0, s = x.size(); i < s; i++) dx.data[i] = Sign.clippedSte(x.data[i], dxb.data[i]);
        return dx;
    }

    @Override public boolean binary() { return true; }

    @Override public boolean needsCenteredInput() { return true; }

    @Override public String kind() { return "sign"; }
}
