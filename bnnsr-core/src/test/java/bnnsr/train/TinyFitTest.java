package bnnsr.train;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.nn.GradCheck;
import bnnsr.nn.Loss;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model, L1 loss and Adam together: a tiny srresnet fits a fixed batch, its loss falling clearly. */
class TinyFitTest {
    @Test
    void lossFallsOnAFixedBatch() {
        Model m = Architectures.create(new ArchOptions("srresnet", 2, 8, 1), 21);
        Tensor lr = GradCheck.random(2, 6, 5, 3, 22), hr = new Tensor(2, 12, 10, 3);
        // a target the bilinear skip alone cannot produce: a checkerboard on top of the upsampled input
        Tensor up = new bnnsr.nn.BilinearUpsample(2).forward(lr, false);
        for (int i = 0; i < hr.size(); i++) {
            int x = (i / 3) % 10, y = (i / 30) % 12;
            hr.data[i] = up.data[i] + (((x + y) & 1) == 0 ? 0.2f : -0.2f);
        }
        Loss l1 = new Loss.L1();
        Adam adam = new Adam(m.params());
        double first = 0, last = 0;
        for (int it = 0; it < 60; it++) {
            adam.zeroGrad();
            double loss = l1.forward(m.forward(lr, true), hr);
            if (it == 0) first = loss;
            last = loss;
            m.backward(l1.backward());
            adam.step(2e-3);
        }
        double f = first, l = last;
        assertTrue(last < 0.5 * first, () -> "L1 went from " + f + " to " + l);
    }
}
