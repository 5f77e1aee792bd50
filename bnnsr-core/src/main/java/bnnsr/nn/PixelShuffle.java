package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

/**
 * PyTorch's {@code nn.PixelShuffle(r)} on NHWC tensors: [n, h, w, C*r*r] -> [n, h*r, w*r, C]. As in PyTorch's NCHW
 * definition, output channel c at sub-pixel offset (i, j) comes from input channel {@code c*r*r + i*r + j}, so the
 * weights of a PyTorch upsampling conv work unchanged.
 */
public final class PixelShuffle implements Layer {
    public final int r;
    private Tensor y, dx;
    private int inC;

    public PixelShuffle(int r) {
        if (r < 1) throw new IllegalArgumentException("pixel shuffle factor must be >= 1, got " + r);
        this.r = r;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        int rr = r * r;
        if (x.c % rr != 0)
            throw new IllegalArgumentException("pixel shuffle x" + r + ": " + x.c + " channels not divisible by " + rr);
        int c = x.c / rr;
        y = Tensor.reuse(y, x.n, x.h * r, x.w * r, c);
        inC = x.c;
        shuffle(x, y, r, true);
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        dx = Tensor.reuse(dx, dy.n, dy.h / r, dy.w / r, inC);
        shuffle(dx, dy, r, false);
        return dx;
    }

    /**
     * Copies between the low-resolution tensor {@code lo} and the shuffled {@code hi} (x{@code r}), in the given
     * direction (the engine shuffles into buffers of its own with it).
     */
    public static void shuffle(Tensor lo, Tensor hi, int r, boolean toHi) {
        int rr = r * r, c = hi.c, rows = lo.n * lo.h;
        float[] l = lo.data, h = hi.data;
        Chunks.run(rows, Chunks.count(rows, Math.max(1, 8192 / (lo.w * lo.c))), (chunk, r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int n = row / lo.h, yy = row % lo.h;
                for (int xx = 0; xx < lo.w; xx++) {
                    int lb = lo.index(n, yy, xx, 0);
                    for (int i = 0; i < r; i++)
                        for (int j = 0; j < r; j++) {
                            int hb = hi.index(n, yy * r + i, xx * r + j, 0), off = lb + i * r + j;
                            if (toHi) for (int ch = 0; ch < c; ch++) h[hb + ch] = l[off + ch * rr];
                            else for (int ch = 0; ch < c; ch++) l[off + ch * rr] = h[hb + ch];
                        }
                }
            }
        });
    }
}
