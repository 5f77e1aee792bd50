package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

import java.util.List;

/**
 * Per-channel parametric ReLU, PyTorch's {@code nn.PReLU(channels, init)}: x for x > 0, a[c] * x otherwise.
 * The slope {@code <prefix>.weight} (shape [C]) takes no weight decay.
 */
public final class PReLU implements Layer {
    public final int channels;
    public final Param weight;
    private Tensor x, y, dx;
    private double[] partial = new double[0];

    public PReLU(String prefix, int channels, float init) {
        this.channels = channels;
        this.weight = new Param(Names.join(prefix, "weight"), new int[] {channels}, false);
        java.util.Arrays.fill(weight.value, init);
    }

    /** PyTorch's default initial slope. */
    public PReLU(String prefix, int channels) { this(prefix, channels, 0.25f); }

    @Override public Tensor forward(Tensor x, boolean training) {
        checkChannels(x);
        y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
        float[] in = x.data, out = y.data, a = weight.value;
        int c = channels, pixels = x.n * x.h * x.w;
        Chunks.run(pixels, Chunks.count(pixels, 4096 / c + 1), (chunk, p0, p1) -> {
            for (int i = p0 * c, e = p1 * c; i < e; i += c)
                for (int ch = 0; ch < c; ch++) { float v = in[i + ch]; out[i + ch] = v > 0 ? v : a[ch] * v; }
        });
        this.x = x;
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        float[] in = x.data, g = dy.data, out = dx.data, a = weight.value;
        int c = channels, pixels = x.n * x.h * x.w;
        int chunks = Chunks.count(pixels, 4096 / c + 1);
        if (partial.length < chunks * c) partial = new double[Chunks.MAX * c];
        double[] part = partial;
        Chunks.run(pixels, chunks, (chunk, p0, p1) -> {
            int base = chunk * c;
            for (int ch = 0; ch < c; ch++) part[base + ch] = 0;
            for (int i = p0 * c, e = p1 * c; i < e; i += c)
                for (int ch = 0; ch < c; ch++) {
                    float v = in[i + ch], gv = g[i + ch];
                    if (v > 0) out[i + ch] = gv;
                    else { out[i + ch] = a[ch] * gv; part[base + ch] += (double) v * gv; }
                }
        });
        for (int ch = 0; ch < c; ch++) weight.grad[ch] += (float) Chunks.sum(part, chunks, c, ch);
        return dx;
    }

    @Override public List<Param> params() { return List.of(weight); }

    private void checkChannels(Tensor x) {
        if (x.c != channels)
            throw new IllegalArgumentException(weight.name + ": input has " + x.c + " channels, expected " + channels);
    }
}
