package bnnsr.binarize;

import bnnsr.nn.Param;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BAM weight accumulation: W_n^B = Sign(WS(sum_i a_i W_i)) * E(|W_n|). */
class BamWeightsTest {

    static Param latent(String name, int cout, int cin, int k, float... v) {
        Param p = new Param(name, new int[] {cout, cin, k, k}, true);
        System.arraycopy(v, 0, p.value, 0, v.length);
        return p;
    }

    static float[] forward(WeightBinarizer b) {
        float[] out = new float[b.latent().size()];
        b.forward(out);
        return out;
    }

    // W_1 rows [1, 2, 3], [0, 0, 3]; W_2 rows [-1, 0, 1], [3, 0, 0]   (shape [2, 3, 1, 1])
    static final float[] W1 = {1, 2, 3, 0, 0, 3}, W2 = {-1, 0, 1, 3, 0, 0};

    @Test void forwardByHand() {
        WeightAccumulation g = new WeightAccumulation("body.0.bam", 2, BamOptions.DEFAULT);
        BamWeights b1 = g.join(latent("c1.weight", 2, 3, 1, W1), "c1");
        BamWeights b2 = g.join(latent("c2.weight", 2, 3, 1, W2), "c2");
        assertEquals("body.0.bam.a", g.params().get(0).name);
        assertEquals(List.of("c1.weight_bn.weight", "c1.weight_bn.bias"), b1.params().stream().map(p -> p.name).toList());
        // member 1: V = W_1; row 0 centred [-1, 0, 1] -> signs [-1, +1, +1] (0 -> +1), scale mean|W_1| = 2;
        // row 1 centred [-1, -1, 2] -> [-1, -1, +1], scale 1
        assertArrayEquals(new float[] {-2, 2, 2, -1, -1, 1}, forward(b1), 1e-6f);
        // member 2: V = W_1 + W_2 = [0, 2, 4], [3, 0, 3]; centred [-2, 0, 2] -> [-, +, +], scale mean|W_2 row 0| = 2/3;
        // [1, -2, 1] -> [+, -, +], scale 1
        float t = 2f / 3;
        assertArrayEquals(new float[] {-t, t, t, 1, -1, 1}, forward(b2), 1e-6f);
        // learned a = [1, -3]: V = W_1 - 3 W_2 = [4, 2, 0], [-9, 0, 3]; centred [2, 0, -2] -> [+, +, -];
        // [-7, 2, 5] -> [-, +, +]
        g.params().get(0).value[1] = -3f;
        assertArrayEquals(new float[] {t, t, -t, -1, 1, 1}, forward(b2), 1e-6f);
        // the weight-BN affine: beta = -0.5 on row 0 shifts the threshold past the centred 0 of W_1's row
        b1.params().get(1).value[0] = -0.5f;
        assertArrayEquals(new float[] {-2, -2, 2, -1, -1, 1}, forward(b1), 1e-6f);
    }

    @Test void ablationW2UsesOnlyTheOwnWeights() {
        WeightAccumulation g = new WeightAccumulation("g", 2, BamOptions.parse("w2"));
        Param p1 = latent("c1.weight", 2, 3, 1, W1);
        g.join(p1, "c1");
        BamWeights b2 = g.join(latent("c2.weight", 2, 3, 1, W2), "c2");
        assertTrue(g.params().isEmpty());
        // V = W_2: row 0 [-1, 0, 1] mean 0 -> [-, +, +] * 2/3; row 1 [3, 0, 0] mean 1 -> [+, -, -] * 1
        float t = 2f / 3;
        assertArrayEquals(new float[] {-t, t, t, 1, -1, -1}, forward(b2), 1e-6f);
        b2.backward(new float[] {1, 1, 1, 1, 1, 1});
        assertArrayEquals(new float[6], p1.grad);
    }

    @Test void ablationW1HasNoCoefficients() {
        WeightAccumulation g = new WeightAccumulation("g", 2, BamOptions.parse("w1"));
        assertTrue(g.params().isEmpty());
        assertEquals(1f, g.alpha(1));
    }

    @Test void membersMustShareTheKernelShape() {
        WeightAccumulation g = new WeightAccumulation("g", 2, BamOptions.DEFAULT);
        g.join(latent("a", 2, 3, 1), "a");
        assertThrows(IllegalArgumentException.class, () -> g.join(latent("b", 2, 3, 3), "b"));
    }

    /** A group of three [3, 2, 3, 3] kernels with non-trivial a_i and affine, for the gradient checks. */
    private static BamWeights[] group(WeightAccumulation g) {
        BamWeights[] m = new BamWeights[3];
        for (int i = 0; i < 3; i++) {
            m[i] = g.join(latent("c" + i + ".weight", 3, 2, 3, Fd.random(54, 20 + i, -0.3, 0.3)), "c" + i);
            Param gamma = m[i].params().get(0), beta = m[i].params().get(1);
            System.arraycopy(Fd.random(3, 30 + i, 0.5, 1.5), 0, gamma.value, 0, 3);
            System.arraycopy(Fd.random(3, 40 + i, -0.2, 0.2), 0, beta.value, 0, 3);
        }
        System.arraycopy(new float[] {1.2f, 0.8f, -0.5f}, 0, g.params().get(0).value, 0, 3);
        return m;
    }

    private static void zeroGrads(WeightAccumulation g, BamWeights[] m) {
        for (Param p : g.params()) p.zeroGrad();
        for (BamWeights b : m) { b.latent().zeroGrad(); for (Param p : b.params()) p.zeroGrad(); }
    }

    /**
     * With the Sign replaced by the identity (the primitive of the unclipped STE) the backward is the exact
     * gradient of the forward: finite differences check the accumulation, the standardisation with its affine,
     * the scale E(|W_n|) and the a_i, for every member's loss and every latent tensor of the group.
     */
    @Test void surrogateGradientMatchesFiniteDifferencesForTheWholeGroup() {
        WeightAccumulation g = new WeightAccumulation("g", 3, BamOptions.DEFAULT);
        BamWeights[] m = group(g);
        g.smoothSurrogate(true);
        for (int n = 0; n < 3; n++) {
            BamWeights b = m[n];
            float[] r = Fd.random(54, 50 + n, -1, 1);
            zeroGrads(g, m);
            forward(b);
            b.backward(r);
            java.util.function.DoubleSupplier loss = () -> Fd.dot(forward(b), r);
            for (int i = 0; i < 3; i++) {
                double[] num = Fd.all(m[i].latent().value, 1e-3, loss);
                Fd.assertClose(num, m[i].latent().grad, 2e-4, 2e-3, "member " + n + " dW_" + i);
                if (i > n) assertArrayEquals(new float[54], m[i].latent().grad, "later members get nothing");
            }
            Fd.assertClose(Fd.all(g.params().get(0).value, 1e-3, loss), g.params().get(0).grad, 2e-4, 2e-3, "member " + n + " da");
            for (Param p : b.params()) Fd.assertClose(Fd.all(p.value, 1e-3, loss), p.grad, 2e-4, 2e-3, "member " + n + " " + p.name);
        }
    }

    /**
     * With the real Sign: W_i (i < n) gets a_i dV (STE), W_n gets a_n dV plus the scale's gradient, which is the
     * true derivative away from sign boundaries. So dW_n - (a_n / a_i) dW_i must equal finite differences of the
     * real forward.
     */
    @Test void signModeScaleGradientMatchesFiniteDifferences() {
        WeightAccumulation g = new WeightAccumulation("g", 3, BamOptions.DEFAULT);
        BamWeights[] m = group(g);
        BamWeights b = m[2];
        float[] r = Fd.random(54, 60, -1, 1);
        zeroGrads(g, m);
        forward(b);
        float[] signs = b.standardized();
        b.backward(r);
        float[] a = g.params().get(0).value;
        double[] num = Fd.all(b.latent().value, 1e-4, () -> Fd.dot(forward(b), r));
        for (int j = 0; j < 54; j++) {
            float expected = b.latent().grad[j] - a[2] / a[0] * m[0].latent().grad[j];
            assertEquals(num[j], expected, 1e-3 * (1 + Math.abs(num[j])), "element " + j);
            assertNotEquals(0f, m[0].latent().grad[j] + m[1].latent().grad[j], "earlier members get STE gradient");
        }
        // signs did not move under the steps (values were away from the boundaries)
        forward(b);
        for (int j = 0; j < 54; j++) assertEquals(Math.signum(signs[j]), Math.signum(b.standardized()[j]));
    }
}
