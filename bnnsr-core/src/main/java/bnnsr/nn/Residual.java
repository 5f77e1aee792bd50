package bnnsr.nn;

import bnnsr.tensor.Tensor;

import java.util.List;

/** y = x + s * body(x): an identity skip around {@code body} (same shape in and out). */
public class Residual implements Layer {
    public final Layer body;
    public final float resScale;
    private Tensor y, dx, scaledDy;

    public Residual(Layer body, float resScale) {
        this.body = body;
        this.resScale = resScale;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        Tensor b = body.forward(x, training);
        if (!b.sameShape(x)) throw new IllegalArgumentException("residual body changes shape " + x.shape() + " -> " + b.shape());
        y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
        Elementwise.addScaled(x, resScale, b, y);
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        Tensor g = dy;
        if (resScale != 1f) {
            scaledDy = Tensor.reuse(scaledDy, dy.n, dy.h, dy.w, dy.c);
            Elementwise.scale(dy, resScale, scaledDy);
            g = scaledDy;
        }
        Tensor db = body.backward(g);
        dx = Tensor.reuse(dx, dy.n, dy.h, dy.w, dy.c);
        Elementwise.add(dy, db, dx);
        return dx;
    }

    @Override public List<Param> params() { return body.params(); }

    @Override public List<Param> buffers() { return body.buffers(); }
}
