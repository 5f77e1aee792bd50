package bnnsr.nn;

import bnnsr.tensor.Tensor;

/** y = s * x for a fixed scalar s (e.g. a residual scaling). */
public final class Scale implements Layer {
    public final float s;
    private Tensor y, dx;

    public Scale(float s) { this.s = s; }

    @Override public Tensor forward(Tensor x, boolean training) {
        y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
        Elementwise.scale(x, s, y);
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        dx = Tensor.reuse(dx, dy.n, dy.h, dy.w, dy.c);
        Elementwise.scale(dy, s, dx);
        return dx;
    }
}
