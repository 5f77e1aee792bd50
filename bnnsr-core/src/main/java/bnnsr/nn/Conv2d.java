package bnnsr.nn;

import bnnsr.tensor.ConvOps;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * 2-D convolution, stride 1, zero padding k / 2 (odd k), optional bias: PyTorch's {@code nn.Conv2d(cin, cout, k,
 * 1, k // 2)}. The weight {@code <prefix>.weight} is stored OIHW like PyTorch; the kernels want HWIO, so the
 * transform is refreshed into a cached buffer at every forward (the optimizer may have changed the weight) and the
 * HWIO weight gradient is transformed back and accumulated into {@link Param#grad}.
 */
public final class Conv2d implements Layer {
    public final int cin, cout, k;
    public final Param weight;
    /** Null when the layer has no bias. */
    public final Param bias;

    private final float[] wHwio, dwHwio, db;
    private Tensor x, y, dx;

    public Conv2d(String prefix, int cin, int cout, int k, boolean bias) {
        if (k < 1 || k % 2 == 0) throw new IllegalArgumentException("conv kernel size must be odd, got " + k);
        if (cin < 1 || cout < 1) throw new IllegalArgumentException("bad conv channels " + cin + " -> " + cout);
        this.cin = cin; this.cout = cout; this.k = k;
        this.weight = new Param(Names.join(prefix, "weight"), new int[] {cout, cin, k, k}, true);
        this.bias = bias ? new Param(Names.join(prefix, "bias"), new int[] {cout}, false) : null;
        this.wHwio = new float[weight.size()];
        this.dwHwio = new float[weight.size()];
        this.db = bias ? new float[cout] : null;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        if (x.c != cin)
            throw new IllegalArgumentException(weight.name + ": input has " + x.c + " channels, expected " + cin);
        oihwToHwio(weight.value, wHwio, cout, cin, k);
        y = Tensor.reuse(y, x.n, x.h, x.w, cout);
        ConvOps.get().forward(x, wHwio, bias == null ? null : bias.value, k, y);
        this.x = x;
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        if (x == null || !dy.sameShape(y))
            throw new IllegalStateException(weight.name + ": backward " + dy.shape() + " without matching forward");
        ConvOps ops = ConvOps.get();
        dx = Tensor.reuse(dx, x.n, x.h, x.w, cin);
        ops.backwardInput(dy, wHwio, k, dx);
        ops.backwardWeight(x, dy, k, dwHwio, db);
        accumulateHwioAsOihw(dwHwio, weight.grad, cout, cin, k);
        if (bias != null) for (int o = 0; o < cout; o++) bias.grad[o] += db[o];
        return dx;
    }

    @Override public List<Param> params() {
        List<Param> ps = new ArrayList<>(2);
        ps.add(weight);
        if (bias != null) ps.add(bias);
        return ps;
    }

    /** OIHW {@code [o][i][ky][kx]} -> HWIO {@code [ky][kx][i][o]}. */
    public static void oihwToHwio(float[] oihw, float[] hwio, int cout, int cin, int k) {
        int kk = k * k;
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++) {
                int src = (o * cin + i) * kk;
                for (int t = 0; t < kk; t++) hwio[(t * cin + i) * cout + o] = oihw[src + t];
            }
    }

    /** {@code oihw += hwio} with the layout change. */
    static void accumulateHwioAsOihw(float[] hwio, float[] oihw, int cout, int cin, int k) {
        int kk = k * k;
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++) {
                int dst = (o * cin + i) * kk;
                for (int t = 0; t < kk; t++) oihw[dst + t] += hwio[(t * cin + i) * cout + o];
            }
    }
}
