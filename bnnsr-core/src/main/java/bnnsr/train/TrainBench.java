package bnnsr.train;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.arch.ModelInput;
import bnnsr.nn.Loss;
import bnnsr.tensor.ConvOps;
import bnnsr.tensor.CountingConvOps;
import bnnsr.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Training speed: full iterations (forward, L1 loss, backward, Adam) on random batches after warm-up; the
 * median over timed iterations, and the convolution GFLOP/s that implies (FLOPs counted by wrapping the kernels
 * during one iteration). Binary convs whose forward runs on the popcount kernels ({@link bnnsr.binarize.SignConv})
 * are not counted there: the GFLOP are the float convolution work the step really does.
 */
public final class TrainBench {
    public record Result(String arch, int scale, int batch, int patch, int threads, double itersPerS, double gflops,
                         double convGflopPerIter) {}

    private TrainBench() {}

    public static Result run(ArchOptions options, int batch, int patch, int warmup, int iters, int threads) {
        Model model = Architectures.create(options, 0);
        Adam adam = new Adam(model.params(), 0.9, 0.99, 1e-8, 0);
        Loss loss = new Loss.L1();
        int s = options.scale();
        Tensor x = random(batch, patch, patch, 1), y = random(batch, patch * s, patch * s, 2);
        for (int i = 0; i < warmup; i++) step(model, adam, loss, x, y);
        CountingConvOps counting = new CountingConvOps(ConvOps.get());
        ConvOps.using(counting, () -> step(model, adam, loss, x, y));
        double[] times = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            step(model, adam, loss, x, y);
            times[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(times);
        double median = times[iters / 2];
        double gflop = counting.flops() / 1e9;
        return new Result(options.arch(), s, batch, patch, threads, 1 / median, gflop / median, gflop);
    }

    private static void step(Model model, Adam adam, Loss loss, Tensor x, Tensor y) {
        adam.zeroGrad();
        loss.forward(model.forward(ModelInput.prepare(model.options(), x), true), y);
        model.backward(loss.backward());
        adam.step(1e-4);
    }

    private static Tensor random(int n, int h, int w, long seed) {
        Tensor t = new Tensor(n, h, w, 3);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) r.nextDouble();
        return t;
    }
}
