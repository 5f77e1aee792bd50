package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

import java.util.List;

/**
 * ReActNet's RPReLU, per channel c: y = PReLU_a(x + s1[c]) + s2[c], PReLU as PyTorch's (t for t &gt; 0, a[c] * t
 * otherwise), each step one float operation in this order (a deployment engine repeats them bit for bit).
 * Tensors: {@code <prefix>.move1.bias} (s1), {@code <prefix>.prelu.weight} (a, initially 0.25),
 * {@code <prefix>.move2.bias} (s2), all [C], no weight decay: ReActNet's module names.
 */
public final class RPReLU implements Layer {
    public final int channels;
    public final Param shift1, slope, shift2;
    private Tensor x, y, dx;
    private double[] partial = new double[0];
    private float[] scratch = new float[0];

    public RPReLU(String prefix, int channels) {
        this.channels = channels;
        shift1 = new Param(Names.join(prefix, "move1.bias"), new int[] {channels}, false);
        slope = new Param(Names.join(prefix, "prelu.weight"), new int[] {channels}, false);
        shift2 = new Param(Names.join(prefix, "move2.bias"), new int[] {channels}, false);
        java.util.Arrays.fill(slope.value, 0.25f);
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        if (x.c != channels) throw new IllegalArgumentException(slope.name + ": input has " + x.c + " channels, expected " + channels);
        y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
        apply(x, y);
        this.x = x;
        return y;
    }

    /** y = RPReLU(x) with these parameters' current values, without keeping anything for a backward. */
    public void apply(Tensor x, Tensor y) {
        float[] in = x.data, out = y.data, s1 = shift1.value, a = slope.value, s2 = shift2.value;
        int c = channels, pixels = x.n * x.h * x.w;
        // vectorised over channels (the plain loop's data-dependent branch was 11% of a bbcu-m training step)
        Chunks.run(pixels, Chunks.count(pixels, 4096 / c + 1), (chunk, p0, p1) -> ChannelKernels.rprelu(in, out, c, p0, p1, s1, a, s2));
    }

    @Override public Tensor backward(Tensor dy) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        float[] in = x.data, g = dy.data, out = dx.data, s1 = shift1.value, a = slope.value;
        int c = channels, pixels = x.n * x.h * x.w, chunks = Chunks.count(pixels, 4096 / c + 1);
        // per chunk: [d s1 | d a | d s2] partial sums, reduced in chunk order (thread-count independent)
        if (partial.length < chunks * 3 * c) partial = new double[Chunks.MAX * 3 * c];
        double[] part = partial;
        if (scratch.length < chunks * 3 * c) scratch = new float[Chunks.MAX * 3 * c];
        float[] acc = scratch;
        Chunks.run(pixels, chunks, (chunk, p0, p1) ->
                ChannelKernels.rpreluBackward(in, g, out, c, p0, p1, s1, a, acc, part, chunk * 3 * c));
        for (int ch = 0; ch < c; ch++) {
            shift1.grad[ch] += (float) Chunks.sum(part, chunks, 3 * c, ch);
            slope.grad[ch] += (float) Chunks.sum(part, chunks, 3 * c, c + ch);
            shift2.grad[ch] += (float) Chunks.sum(part, chunks, 3 * c, 2 * c + ch);
        }
        return dx;
    }

    /** In PyTorch's registration order: move1, prelu, move2. */
    @Override public List<Param> params() { return List.of(shift1, slope, shift2); }
}
