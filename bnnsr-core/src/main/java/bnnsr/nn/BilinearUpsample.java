package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

/**
 * Bilinear upsampling by an integer factor, {@code F.interpolate(x, scale_factor=s, mode='bilinear',
 * align_corners=False)} as PyTorch computes it: source coordinate {@code (dst + 0.5) / s - 0.5} in float, clamped
 * at 0 below, the right/bottom neighbour clamped to the last pixel.
 */
public final class BilinearUpsample implements Layer {
    public final int scale;
    private Tensor y, dx;
    private int inH, inW;
    private Taps rows, cols;

    public BilinearUpsample(int scale) {
        if (scale < 1) throw new IllegalArgumentException("upsampling factor must be >= 1, got " + scale);
        this.scale = scale;
    }

    /** For each output index: the two source indices and their weights. */
    record Taps(int[] i0, int[] i1, float[] w0, float[] w1) {
        static Taps of(int in, int s) {
            int out = in * s;
            int[] i0 = new int[out], i1 = new int[out];
            float[] w0 = new float[out], w1 = new float[out];
            float ratio = (float) (1.0 / s);
            for (int d = 0; d < out; d++) {
                float src = ratio * (d + 0.5f) - 0.5f;
                if (src < 0) src = 0;
                int a = (int) src;
                i0[d] = a;
                i1[d] = a < in - 1 ? a + 1 : a;
                w1[d] = src - a;
                w0[d] = 1f - w1[d];
            }
            return new Taps(i0, i1, w0, w1);
        }
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        if (rows == null || inH != x.h || inW != x.w) {
            rows = Taps.of(x.h, scale);
            cols = Taps.of(x.w, scale);
            inH = x.h; inW = x.w;
        }
        y = Tensor.reuse(y, x.n, x.h * scale, x.w * scale, x.c);
        Tensor out = y;
        Taps ry = rows, cx = cols;
        int c = x.c, outRows = out.n * out.h;
        float[] in = x.data, o = out.data;
        Chunks.run(outRows, Chunks.count(outRows, Math.max(1, 8192 / (out.w * c))), (chunk, r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int n = row / out.h, oy = row % out.h;
                int y0 = ry.i0[oy], y1 = ry.i1[oy];
                float wy0 = ry.w0[oy], wy1 = ry.w1[oy];
                for (int ox = 0; ox < out.w; ox++) {
                    int x0 = cx.i0[ox], x1 = cx.i1[ox];
                    float wx0 = cx.w0[ox], wx1 = cx.w1[ox];
                    int a = x.index(n, y0, x0, 0), b = x.index(n, y0, x1, 0);
                    int cc = x.index(n, y1, x0, 0), d = x.index(n, y1, x1, 0), ob = out.index(n, oy, ox, 0);
                    for (int ch = 0; ch < c; ch++)
                        o[ob + ch] = wy0 * (wx0 * in[a + ch] + wx1 * in[b + ch])
                                + wy1 * (wx0 * in[cc + ch] + wx1 * in[d + ch]);
                }
            }
        });
        return y;
    }

    /** Scatters each output gradient to its four taps; images are independent, so the batch is split. */
    @Override public Tensor backward(Tensor dy) {
        dx = Tensor.reuse(dx, dy.n, inH, inW, dy.c);
        Tensor g = dx;
        Taps ry = rows, cx = cols;
        int c = dy.c;
        float[] d = dy.data, o = g.data;
        Chunks.run(dy.n, dy.n, (chunk, n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                java.util.Arrays.fill(o, g.index(n, 0, 0, 0), g.index(n, 0, 0, 0) + inH * inW * c, 0f);
                for (int oy = 0; oy < dy.h; oy++) {
                    int y0 = ry.i0[oy], y1 = ry.i1[oy];
                    float wy0 = ry.w0[oy], wy1 = ry.w1[oy];
                    for (int ox = 0; ox < dy.w; ox++) {
                        int x0 = cx.i0[ox], x1 = cx.i1[ox];
                        float wx0 = cx.w0[ox], wx1 = cx.w1[ox];
                        int gb = dy.index(n, oy, ox, 0);
                        int a = g.index(n, y0, x0, 0), b = g.index(n, y0, x1, 0);
                        int cc = g.index(n, y1, x0, 0), e = g.index(n, y1, x1, 0);
                        for (int ch = 0; ch < c; ch++) {
                            float v = d[gb + ch];
                            o[a + ch] += wy0 * wx0 * v;
                            o[b + ch] += wy0 * wx1 * v;
                            o[cc + ch] += wy1 * wx0 * v;
                            o[e + ch] += wy1 * wx1 * v;
                        }
                    }
                }
            }
        });
        return dx;
    }
}
