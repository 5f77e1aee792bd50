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
        Chunks.run(pixels, Chunks.count(pixels, 4096 / c + 1), (chunk, p0, p1) -> {
            for (int i = p0 * c, e = p1 * c; i < e; i += c)
                for (int ch = 0; ch < c; ch++) {
                    float t = in[i + ch] + s1[ch];
                    out[i + ch] = (t > 0 ? t : a[ch] * t) + s2[ch];
                }
        });
    }

    @Override public Tensor backward(Tensor dy) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        float[] in = x.data, g = dy.data, out = dx.data, s1 = shift1.value, a = slope.value;
        int c = channels, pixels = x.n * x.h * x.w, chunks = Chunks.count(pixels, 4096 / c + 1);
        // per chunk: [d s1 | d a | d s2] partial sums, reduced in chunk order (thread-count independent)
        if (partial.length < chunks * 3 * c) partial = new double[Chunks.MAX * 3 * c];
        double[] part = partial;
        Chunks.run(pixels, chunks, (chunk, p0, p1) -> {
            int base = chunk * 3 * c;
            java.util.Arrays.fill(part, base, base + 3 * c, 0);
            for (int i = p0 * c, e = p1 * c; i < e; i += c)
                for (int ch = 0; ch < c; ch++) {
                    float t = in[i + ch] + s1[ch], gv = g[i + ch];
                    float gt = t > 0 ? gv : a[ch] * gv;
                    if (!(t > 0)) part[base + c + ch] += (double) t * gv;
                    part[base + ch] += gt;
                    part[base + 2 * c + ch] += gv;
                    out[i + ch] = gt;
                }
        });
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
