package bnnsr.binarize;

import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code bbcu} binarizer: RSign (learnable bias, ApproxSign gradient), the clipped per-channel scaled-sign
 * weights, and the unit around the conv (RPReLU, identity or nearest skip): hand-made forward values, the
 * ApproxSign gradient exactly, finite differences of the differentiable parts.
 */
class BbcuBinarizerTest {

    static Tensor row(float... v) { return new Tensor(1, 1, v.length, 1, v.clone()); }

    static float[] values(Tensor t) { return java.util.Arrays.copyOf(t.data, t.size()); }

    @Test void approxSignGradientExactly() {
        // 2 + 2v on [-1, 0), 2 - 2v on [0, 1), 0 outside; dyadic points, so every value is exact in float
        float[] v = {-3f, -1.0000001f, -1f, -0.75f, -0.5f, -0.25f, -Float.MIN_VALUE, -0f, 0f, 0.25f, 0.5f, 0.75f, 0.99999994f, 1f, 2f};
        float[] want = {0f, 0f, 0f, 0.5f, 1f, 1.5f, 2f, 2f, 2f, 1.5f, 1f, 0.5f, 2f - 2f * 0.99999994f, 0f, 0f};
        for (int i = 0; i < v.length; i++) assertEquals(want[i], RSignActivations.approxSignGrad(v[i]), "at " + v[i]);
        assertEquals(0f, RSignActivations.approxSignGrad(Float.NaN));
    }

    /** The derivative is the derivative of Bi-Real's piecewise quadratic: central differences inside each piece. */
    @Test void approxSignGradientIsTheQuadraticsDerivative() {
        java.util.function.DoubleUnaryOperator f = x -> x < -1 ? -1 : x < 0 ? x * x + 2 * x : x < 1 ? 2 * x - x * x : 1;
        for (double x = -1.4; x <= 1.4; x += 0.1) {
            if (Math.abs(x) < 1e-3 || Math.abs(Math.abs(x) - 1) < 1e-3) continue;
            double h = 1e-5, num = (f.applyAsDouble(x + h) - f.applyAsDouble(x - h)) / (2 * h);
            assertEquals(num, RSignActivations.approxSignGrad((float) x), 1e-5, "at " + x);
        }
    }

    @Test void rsignForwardAndBackwardByHand() {
        RSignActivations a = new RSignActivations("c.move0", 1);
        assertEquals("c.move0.bias", a.params().getFirst().name);
        a.bias().value[0] = 0.25f;
        // v = x + b = [-1.75, -0.5, 0, 0.25, 0.75, 1.75]: Sign(0) = +1
        Tensor x = row(-2f, -0.75f, -0.25f, 0f, 0.5f, 1.5f);
        assertArrayEquals(new float[] {-1, -1, 1, 1, 1, 1}, values(a.forward(x, true)));
        // g = [1, 2, 3, 4, 5, 6] times ApproxSign'(v) = [0, 1, 2, 1.5, 0.5, 0]
        assertArrayEquals(new float[] {0, 2, 6, 6, 2.5f, 0}, values(a.backward(row(1, 2, 3, 4, 5, 6), null)));
        assertEquals(16.5f, a.bias().grad[0]);       // db = sum of dL/dv
        assertTrue(a.binary());
        assertFalse(a.needsCenteredInput());
    }

    /** Per channel, over several pixels and threads' chunks: db[c] = sum_p dx[p, c]. */
    @Test void rsignBiasGradientIsTheSumOverPixels() {
        RSignActivations a = new RSignActivations("c.move0", 3);
        a.bias().value[0] = -0.2f; a.bias().value[1] = 0.1f; a.bias().value[2] = 0.4f;
        Tensor x = new Tensor(2, 9, 10, 3, Fd.random(540, 81, -1.5, 1.5));
        a.forward(x, true);
        float[] dx = values(a.backward(new Tensor(2, 9, 10, 3, Fd.random(540, 82, -1, 1)), null));
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int p = 0; p < 180; p++) s += dx[p * 3 + c];
            assertEquals(s, a.bias().grad[c], 1e-4);
        }
    }

    @Test void bbcuWeightsScaleAndClippedGradient() {
        // row 0 = [0.5, -1.5]: mean|W| = 1.0; row 1 = [0.2, -1.0]: mean|W| = 0.6
        Param w = new Param("c.weight", new int[] {2, 2, 1, 1}, true);
        System.arraycopy(new float[] {0.5f, -1.5f, 0.2f, -1f}, 0, w.value, 0, 4);
        ScaledSignWeights b = ScaledSignWeights.bbcu(w);
        float[] eff = new float[4];
        b.forward(eff);
        assertArrayEquals(new float[] {1f, -1f, 0.6f, -0.6f}, eff, 1e-7f);
        assertArrayEquals(new float[] {1f, 0.6f}, b.channelScales(), 1e-7f);
        // the scale is a constant in backward; the gradient passes where |W| <= 1 (inclusive), unscaled
        b.backward(new float[] {1, 2, 3, -1});
        assertArrayEquals(new float[] {1, 0, 3, -1}, w.grad);
    }

    @Test void binarizationParsesBbcu() {
        Binarization b = Binarization.parse("bbcu");
        assertEquals(Binarization.Kind.BBCU, b.kind());
        assertEquals("bbcu", b.spec());
        assertTrue(b.binaryActivations());
        assertFalse(b.needsCenteredInput());
        BinaryConv2d c = b.conv("u", 4, 4, 3, false, new SplittableRandom(1), null, null);
        assertTrue(c.activationBinarizer() instanceof RSignActivations);
        assertEquals(java.util.List.of("u.weight", "u.move0.bias"), c.params().stream().map(p -> p.name).toList());
    }

    @Test void unitForwardByHand() {
        // 1 channel, 1 x 1 image, 3x3 conv: only the centre tap sees the pixel (zero padding)
        BbcuUnit u = new BbcuUnit("u", 1, 1, new SplittableRandom(3));
        java.util.Arrays.fill(u.conv().weight().value, 0.5f);
        u.conv().weight().value[4] = -0.5f;               // centre tap: Sign -1, mean|W| = 0.5
        u.signBias().value[0] = -1f;                       // Sign(0.75 - 1) = -1
        u.rprelu().shift1.value[0] = 0.25f;
        u.rprelu().slope.value[0] = 0.5f;
        u.rprelu().shift2.value[0] = 2f;
        // conv = (-1) * (-1) * 0.5 = 0.5; RPReLU: 0.5 + 0.25 = 0.75 -> 0.75 -> 2.75; + x = 3.5
        assertArrayEquals(new float[] {3.5f}, values(u.forward(row(0.75f), false)));
        u.rprelu().shift1.value[0] = -1f;                  // 0.5 - 1 = -0.5 -> -0.25 -> 1.75; + 0.75 = 2.5
        assertArrayEquals(new float[] {2.5f}, values(u.forward(row(0.75f), false)));
    }

    @Test void upsamplingUnitForwardByHand() {
        // 1 channel, r = 2: conv to 4 channels, RPReLU, PixelShuffle(2), plus the nearest-upsampled input
        BbcuUnit u = new BbcuUnit("up", 1, 2, new SplittableRandom(4));
        float[] w = u.conv().weight().value;   // [4, 1, 3, 3]
        for (int o = 0; o < 4; o++) for (int t = 0; t < 9; t++) w[o * 9 + t] = (o % 2 == 0 ? 1 : -1) * (o + 1) * 0.25f;
        java.util.Arrays.fill(u.rprelu().slope.value, 1f);   // identity PReLU
        // x = 2 > 0: Sign +1; channel o = Sign(w_o) * mean|w_o| = +-(o + 1) / 4 -> [0.25, -0.5, 0.75, -1]
        Tensor y = u.forward(new Tensor(1, 1, 1, 1, new float[] {2f}), false);
        assertEquals(2, y.h);
        assertArrayEquals(new float[] {2.25f, 1.5f, 2.75f, 1f}, values(y));
    }

    /**
     * The unit's differentiable parts by finite differences: RPReLU's parameters (the signs do not move with them),
     * and the skip: away from sign boundaries dL/dx through the skip is dy (r = 1) or the block sums of dy
     * (r = 2), so backward's dx minus the skip is the RSign path, whose per-channel sum is db.
     */
    @Test void unitGradients() {
        for (int r = 1; r <= 2; r++) {
            BbcuUnit u = new BbcuUnit("u", 3, r, new SplittableRandom(5 + r));
            bnnsr.nn.GradCheck.fill(u.rprelu().shift1, -0.3, 0.3, 31);
            bnnsr.nn.GradCheck.fill(u.rprelu().slope, -0.5, 0.5, 32);
            bnnsr.nn.GradCheck.fill(u.rprelu().shift2, -0.3, 0.3, 33);
            bnnsr.nn.GradCheck.fill(u.signBias(), -0.3, 0.3, 34);
            Tensor x = new Tensor(2, 4, 5, 3, Fd.awayFromZero(Fd.random(120, 35, -1.5, 1.5), 0.05f));
            float[] bias = u.signBias().value;
            for (int i = 0; i < 120; i++) {   // keep x + b clear of the sign's boundary
                float v = x.data[i] + bias[i % 3];
                if (Math.abs(v) < 0.05f) x.data[i] += v < 0 ? -0.1f : 0.1f;
            }
            Tensor y = u.forward(x, true);
            Tensor g = new Tensor(y.n, y.h, y.w, y.c, Fd.random(y.size(), 36, -1, 1));
            u.params().forEach(Param::zeroGrad);
            float[] dx = values(u.backward(g));
            for (Param p : u.rprelu().params()) {
                double[] num = Fd.all(p.value, 1e-3, () -> Fd.dot(values(u.forward(x, true)), g.data));
                Fd.assertClose(num, p.grad, 1e-3, 2e-3, p.name + " r=" + r);
            }
            double[] db = new double[3];
            for (int i = 0; i < 120; i++) {
                int n = i / 60, yy = (i / 15) % 4, xx = (i / 3) % 5, c = i % 3;
                double skip = 0;
                for (int a = 0; a < r; a++) for (int b = 0; b < r; b++) skip += g.get(n, yy * r + a, xx * r + b, c);
                db[c] += dx[i] - skip;
            }
            Fd.assertClose(db, u.signBias().grad, 1e-4, 1e-3, "db r=" + r);
            // and the skip gradient by finite differences with the signs frozen (steps too small to cross a boundary)
            double[] num = Fd.all(x.data, 1e-3, () -> Fd.dot(values(u.forward(x, true)), g.data));
            for (int i = 0; i < 120; i++) {
                int n = i / 60, yy = (i / 15) % 4, xx = (i / 3) % 5, c = i % 3;
                double skip = 0;
                for (int a = 0; a < r; a++) for (int b = 0; b < r; b++) skip += g.get(n, yy * r + a, xx * r + b, c);
                assertEquals(skip, num[i], 1e-3, "skip at " + i + " r=" + r);
            }
        }
    }
}
