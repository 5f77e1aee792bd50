package bnnsr.binarize;

import bnnsr.tensor.Chunks;
import bnnsr.nn.Names;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import bnnsr.tensor.VectorMath;

import java.util.List;

/**
 * BBCU's (ReActNet's) activations: Sign(A + b) with a learnable per-channel bias b ({@code <prefix>.bias}, shape
 * [C], initialised to 0, no weight decay) and Bi-Real Net's ApproxSign gradient
 * d/dv = 2 + 2v on [-1, 0), 2 - 2v on [0, 1), 0 outside, at v = A + b ({@link #approxSignGrad}).
 * The float add A + b is the one rounding before the sign, so a deployment engine folds it into exact per-channel
 * thresholds ({@code Sign(v * 1 + b)}).
 */
public final class RSignActivations implements ActivationBinarizer {
    private final Param bias;
    private final int channels;
    private Tensor x, dx;
    private final double[] biasSums;

    public RSignActivations(String prefix, int channels) {
        this.channels = channels;
        this.biasSums = new double[channels];
        this.bias = new Param(Names.join(prefix, "bias"), new int[] {channels}, false);
    }

    /** The learnable bias b. */
    public Param bias() { return bias; }

    /**
     * Bi-Real Net's ApproxSign derivative: the derivative of the piecewise quadratic
     * -1 (v &lt; -1), v^2 + 2v (-1 &lt;= v &lt; 0), 2v - v^2 (0 &lt;= v &lt; 1), 1 (v &gt;= 1).
     */
    public static float approxSignGrad(float v) {
        if (v < -1f || v >= 1f || Float.isNaN(v)) return 0f;
        return v < 0f ? 2f + 2f * v : 2f - 2f * v;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        if (x.c != channels) throw new IllegalArgumentException(bias.name + ": input has " + x.c + " channels, expected " + channels);
        this.x = x;
        return binarized();
    }

    @Override public Tensor binarized() {
        Tensor out = Scratch.like(Scratch.Slot.BINARIZED, x);
        float[] in = x.data, o = out.data, b = bias.value;
        int c = channels;
        Chunks.range(x.size() / c, (p0, p1) -> {
            for (int i = p0 * c, e = p1 * c; i < e; i += c)
                for (int ch = 0; ch < c; ch++) o[i + ch] = Sign.of(in[i + ch] + b[ch]);
        });
        return out;
    }

    @Override public Tensor backward(Tensor dxb, Tensor dScale) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        float[] in = x.data, g = dxb.data, d = dx.data, b = bias.value;
        int c = channels, pixels = x.size() / c;
        // vectorised: the plain loop's branches in approxSignGrad were 10% of a bbcu-m training step
        Chunks.range(pixels, (p0, p1) -> VectorMath.approxSignBackward(in, b, g, d, c, p0, p1));
        // dL/db[c] = sum over pixels of dL/dv: fixed chunks, so the sum does not depend on the thread count
        Chunks.channelSums(d, pixels, c, biasSums);
        for (int ch = 0; ch < c; ch++) bias.grad[ch] += (float) biasSums[ch];
        return dx;
    }

    @Override public List<Param> params() { return List.of(bias); }

    @Override public boolean binary() { return true; }

    @Override public boolean signs() { return true; }

    /** The learnable bias re-centres its input, so a ReLU in front would not make the sign constant. */
    @Override public boolean needsCenteredInput() { return false; }

    @Override public String kind() { return "rsign"; }
}
