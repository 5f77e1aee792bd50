package bnnsr.binarize;

import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The single-layer activation binarizers: hand-made forward values, STE gradients, differentiable parts. */
class ActivationBinarizersTest {

    static Tensor row(float... v) { return new Tensor(1, 1, v.length, 1, v.clone()); }

    static float[] values(Tensor t) { return java.util.Arrays.copyOf(t.data, t.size()); }

    @Test void bnnSignWithClippedSte() {
        SignActivations b = new SignActivations();
        Tensor x = row(-2f, -0.5f, 0f, 0.7f, 1f, 3f);
        assertArrayEquals(new float[] {-1, -1, 1, 1, 1, 1}, values(b.forward(x, true)));
        // gradient passes where |x| <= 1 (inclusive)
        assertArrayEquals(new float[] {0, 2, 3, 4, 5, 0}, values(b.backward(row(1, 2, 3, 4, 5, 6), null)));
        assertTrue(b.needsCenteredInput());
        assertTrue(b.binary());
    }

    @Test void dorefaOneBitLevels() {
        DorefaActivations b = new DorefaActivations();
        Tensor x = row(-0.3f, 0.2f, 0.5f, 0.49f, 0.9f, 1.4f);
        // round(clip(x, 0, 1)), 0.5 -> 1
        assertArrayEquals(new float[] {0, 0, 1, 0, 1, 1}, values(b.forward(x, true)));
        // the clip's derivative: passed where 0 <= x <= 1
        assertArrayEquals(new float[] {0, 2, 3, 4, 5, 0}, values(b.backward(row(1, 2, 3, 4, 5, 6), null)));
        assertFalse(b.needsCenteredInput());   // a ReLU in front is harmless: the threshold is 0.5
    }

    @Test void abcOneBaseWithShiftAndScale() {
        AbcActivations b = new AbcActivations("conv");
        Param shift = b.params().get(0), scale = b.params().get(1);
        assertEquals("conv.act_shift", shift.name);
        assertEquals("conv.act_scale", scale.name);
        shift.value[0] = 0.25f;
        scale.value[0] = 2f;
        // x + v = [-0.05, 0, 0.75, -1.75] -> 2 * Sign = [-2, 2, 2, -2]
        assertArrayEquals(new float[] {-2, 2, 2, -2}, values(b.forward(row(-0.3f, -0.25f, 0.5f, -2f), true)));
        // g = [1, 2, 3, 5]: dx = beta g [|x + v| <= 1] = [2, 4, 6, 0]; dv = 12; dbeta = sum g Sign(x + v) = -1 + 2 + 3 - 5
        assertArrayEquals(new float[] {2, 4, 6, 0}, values(b.backward(row(1, 2, 3, 5), null)));
        assertEquals(12f, shift.grad[0]);
        assertEquals(-1f, scale.grad[0]);
    }

    @Test void fullPrecisionPassesThrough() {
        FpActivations b = new FpActivations();
        Tensor x = row(0.3f, -2f);
        assertSame(x, b.forward(x, true));
        Tensor g = row(1, 2);
        assertSame(g, b.backward(g, null));
        assertFalse(b.binary());
    }

    @Test void xnorSignAndBoxFilteredMeanAbsMap() {
        XnorActivations b = new XnorActivations(3);
        // 1 x 3 pixels, 2 channels: [1, -3], [0.5, 0.5], [-2, 0]; mean |A| = [2, 0.5, 1]
        Tensor x = new Tensor(1, 1, 3, 2, new float[] {1, -3, 0.5f, 0.5f, -2, 0});
        assertArrayEquals(new float[] {1, -1, 1, 1, -1, 1}, values(b.forward(x, true)));
        // 3x3 box average with zero padding on a 1-pixel-high map: [(2 + .5) / 9, (2 + .5 + 1) / 9, (.5 + 1) / 9]
        assertArrayEquals(new float[] {2.5f / 9, 3.5f / 9, 1.5f / 9}, values(b.outputScale()), 1e-7f);
    }

    /** Away from 0 (no sign or |x| kink within the step), finite differences see exactly the K-map part. */
    @Test void xnorMapGradientMatchesFiniteDifferences() {
        XnorActivations b = new XnorActivations(3);
        Tensor x = new Tensor(2, 4, 5, 3, Fd.awayFromZero(Fd.random(120, 70, -1.5, 1.5), 0.05f));
        Tensor gxb = new Tensor(2, 4, 5, 3, Fd.random(120, 71, -1, 1));
        Tensor gK = new Tensor(2, 4, 5, 1, Fd.random(40, 72, -1, 1));
        b.forward(x, true);
        float[] dx = values(b.backward(gxb, gK));
        double[] num = Fd.all(x.data, 1e-3, () -> {
            Tensor xb = b.forward(x, true);
            return Fd.dot(values(xb), gxb.data) + Fd.dot(values(b.outputScale()), gK.data);
        });
        for (int i = 0; i < 120; i++) dx[i] -= Sign.clippedSte(x.data[i], gxb.data[i]);
        Fd.assertClose(num, dx, 1e-4, 1e-3, "K part of dx");
    }

    @Test void abcScaleGradientMatchesFiniteDifferences() {
        AbcActivations b = new AbcActivations("c");
        Param scale = b.params().get(1);
        scale.value[0] = 0.7f;
        Tensor x = new Tensor(1, 3, 3, 2, Fd.awayFromZero(Fd.random(18, 73, -1, 1), 0.05f));
        Tensor g = new Tensor(1, 3, 3, 2, Fd.random(18, 74, -1, 1));
        b.forward(x, true);
        b.backward(g, null);
        double num = Fd.at(scale.value, 0, 1e-2, () -> Fd.dot(values(b.forward(x, true)), g.data));
        assertEquals(num, scale.grad[0], 1e-4);
    }
}
