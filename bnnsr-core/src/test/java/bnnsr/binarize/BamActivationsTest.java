package bnnsr.binarize;

import bnnsr.nn.BatchNorm2d;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BAM activation accumulation A_n^B = Sign(BN(sum_i s_i E(A_i) A_i)) on hand-made tensors. With BN's initial affine
 * (gamma 1, beta 0) in training mode, Sign(BN(S)) = Sign(S - batch mean of S's channel), which is easy by hand.
 */
class BamActivationsTest {
    // 1 x 1 x 4 pixels x 2 channels
    static final float[] A1 = {1, 3, -2, 0, 0.5f, -0.5f, 4, 2};
    static final float[] A2 = {1, 1, -1, -3, 2, 0, 0, 0};

    static Tensor t(float[] v) { return new Tensor(1, 1, 4, 2, v.clone()); }

    static float[] values(Tensor t) { return java.util.Arrays.copyOf(t.data, t.size()); }

    @Test void accumulatedSignsByHand() {
        ActivationAccumulation g = new ActivationAccumulation("g", 2, BamOptions.DEFAULT);
        BamActivations m1 = g.join(new BatchNorm2d("c1.act_bn", 2)), m2 = g.join(new BatchNorm2d("c2.act_bn", 2));
        Param s = g.params().get(0);
        assertEquals("g.s", s.name);
        s.value[1] = 2f;
        // E(A_1) = mean |A_1| per pixel = [2, 1, 0.5, 3]; S_1 = E A_1 = [2,6], [-2,0], [.25,-.25], [12,6]
        // channel means 3.0625 and 2.9375 -> signs c0 [-,-,-,+], c1 [+,-,-,+]
        assertArrayEquals(new float[] {-1, 1, -1, -1, -1, -1, 1, 1}, values(m1.forward(t(A1), true)));
        // E(A_2) = [1, 2, 1, 0]; s_2 = 2: 2 E A_2 = [2,2], [-4,-12], [4,0], [0,0]; S_2 = [4,8], [-6,-12], [4.25,-.25], [12,6]
        // channel means 3.5625 and 0.4375 -> c0 [+,-,+,+], c1 [+,-,-,+]
        assertArrayEquals(new float[] {1, 1, -1, -1, 1, -1, 1, 1}, values(m2.forward(t(A2), true)));
        assertArrayEquals(new float[] {4, 8, -6, -12, 4.25f, -0.25f, 12, 6}, values(m2.accumulated()), 1e-6f);
    }

    @Test void ablationA1AddsTheInputsAsTheyAre() {
        ActivationAccumulation g = new ActivationAccumulation("g", 2, BamOptions.parse("a1"));
        assertTrue(g.params().isEmpty());
        BamActivations m1 = g.join(new BatchNorm2d("c1.act_bn", 2)), m2 = g.join(new BatchNorm2d("c2.act_bn", 2));
        m1.forward(t(A1), true);
        // S_2 = A_1 + A_2 = [2,4], [-3,-3], [2.5,-.5], [4,2]; means 1.375 and 0.625 -> c0 [+,-,+,+], c1 [+,-,-,+]
        assertArrayEquals(new float[] {1, 1, -1, -1, 1, -1, 1, 1}, values(m2.forward(t(A2), true)));
        assertArrayEquals(new float[] {2, 4, -3, -3, 2.5f, -0.5f, 4, 2}, values(m2.accumulated()), 1e-6f);
    }

    @Test void ablationA2UsesOnlyTheOwnInput() {
        ActivationAccumulation g = new ActivationAccumulation("g", 2, BamOptions.parse("a2"));
        BamActivations m1 = g.join(new BatchNorm2d("c1.act_bn", 2)), m2 = g.join(new BatchNorm2d("c2.act_bn", 2));
        m1.forward(t(A1), true);
        m2.forward(t(A2), true);
        // S_2 = E(A_2) A_2 = [1,1], [-2,-6], [2,0], [0,0]
        assertArrayEquals(new float[] {1, 1, -2, -6, 2, 0, 0, 0}, values(m2.accumulated()), 1e-6f);
        // and its backward leaves nothing for member 1: member 1's input gradient is its own path only
        Tensor ones = new Tensor(1, 1, 4, 2);
        java.util.Arrays.fill(ones.data, 0.1f);
        m2.backward(ones, null);
        Tensor own = m1.backward(ones, null).copy();
        m1.forward(t(A1), true);
        assertArrayEquals(own.data, values(m1.backward(ones, null)), 0f);
    }

    @Test void signedMeanStatistic() {
        ActivationAccumulation g = new ActivationAccumulation("g", 1, BamOptions.parse("mean"));
        BamActivations m1 = g.join(new BatchNorm2d("c1.act_bn", 2));
        m1.forward(t(A1), true);
        // E(A_1) = mean A = [2, -1, 0, 3]: S = [2,6], [2,0], [0,0], [12,6]
        assertArrayEquals(new float[] {2, 6, 2, 0, 0, 0, 12, 6}, values(m1.accumulated()), 1e-6f);
    }

    /** The accumulation with its b_i maps and s_i is differentiable: finite differences of sum(r * S_n). */
    @Test void accumulationGradientMatchesFiniteDifferences() {
        for (String opts : new String[] {"", "mean", "a1"}) {
            ActivationAccumulation g = new ActivationAccumulation("g", 3, BamOptions.parse(opts));
            Tensor[] a = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                a[i] = new Tensor(2, 3, 3, 4, Fd.awayFromZero(Fd.random(72, 80 + i, -2, 2), 0.05f));
                g.record(i, a[i]);
            }
            if (!g.params().isEmpty()) System.arraycopy(new float[] {0.7f, 1.3f, -0.4f}, 0, g.params().get(0).value, 0, 3);
            Tensor r = new Tensor(2, 3, 3, 4, Fd.random(72, 90, -1, 1)), acc = new Tensor(2, 3, 3, 4);
            java.util.function.DoubleSupplier loss = () -> {
                for (int i = 0; i < 3; i++) g.record(i, a[i]);
                g.accumulate(2, acc);
                return Fd.dot(values(acc), r.data);
            };
            loss.getAsDouble();
            Tensor dx2 = new Tensor(2, 3, 3, 4), dx1 = new Tensor(2, 3, 3, 4), dx0 = new Tensor(2, 3, 3, 4);
            Tensor zero = new Tensor(2, 3, 3, 4);
            g.backprop(2, r, dx2);
            g.backprop(1, zero, dx1);    // members 1 and 0 add nothing of their own: what they return is parked
            g.backprop(0, zero, dx0);
            Tensor[] dx = {dx0, dx1, dx2};
            for (int i = 0; i < 3; i++)
                Fd.assertClose(Fd.all(a[i].data, 1e-3, loss), values(dx[i]), 1e-3, 1e-3, opts + " dA_" + i);
            for (Param p : g.params()) Fd.assertClose(Fd.all(p.value, 1e-3, loss), p.grad, 1e-3, 1e-3, opts + " ds");
        }
    }
}
