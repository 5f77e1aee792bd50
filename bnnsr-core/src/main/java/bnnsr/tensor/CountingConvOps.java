package bnnsr.tensor;

import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps the installed kernels and counts the floating-point operations they do (2 per multiply-add), so a
 * benchmark reports the work a model really performed instead of a hand-written formula.
 */
public final class CountingConvOps implements ConvOps {
    private final ConvOps inner;
    private final LongAdder flops = new LongAdder();

    public CountingConvOps(ConvOps inner) { this.inner = inner; }

    public long flops() { return flops.sum(); }

    private void count(Tensor big, int k, int otherChannels) {
        flops.add(2L * big.n * big.h * big.w * big.c * k * k * otherChannels);
    }

    @Override public void forward(Tensor x, float[] w, float[] bias, int k, Tensor y) {
        count(x, k, y.c);
        inner.forward(x, w, bias, k, y);
    }

    @Override public void backwardInput(Tensor dy, float[] w, int k, Tensor dx) {
        count(dy, k, dx.c);
        inner.backwardInput(dy, w, k, dx);
    }

    @Override public void backwardWeight(Tensor x, Tensor dy, int k, float[] dw, float[] db) {
        count(x, k, dy.c);
        inner.backwardWeight(x, dy, k, dw, db);
    }
}
