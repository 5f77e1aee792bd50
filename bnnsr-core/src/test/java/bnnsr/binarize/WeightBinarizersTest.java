package bnnsr.binarize;

import bnnsr.nn.Param;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Forward values on hand-made weights (expected values worked out in the comments), the STE gradients, and finite
 * differences of the differentiable parts: away from sign boundaries the true forward's derivative is exactly
 * the non-STE part of each binarizer's gradient.
 */
class WeightBinarizersTest {

    static Param weights(int cout, int cin, int k, float... v) {
        Param p = new Param("conv.weight", new int[] {cout, cin, k, k}, true);
        System.arraycopy(v, 0, p.value, 0, v.length);
        return p;
    }

    static float[] forward(WeightBinarizer b) {
        float[] out = new float[b.latent().size()];
        b.forward(out);
        return out;
    }

    /** sum(g * forward(W)): the loss whose gradient backward(g) estimates. */
    static double loss(WeightBinarizer b, float[] g) { return Fd.dot(forward(b), g); }

    @Test void bnnSignWeights() {
        Param w = weights(1, 4, 1, 0.5f, -0.2f, 0f, -0.0001f);
        SignWeights b = new SignWeights(w);
        assertArrayEquals(new float[] {1, -1, 1, -1}, forward(b));   // Sign(0) = +1
        java.util.Arrays.fill(w.grad, 1f);
        b.backward(new float[] {1, 2, 3, 4});
        assertArrayEquals(new float[] {2, 3, 4, 5}, w.grad);          // unclipped STE, accumulated
    }

    @Test void xnorPerChannelScaleAndItsGradient() {
        // row 0 = [0.5, -1.5]: mean|W| = 1.0; row 1 = [0.2, 0.4]: mean|W| = 0.3
        Param w = weights(2, 2, 1, 0.5f, -1.5f, 0.2f, 0.4f);
        ScaledSignWeights b = ScaledSignWeights.xnor(w);
        assertArrayEquals(new float[] {1f, -1f, 0.3f, 0.3f}, forward(b), 1e-7f);
        // g = [1, 2 | 3, -1]. Row 0: alpha 1, sum g Sign(W) = 1 - 2 = -1, /N = -0.5: [1 - 0.5, 2 + 0.5].
        // Row 1: alpha 0.3, sum g Sign(W) = 3 - 1 = 2, /N = 1: [0.9 + 1, -0.3 + 1].
        b.backward(new float[] {1, 2, 3, -1});
        assertArrayEquals(new float[] {0.5f, 2.5f, 1.9f, 0.7f}, w.grad, 1e-6f);
    }

    @Test void dorefaPerLayerScaleStraightThrough() {
        // mean |W| over the layer = (0.5 + 1.5 + 0.2 + 0.4) / 4 = 0.65
        Param w = weights(2, 2, 1, 0.5f, -1.5f, 0.2f, 0.4f);
        ScaledSignWeights b = ScaledSignWeights.dorefa(w);
        assertArrayEquals(new float[] {0.65f, -0.65f, 0.65f, 0.65f}, forward(b), 1e-7f);
        b.backward(new float[] {1, 2, 3, -1});
        assertArrayEquals(new float[] {1, 2, 3, -1}, w.grad);
    }

    @Test void maGainPerFilter() {
        Param w = weights(2, 2, 1, 0.5f, -1.5f, 0.2f, 0.4f);
        GainWeights b = new GainWeights(w, "conv");
        assertEquals("conv.gain", b.gain().name);
        assertArrayEquals(new float[] {1f, 0.3f}, b.gain().value, 1e-7f);   // initialised to mean |W| per filter
        b.gain().value[0] = 2f;
        b.gain().value[1] = -1f;
        assertArrayEquals(new float[] {2, -2, -1, -1}, forward(b));
        b.backward(new float[] {1, 2, 3, -1});
        assertArrayEquals(new float[] {2, 4, -3, 1}, w.grad);                   // gain * g
        assertArrayEquals(new float[] {1 - 2, 3 - 1}, b.gain().grad);           // sum g Sign(W)
    }

    @Test void maGainGradientMatchesFiniteDifferences() {
        Param w = weights(3, 2, 3, Fd.awayFromZero(Fd.random(54, 3, -1, 1), 0.05f));
        GainWeights b = new GainWeights(w, "conv");
        float[] g = Fd.random(54, 4, -1, 1);
        b.backward(g);
        double[] numeric = Fd.all(b.gain().value, 1e-2, () -> loss(b, g));
        Fd.assertClose(numeric, b.gain().grad, 1e-5, 1e-4, "gain");
    }

    @Test void abcBasesAndLeastSquaresCoefficients() {
        // W = [-2, -1, 1, 4]: mean 0.5, std sqrt(21/4) = 2.29. Bases (u = -1, 0, 1):
        // Sign(W - 2.79) = [-,-,-,+], Sign(W - 0.5) = [-,-,+,+], Sign(W + 1.79) = [-,+,+,+].
        // Gram = [[4,2,0],[2,4,2],[0,2,4]], B^T W = [6, 8, 6] -> alpha = [1, 1, 1]; fit = [-3, -1, 1, 3]
        // (residual [1, 0, 0, 1] is orthogonal to all three bases).
        Param w = weights(1, 4, 1, -2f, -1f, 1f, 4f);
        AbcWeights b = new AbcWeights(w);
        float[] out = forward(b);
        assertArrayEquals(new float[] {-1, -1, -1, 1}, b.base(0));
        assertArrayEquals(new float[] {-1, -1, 1, 1}, b.base(1));
        assertArrayEquals(new float[] {-1, 1, 1, 1}, b.base(2));
        assertArrayEquals(new double[] {1, 1, 1}, b.alphas()[0], 1e-4);
        assertArrayEquals(new float[] {-3, -1, 1, 3}, out, 1e-4f);
        assertEquals(3, b.bases());
        // g = [1, 0, 0, 0]: STE part (sum alpha) g = [3, 0, 0, 0]; h = B^T g = [-1, -1, -1], q = G^-1 h =
        // [-0.25, 0, -0.25], sum q_m B_m = [0.5, 0, 0, -0.5]. Total [3.5, 0, 0, -0.5].
        b.backward(new float[] {1, 0, 0, 0});
        assertArrayEquals(new float[] {3.5f, 0, 0, -0.5f}, w.grad, 1e-4f);
    }

    @Test void abcCoefficientGradientMatchesFiniteDifferences() {
        for (boolean perChannel : new boolean[] {false, true}) {
            Param w = weights(4, 3, 3, Fd.random(108, 5, -1, 1));
            AbcWeights b = new AbcWeights(w, perChannel, AbcWeights.DEFAULT_SHIFTS);
            float[] g = Fd.random(108, 6, -1, 1);
            forward(b);
            float[][] bases = {b.base(0), b.base(1), b.base(2)};
            double alphaSum = 0;
            for (double a : b.alphas()[0]) alphaSum += a;
            b.backward(g);
            // finite differences see the least-squares part only (the bases are piecewise constant)
            for (int j = 0; j < 108; j++) {
                double numeric = Fd.at(w.value, j, 1e-4, () -> loss(b, g));
                forward(b);
                boolean basesMoved = false;
                for (int m = 0; m < 3; m++) {
                    float[] up = b.base(m);
                    basesMoved |= !java.util.Arrays.equals(up, bases[m]);
                }
                if (basesMoved) continue;   // a boundary within the step: skip
                double ste = perChannel ? b.alphas()[j / 27][0] + b.alphas()[j / 27][1] + b.alphas()[j / 27][2] : alphaSum;
                assertEquals(numeric, w.grad[j] - ste * g[j], 2e-3 * (1 + Math.abs(numeric)), "element " + j);
            }
        }
    }

    @Test void xnorScaleGradientMatchesFiniteDifferences() {
        Param w = weights(3, 2, 3, Fd.awayFromZero(Fd.random(54, 7, -1, 1), 0.05f));
        ScaledSignWeights b = ScaledSignWeights.xnor(w);
        float[] g = Fd.random(54, 8, -1, 1);
        forward(b);
        float[] alpha = b.scales();
        b.backward(g);
        double[] numeric = Fd.all(w.value, 1e-3, () -> loss(b, g));
        float[] rest = new float[54];
        for (int j = 0; j < 54; j++) rest[j] = w.grad[j] - alpha[j / 18] * g[j];
        Fd.assertClose(numeric, rest, 1e-4, 1e-3, "scale part");
    }

    @Test void weightStandardizationForwardByHand() {
        // row [1, 2, 3]: mean 2, population variance 2/3 -> z = [-1, 0, 1] / sqrt(2/3 + eps)
        WeightStandardization ws = new WeightStandardization("bn", 1, 3, false);
        float[] out = new float[3];
        ws.forward(new float[] {1, 2, 3}, out);
        float s = (float) Math.sqrt(2.0 / 3 + WeightStandardization.EPS);
        assertArrayEquals(new float[] {-1 / s, 0, 1 / s}, out, 1e-6f);
    }

    @Test void weightStandardizationGradientMatchesFiniteDifferences() {
        WeightStandardization ws = new WeightStandardization("bn", 3, 8, true);
        Param gamma = ws.params().get(0), beta = ws.params().get(1);
        assertEquals("bn.weight", gamma.name);
        assertEquals("bn.bias", beta.name);
        System.arraycopy(new float[] {1.5f, -0.7f, 0.3f}, 0, gamma.value, 0, 3);
        System.arraycopy(new float[] {0.2f, 0.1f, -0.4f}, 0, beta.value, 0, 3);
        float[] v = Fd.random(24, 9, -0.1, 0.1), g = Fd.random(24, 10, -1, 1), out = new float[24], dv = new float[24];
        java.util.function.DoubleSupplier loss = () -> { ws.forward(v, out); return Fd.dot(out, g); };
        ws.forward(v, out);
        ws.backward(g, dv);
        Fd.assertClose(Fd.all(v, 1e-3, loss), dv, 1e-3, 2e-3, "dv");
        Fd.assertClose(Fd.all(gamma.value, 1e-2, loss), gamma.grad, 1e-4, 1e-3, "gamma");
        Fd.assertClose(Fd.all(beta.value, 1e-2, loss), beta.grad, 1e-4, 1e-3, "beta");
    }
}
