package bnnsr.binarize;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

/**
 * XNOR-Net activations: the conv sees Sign(A), and its output is multiplied per pixel by
 * K = (mean over channels of |A|) box-filtered with the conv's k x k window (each tap weight 1/k^2, zero padding,
 * as XNOR-Net's K = A * k with k_ij = 1/(w h)). So conv(A, W) ~ (conv(Sign(A), Sign(W)) * alpha) (.) K.
 * Gradient: clipped STE through the sign (|A| <= 1), exact through K.
 */
public final class XnorActivations implements ActivationBinarizer {
    private final int k;
    private Tensor x, mean, scale, dx, dMean;

    public XnorActivations(int k) { this.k = k; }

    @Override public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        mean = Tensor.reuse(mean, x.n, x.h, x.w, 1);
        scale = Tensor.reuse(scale, x.n, x.h, x.w, 1);
        int c = x.c;
        float[] in = x.data, m = mean.data;
        Chunks.range(x.n * x.h * x.w, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                double s = 0;
                for (int j = p * c, end = j + c; j < end; j++) s += Math.abs(in[j]);
                m[p] = (float) (s / c);
            }
        });
        boxAverage(mean, k, scale);
        return binarized();
    }

    @Override public Tensor binarized() { return SignActivations.signs(x); }

    @Override public Tensor outputScale() { return scale; }

    @Override public Tensor backward(Tensor dxb, Tensor dScale) {
        dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
        dMean = Tensor.reuse(dMean, x.n, x.h, x.w, 1);
        boxAverage(dScale, k, dMean);   // the zero-padded box average is its own transpose
        int c = x.c;
        float[] in = x.data, g = dxb.data, d = dx.data, dm = dMean.data;
        Chunks.range(x.n * x.h * x.w, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                float f = dm[p] / c;
                for (int j = p * c, end = j + c; j < end; j++) d[j] = Sign.clippedSte(in[j], g[j]) + f * Sign.absGrad(in[j]);
            }
        });
        return dx;
    }

    /** out = sum over the k x k window (zero padding) of in, divided by k^2; in and out are [n,h,w,1]. */
    static void boxAverage(Tensor in, int k, Tensor out) {
        int p = k / 2;
        float norm = 1f / (k * k);
        for (int n = 0; n < in.n; n++)
            for (int y = 0; y < in.h; y++)
                for (int x = 0; x < in.w; x++) {
                    double s = 0;
                    for (int dy = -p; dy <= p; dy++) {
                        int yy = y + dy;
                        if (yy < 0 || yy >= in.h) continue;
                        for (int dxx = -p; dxx <= p; dxx++) {
                            int xx = x + dxx;
                            if (xx >= 0 && xx < in.w) s += in.data[(n * in.h + yy) * in.w + xx];
                        }
                    }
                    out.data[(n * in.h + y) * in.w + x] = (float) (s * norm);
                }
    }

    @Override public boolean binary() { return true; }

    @Override public boolean signs() { return true; }

    @Override public boolean needsCenteredInput() { return true; }

    @Override public String kind() { return "xnor"; }
}
