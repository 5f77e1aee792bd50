package bnnsr.nn;

import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

/** Every layer's backward against central finite differences, on odd sizes where borders dominate. */
class LayerGradientTest {

    @ParameterizedTest(name = "k={0} bias={1} {2}x{3}x{4}x{5}->{6}")
    @CsvSource({
            "1, true, 1, 1, 1, 2, 3",
            "1, false, 2, 3, 5, 3, 2",
            "3, true, 1, 1, 1, 3, 2",
            "3, true, 2, 3, 5, 3, 4",
            "3, false, 1, 7, 4, 2, 3",
            "5, true, 1, 3, 5, 2, 2",
            "5, false, 1, 2, 1, 3, 1",
            "7, true, 1, 4, 3, 1, 2",
    })
    void conv2d(int k, boolean bias, int n, int h, int w, int cin, int cout) {
        Conv2d conv = new Conv2d("c", cin, cout, k, bias);
        GradCheck.fill(conv.weight, -0.5, 0.5, 3);
        if (bias) GradCheck.fill(conv.bias, -0.5, 0.5, 4);
        GradCheck.of(conv, true).run(GradCheck.random(n, h, w, cin, 5));
    }

    @ParameterizedTest(name = "{0}x{1}x{2}x{3}")
    @CsvSource({"1, 1, 1, 1", "2, 3, 5, 3", "1, 7, 4, 2"})
    void activations(int n, int h, int w, int c) {
        Tensor x = GradCheck.awayFromZero(GradCheck.random(n, h, w, c, 7), 0.05f);
        GradCheck.of(new ReLU(), true).run(x);
        GradCheck.of(new LeakyReLU(0.1f), true).run(x);
        GradCheck.of(new LeakyReLU(0.2f), false).run(x);
        PReLU prelu = new PReLU("act", c);
        GradCheck.fill(prelu.weight, -0.5, 0.5, 8);
        GradCheck.of(prelu, true).run(x);
    }

    @ParameterizedTest(name = "train={0} {1}x{2}x{3}x{4}")
    @CsvSource({
            "true, 1, 1, 2, 3", "true, 2, 3, 5, 3", "true, 1, 7, 4, 2", "true, 3, 1, 1, 2",
            "false, 1, 1, 1, 2", "false, 2, 3, 5, 3",
    })
    void batchNorm(boolean training, int n, int h, int w, int c) {
        BatchNorm2d bn = new BatchNorm2d("bn", c);
        GradCheck.fill(bn.weight, 0.5, 1.5, 9);
        GradCheck.fill(bn.bias, -0.5, 0.5, 10);
        GradCheck.fill(bn.runningMean, -0.3, 0.3, 11);
        GradCheck.fill(bn.runningVar, 0.5, 2, 12);
        Tensor x = GradCheck.random(n, h, w, c, 13);
        // an offset and a spread per channel, so normalisation does real work
        for (int i = 0; i < x.size(); i++) x.data[i] = x.data[i] * (1 + i % c) + 0.3f * (i % c);
        GradCheck.of(bn, training).run(x);
    }

    @ParameterizedTest(name = "r={0} {1}x{2}x{3}x{4}")
    @CsvSource({"2, 1, 1, 1, 4", "2, 2, 3, 5, 8", "3, 1, 1, 1, 9", "3, 1, 3, 2, 18", "1, 1, 2, 3, 2"})
    void pixelShuffle(int r, int n, int h, int w, int c) {
        GradCheck.of(new PixelShuffle(r), true).run(GradCheck.random(n, h, w, c, 14));
    }

    @ParameterizedTest(name = "s={0} {1}x{2}x{3}x{4}")
    @CsvSource({"2, 1, 1, 1, 3", "2, 2, 3, 5, 3", "3, 1, 3, 5, 2", "4, 1, 7, 4, 1", "1, 1, 2, 3, 2"})
    void bilinear(int s, int n, int h, int w, int c) {
        GradCheck.of(new BilinearUpsample(s), true).run(GradCheck.random(n, h, w, c, 15));
    }

    @Test
    void scaleAndResidual() {
        Tensor x = GradCheck.random(2, 3, 5, 3, 16);
        GradCheck.of(new Scale(-0.7f), true).run(x);
        Conv2d conv = new Conv2d("r", 3, 3, 3, true);
        GradCheck.fill(conv.weight, -0.5, 0.5, 17);
        GradCheck.fill(conv.bias, -0.5, 0.5, 18);
        GradCheck.of(new Residual(conv, 0.5f), true).run(x);
        GradCheck.of(new Residual(new Sequential(new Scale(2f)), 1f), true).run(x);
    }

    @Test
    void residualBlockNoBN() {
        ResidualBlockNoBN block = new ResidualBlockNoBN("body.0", 4, 1f, new SplittableRandom(19));
        // BasicSR's 0.1-scaled init makes the residual branch tiny; larger weights test it properly
        GradCheck.fill(block.conv1.weight, -0.4, 0.4, 20);
        GradCheck.fill(block.conv1.bias, -0.2, 0.2, 21);
        GradCheck.fill(block.conv2.weight, -0.4, 0.4, 22);
        GradCheck.fill(block.conv2.bias, -0.2, 0.2, 23);
        GradCheck.of(block, true).run(GradCheck.random(1, 3, 5, 4, 24));
        GradCheck.of(block, true).run(GradCheck.random(1, 1, 1, 4, 25));
    }

    @Test
    void sequentialMixedStack() {
        Conv2d c1 = new Conv2d("a", 2, 8, 3, true), c2 = new Conv2d("b", 2, 3, 1, false);
        GradCheck.fill(c1.weight, -0.5, 0.5, 26);
        GradCheck.fill(c1.bias, -0.3, 0.3, 27);
        GradCheck.fill(c2.weight, -0.5, 0.5, 28);
        BatchNorm2d bn = new BatchNorm2d("n", 8);
        PReLU act = new PReLU("p", 8);
        Sequential net = new Sequential(c1, bn, act, new PixelShuffle(2), c2, new BilinearUpsample(3), new LeakyReLU(0.2f));
        // batch statistics of 12 pixels and three kinked activations: strongly curved, so a smaller step
        GradCheck.of(net, true).step(1e-3).tolerance(5e-3).maxChecks(60).run(GradCheck.random(2, 3, 2, 2, 29));
    }

    @Test
    void losses() {
        Tensor pred = GradCheck.random(2, 3, 5, 3, 30), target = GradCheck.random(2, 3, 5, 3, 31);
        GradCheck.awayFromZero(pred, 0.05f);
        for (int i = 0; i < pred.size(); i++) target.data[i] = pred.data[i] + 0.5f * target.data[i] + (target.data[i] > 0 ? 0.05f : -0.05f);
        for (Loss loss : new Loss[] {new Loss.L1(), new Loss.Mse()}) GradCheck.of(new LossAsLayer(loss, target), true).run(pred);
    }

    /** A loss seen as a layer with a 1x1x1x1 output, so the checker applies unchanged. */
    private static final class LossAsLayer implements Layer {
        private final Loss loss;
        private final Tensor target;
        private final Tensor out = new Tensor(1, 1, 1, 1);
        private Tensor dx;

        LossAsLayer(Loss loss, Tensor target) { this.loss = loss; this.target = target; }

        @Override public Tensor forward(Tensor x, boolean training) {
            out.data[0] = (float) loss.forward(x, target);
            return out;
        }

        @Override public Tensor backward(Tensor dy) {
            Tensor g = loss.backward();
            dx = Tensor.reuse(dx, g.n, g.h, g.w, g.c);
            for (int i = 0; i < g.size(); i++) dx.data[i] = g.data[i] * dy.data[0];
            return dx;
        }
    }
}
