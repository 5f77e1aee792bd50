package bnnsr.binarize;

import bnnsr.nn.GradCheck;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryConv2dTest {

    /** Naive zero-padded 3x3 conv of one channel, written out independently of the kernels. */
    static float[] conv3x3(float[][] x, float[][] w) {
        int h = x.length, wd = x[0].length;
        float[] y = new float[h * wd];
        for (int i = 0; i < h; i++)
            for (int j = 0; j < wd; j++) {
                float s = 0;
                for (int di = -1; di <= 1; di++)
                    for (int dj = -1; dj <= 1; dj++) {
                        int a = i + di, b = j + dj;
                        float v = a < 0 || a >= h || b < 0 || b >= wd ? 0f : x[a][b];   // zero padding
                        s += v * w[di + 1][dj + 1];
                    }
                y[i * wd + j] = s;
            }
        return y;
    }

    @Test void bnnConvSignsAndZeroPaddingByHand() {
        BinaryConv2d c = Binarization.parse("bnn").conv("c", 1, 1, 3, false, new Random(1), null, null);
        float[] w = {0.1f, -0.2f, 0.3f, -0.4f, 0.5f, -0.6f, 0.7f, -0.8f, 0.9f};
        System.arraycopy(w, 0, c.weight().value, 0, 9);
        Tensor x = new Tensor(1, 3, 3, 1, new float[] {1, -1, 2, 0, -3, 1, 1, 1, -1});
        Tensor y = c.forward(x, true);
        // signs: x -> [[1,-1,1],[1,-1,1],[1,1,-1]] (0 -> +1), W -> [[1,-1,1],[-1,1,-1],[1,-1,1]].
        // centre: 3 - 3 - 1 = -1. Corner (0,0) sees 4 taps: x(0,0)w(1,1) + x(0,1)w(1,2) + x(1,0)w(2,1) + x(1,1)w(2,2)
        // = 1 + 1 - 1 - 1 = 0 (a padded tap adds 0, not +-1).
        assertEquals(-1f, y.get(0, 1, 1, 0));
        assertEquals(0f, y.get(0, 0, 0, 0));
        float[][] xs = {{1, -1, 1}, {1, -1, 1}, {1, 1, -1}}, ws = {{1, -1, 1}, {-1, 1, -1}, {1, -1, 1}};
        assertArrayEquals(conv3x3(xs, ws), java.util.Arrays.copyOf(y.data, 9));
        assertEquals("zero", BinaryConv2d.PADDING);
    }

    @Test void multiChannelBnnConvMatchesNaiveSignConv() {
        BinaryConv2d c = Binarization.parse("bnn").conv("c", 3, 2, 3, true, new Random(2), null, null);
        Tensor x = GradCheck.random(2, 4, 5, 3, 3);
        Tensor y = c.forward(x, true);
        float[] w = c.weight().value;
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 5; j++)
                    for (int o = 0; o < 2; o++) {
                        double s = c.bias().value[o];
                        for (int ci = 0; ci < 3; ci++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++) {
                                    int a = i + ky - 1, b = j + kx - 1;
                                    if (a < 0 || a >= 4 || b < 0 || b >= 5) continue;
                                    s += Sign.of(x.get(n, a, b, ci)) * Sign.of(w[((o * 3 + ci) * 3 + ky) * 3 + kx]);
                                }
                        assertEquals(s, y.get(n, i, j, o), 1e-5);
                    }
    }

    /** Latent weights pass through unchanged: isolates the conv's own plumbing for finite differences. */
    static final class IdentityWeights implements WeightBinarizer {
        private final Param latent;
        IdentityWeights(Param latent) { this.latent = latent; }
        @Override public void forward(float[] out) { System.arraycopy(latent.value, 0, out, 0, out.length); }
        @Override public void backward(float[] g) { for (int i = 0; i < g.length; i++) latent.grad[i] += g[i]; }
        @Override public Param latent() { return latent; }
        @Override public String kind() { return "identity"; }
    }

    /** x passes unchanged; output scale K = 1 + mean_c x^2: a smooth stand-in for XNOR's map. */
    static final class ScaledIdentity implements ActivationBinarizer {
        private Tensor x, k, dx;
        @Override public Tensor forward(Tensor x, boolean training) {
            this.x = x;
            k = Tensor.reuse(k, x.n, x.h, x.w, 1);
            for (int p = 0; p < k.size(); p++) {
                double s = 0;
                for (int c = 0; c < x.c; c++) s += x.data[p * x.c + c] * x.data[p * x.c + c];
                k.data[p] = (float) (1 + s / x.c);
            }
            return x;
        }
        @Override public Tensor binarized() { return x; }
        @Override public Tensor outputScale() { return k; }
        @Override public Tensor backward(Tensor dxb, Tensor dScale) {
            dx = Tensor.reuse(dx, x.n, x.h, x.w, x.c);
            for (int i = 0; i < x.size(); i++) dx.data[i] = dxb.data[i] + dScale.data[i / x.c] * 2 * x.data[i] / x.c;
            return dx;
        }
        @Override public boolean binary() { return false; }
        @Override public boolean needsCenteredInput() { return false; }
        @Override public String kind() { return "test"; }
    }

    @Test void convPlumbingGradientsMatchFiniteDifferences() {
        BinaryConv2d plain = new BinaryConv2d("c", 3, 4, 3, true, new Random(4), IdentityWeights::new, new FpActivations());
        GradCheck.of(plain, true).run(GradCheck.random(2, 5, 4, 3, 5));
        BinaryConv2d scaled = new BinaryConv2d("c", 3, 4, 3, true, new Random(6), IdentityWeights::new, new ScaledIdentity());
        GradCheck.of(scaled, true).run(GradCheck.random(2, 4, 5, 3, 7));
        BinaryConv2d oneByOne = new BinaryConv2d("c", 3, 2, 1, false, new Random(8), IdentityWeights::new, new ScaledIdentity());
        GradCheck.of(oneByOne, true).run(GradCheck.random(1, 3, 3, 3, 9));
    }

    @Test void xnorConvOutputIsScaledByTheMap() {
        BinaryConv2d x1 = Binarization.parse("xnor").conv("c", 2, 2, 3, true, new Random(10), null, null);
        Tensor x = GradCheck.random(1, 4, 4, 2, 11);
        Tensor y = x1.forward(x, true).copy();
        Tensor k = x1.activationBinarizer().outputScale();
        // the same conv through BNN-like signs but with XNOR's weights, then times K, plus bias
        float[] wEff = x1.effectiveWeights();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                for (int o = 0; o < 2; o++) {
                    double s = 0;
                    for (int ci = 0; ci < 2; ci++)
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++) {
                                int a = i + ky - 1, b = j + kx - 1;
                                if (a < 0 || a >= 4 || b < 0 || b >= 4) continue;
                                s += Sign.of(x.get(0, a, b, ci)) * wEff[((o * 2 + ci) * 3 + ky) * 3 + kx];
                            }
                    assertEquals(s * k.get(0, i, j, 0) + x1.bias().value[o], y.get(0, i, j, o), 1e-5);
                }
    }

    @Test void parameterNamesAreFlatAndPytorchStyle() {
        Random r = new Random(1);
        assertEquals(List.of("m.weight", "m.bias", "m.gain"), names(Binarization.parse("ma").conv("m", 2, 2, 3, true, r, null, null)));
        assertEquals(List.of("a.weight", "a.act_shift", "a.act_scale"), names(Binarization.parse("abc").conv("a", 2, 2, 3, false, r, null, null)));
        BinaryGroup g = Binarization.parse("bam").group("body.0.bam", 2);
        BinaryConv2d c1 = g.conv("body.0.conv1", 2, 2, 3, true, r);
        assertEquals(List.of("body.0.conv1.weight", "body.0.conv1.bias", "body.0.conv1.weight_bn.weight",
                "body.0.conv1.weight_bn.bias", "body.0.conv1.act_bn.weight", "body.0.conv1.act_bn.bias"), names(c1));
        assertEquals(List.of("body.0.conv1.act_bn.running_mean", "body.0.conv1.act_bn.running_var",
                "body.0.conv1.act_bn.num_batches_tracked"), c1.buffers().stream().map(p -> p.name).toList());
        g.conv("body.0.conv2", 2, 2, 3, true, r);
        assertEquals(List.of("body.0.bam.a", "body.0.bam.s"), g.params().stream().map(p -> p.name).toList());
    }

    static List<String> names(BinaryConv2d c) { return c.params().stream().map(p -> p.name).toList(); }

    /**
     * The forward rounds like the packed engine: the exact integer sign conv (zero padding), then one float multiply
     * by the channel's scale and one float add of the bias, bit for bit.
     */
    @Test void forwardIsExactSignConvTimesChannelScalePlusBias() {
        for (String spec : new String[] {"bnn", "bam", "dorefa"}) {
            Binarization b = Binarization.parse(spec);
            BinaryGroup g = b.group("g", 1);
            BinaryConv2d c = g.conv("c", 5, 4, 3, true, new Random(7));
            Tensor x = GradCheck.random(1, 6, 7, 5, 8);
            Tensor y = c.forward(x, true).copy();
            Tensor xb = c.binarizedInput().copy();
            float[] signs = new float[4 * 5 * 9], scales = new float[4];
            assertTrue(c.binaryWeights(signs, scales), spec);
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 7; j++)
                    for (int o = 0; o < 4; o++) {
                        long exact = 0;
                        for (int ci = 0; ci < 5; ci++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++) {
                                    int a = i + ky - 1, bb = j + kx - 1;
                                    if (a < 0 || a >= 6 || bb < 0 || bb >= 7) continue;
                                    exact += (long) xb.get(0, a, bb, ci) * (long) signs[((o * 5 + ci) * 3 + ky) * 3 + kx];
                                }
                        assertEquals((float) exact * scales[o] + c.bias().value[o], y.get(0, i, j, o), 0f, spec);
                    }
        }
    }
}
