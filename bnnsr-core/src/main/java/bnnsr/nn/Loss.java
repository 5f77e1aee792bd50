package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

/**
 * A mean-reduced loss between a prediction and a target: {@link #forward} returns the value and prepares the
 * gradient that {@link #backward} returns (dL/dpred, a buffer the loss owns and reuses).
 */
public abstract class Loss {
    private Tensor grad;
    private double[] partial = new double[Chunks.MAX];

    public final double forward(Tensor pred, Tensor target) {
        if (!pred.sameShape(target))
            throw new IllegalArgumentException("loss: prediction " + pred.shape() + " vs target " + target.shape());
        grad = Tensor.reuse(grad, pred.n, pred.h, pred.w, pred.c);
        int size = pred.size(), chunks = Chunks.count(size, 1 << 14);
        float[] p = pred.data, t = target.data, g = grad.data;
        double[] part = partial;
        float inv = 1f / size;
        Chunks.run(size, chunks, (chunk, a, b) -> part[chunk] = accumulate(p, t, g, inv, a, b));
        return Chunks.sum(part, chunks, 1, 0) / size;
    }

    /** dL/dpred of the last {@link #forward}. */
    public final Tensor backward() {
        if (grad == null) throw new IllegalStateException("loss backward before forward");
        return grad;
    }

    /** Over [from, to): writes {@code g[i] = dL/dp[i]} (with the 1/N of the mean folded in as {@code inv}), returns the summed loss. */
    protected abstract double accumulate(float[] p, float[] t, float[] g, float inv, int from, int to);

    /** Mean absolute error, PyTorch's {@code L1Loss}: gradient sign(p - t) / N with sign(0) = 0. */
    public static final class L1 extends Loss {
        @Override protected double accumulate(float[] p, float[] t, float[] g, float inv, int from, int to) {
            double s = 0;
            for (int i = from; i < to; i++) {
                float d = p[i] - t[i];
                s += Math.abs(d);
                g[i] = d > 0 ? inv : d < 0 ? -inv : 0f;
            }
            return s;
        }
    }

    /** Mean squared error, PyTorch's {@code MSELoss}: gradient 2 (p - t) / N. */
    public static final class Mse extends Loss {
        @Override protected double accumulate(float[] p, float[] t, float[] g, float inv, int from, int to) {
            double s = 0;
            for (int i = from; i < to; i++) {
                float d = p[i] - t[i];
                s += (double) d * d;
                g[i] = 2 * d * inv;
            }
            return s;
        }
    }
}
