package bnnsr.nn;

import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Reductions (BN statistics, PReLU slope gradient, losses) give the same bits on 1 and 3 threads. */
class ThreadIndependenceTest {
    private static List<float[]> run(int threads) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            Tensor x = GradCheck.random(2, 48, 40, 4, 1), r = GradCheck.random(2, 48, 40, 4, 2);
            BatchNorm2d bn = new BatchNorm2d("bn", 4);
            PReLU act = new PReLU("p", 4);
            Sequential net = new Sequential(bn, act);
            List<float[]> out = new ArrayList<>();
            out.add(net.forward(x, true).data.clone());
            out.add(net.backward(r).data.clone());
            for (Param p : net.params()) out.add(p.grad.clone());
            out.add(bn.runningVar.value.clone());
            Loss l1 = new Loss.L1();
            out.add(new float[] {(float) l1.forward(x, r)});
            out.add(l1.backward().data.clone());
            return out;
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void sameBitsOnAnyThreadCount() {
        List<float[]> one = run(1), three = run(3);
        for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), three.get(i), "result " + i);
    }
}
