package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

/**
 * Nearest-neighbour upsampling by an integer factor r (PyTorch's {@code F.interpolate(x, scale_factor=r,
 * mode='nearest')}): output pixel (y, x) copies input pixel (y / r, x / r). Backward sums each r x r block.
 */
public final class NearestUpsample implements Layer {
    public final int r;
    private Tensor y, dx;

    public NearestUpsample(int r) {
        if (r < 1) throw new IllegalArgumentException("nearest upsampling factor must be >= 1, got " + r);
        this.r = r;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        y = Tensor.reuse(y, x.n, x.h * r, x.w * r, x.c);
        float[] in = x.data, out = y.data;
        int c = x.c, rows = y.n * y.h;
        Chunks.run(rows, Chunks.count(rows, Math.max(1, 8192 / (y.w * c))), (chunk, r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int n = row / y.h, yy = row % y.h;
                for (int xx = 0; xx < y.w; xx++)
                    System.arraycopy(in, x.index(n, yy / r, xx / r, 0), out, y.index(n, yy, xx, 0), c);
            }
        });
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        dx = Tensor.reuse(dx, dy.n, dy.h / r, dy.w / r, dy.c);
        float[] g = dy.data, out = dx.data;
        int c = dy.c, rows = dx.n * dx.h;
        Chunks.run(rows, Chunks.count(rows, Math.max(1, 8192 / (dx.w * c * r * r))), (chunk, r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int n = row / dx.h, yy = row % dx.h;
                for (int xx = 0; xx < dx.w; xx++) {
                    int o = dx.index(n, yy, xx, 0);
                    for (int ch = 0; ch < c; ch++) {
                        float s = 0;
                        for (int i = 0; i < r; i++)
                            for (int j = 0; j < r; j++) s += g[dy.index(n, yy * r + i, xx * r + j, ch)];
                        out[o + ch] = s;
                    }
                }
            }
        });
        return dx;
    }
}
