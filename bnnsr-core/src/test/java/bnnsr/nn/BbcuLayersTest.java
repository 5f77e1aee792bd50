package bnnsr.nn;

import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** BBCU's full-precision layers: RPReLU and nearest upsampling, by hand-made values and finite differences. */
class BbcuLayersTest {

    @Test void rpreluValuesByHand() {
        RPReLU l = new RPReLU("u", 2);
        l.shift1.value[0] = 0.5f;  l.slope.value[0] = 0.25f; l.shift2.value[0] = -1f;
        l.shift1.value[1] = -1f;   l.slope.value[1] = -0.5f; l.shift2.value[1] = 2f;
        // ch 0: x = 1 -> 1.5 -> 1.5 -> 0.5;  ch 1: x = 0.5 -> -0.5 -> 0.25 -> 2.25
        // ch 0: x = -2.5 -> -2 -> -0.5 -> -1.5; ch 1: x = 3 -> 2 -> 2 -> 4
        Tensor y = l.forward(new Tensor(1, 1, 2, 2, new float[] {1f, 0.5f, -2.5f, 3f}), true);
        assertArrayEquals(new float[] {0.5f, 2.25f, -1.5f, 4f}, y.data);
        assertEquals("u.move1.bias", l.params().get(0).name);
        assertEquals("u.prelu.weight", l.params().get(1).name);
        assertEquals("u.move2.bias", l.params().get(2).name);
    }

    @Test void rpreluGradients() {
        RPReLU l = new RPReLU("u", 5);
        GradCheck.fill(l.shift1, -0.3, 0.3, 21);
        GradCheck.fill(l.slope, -0.5, 0.5, 22);
        GradCheck.fill(l.shift2, -0.3, 0.3, 23);
        GradCheck.of(l, true).run(GradCheck.random(2, 3, 4, 5, 24));
    }

    @Test void nearestValuesByHand() {
        NearestUpsample l = new NearestUpsample(2);
        Tensor y = l.forward(new Tensor(1, 1, 2, 1, new float[] {1, 2}), true);
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2}, y.data);
        // backward sums each 2 x 2 block
        assertArrayEquals(new float[] {1 + 2 + 5 + 6, 3 + 4 + 7 + 8}, l.backward(new Tensor(1, 2, 4, 1, new float[] {1, 2, 3, 4, 5, 6, 7, 8})).data);
    }

    @Test void nearestGradients() {
        for (int r = 2; r <= 3; r++) GradCheck.of(new NearestUpsample(r), true).run(GradCheck.random(2, 3, 2, 4, 25 + r));
    }
}
