package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

/** max(x, 0); the gradient at 0 is 0, as in PyTorch. */
public final class ReLU implements Layer {
    private Tensor x, y, dx;

    @Override public Tensor forward(Tensor x, boolean training) {
        y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
        float[] in = x.data, out = y.data;
        Chunks.elements(x.size(), (a, b) -> {
            for (int i = a; i < b; i++) out[i] = Math.max(in[i], 0f);
        });
        this.x = x;
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        float[] in = x.data, g = dy.data, out = dx.data;
        Chunks.elements(x.size(), (a, b) -> {
            bnnsr.tensor.VectorMath.reluBackward(in, a, g, a, out, a, b - a);   // branch-free
        });
        return dx;
    }
}
