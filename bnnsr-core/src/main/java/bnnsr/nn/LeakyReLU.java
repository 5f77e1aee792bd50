package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;
import bnnsr.tensor.VectorMath;

/** x for x > 0, slope * x otherwise (PyTorch's {@code nn.LeakyReLU(slope)}, gradient slope at 0). */
public final class LeakyReLU implements Layer {
    public final float slope;
    private Tensor x, y, dx;

    public LeakyReLU(float slope) { this.slope = slope; }

    @Override public Tensor forward(Tensor x, boolean training) {
        y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
        float[] in = x.data, out = y.data;
        float s = slope;
        Chunks.elements(x.size(), (a, b) -> {
            VectorMath.positiveOrScaled(in, a, in, a, s, out, a, b - a);      // branch-free
        });
        this.x = x;
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        float[] in = x.data, g = dy.data, out = dx.data;
        float s = slope;
        Chunks.elements(x.size(), (a, b) -> {
            VectorMath.positiveOrScaled(in, a, g, a, s, out, a, b - a);
        });
        return dx;
    }
}
