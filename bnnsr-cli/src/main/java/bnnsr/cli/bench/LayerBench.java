package bnnsr.cli.bench;

import bnnsr.engine.kernels.BinaryConvOps;
import bnnsr.engine.kernels.PackedActivations;
import bnnsr.engine.kernels.PackedWeights;
import bnnsr.engine.kernels.PopcountKernel;
import bnnsr.engine.kernels.VectorBinaryConvOps;
import bnnsr.tensor.ConvOps;
import bnnsr.tensor.Tensor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The layer part of {@code bench engine}: one 3x3 conv, binary (pack + popcount conv + float epilogue) against
 * the installed fp32 {@link ConvOps}, measured in the same run, plus the popcount kernel alone: the one this CPU
 * chose ({@link PopcountKernel}) and the other one.
 * A benchmark, not a test: it asserts nothing about speed.
 */
public final class LayerBench {
    /** Milliseconds: the best of {@link #ROUNDS} medians after warm-up, the cases timed in turns. */
    public record Result(int h, int w, int cin, int cout, int threads, String fp32Impl,
                         double fp32Ms, double binaryMs, double packMs, double convMs, double kernelMs,
                         String kernel, String otherKernel, double otherKernelMs) {
        public double ratio() { return fp32Ms / binaryMs; }

        /** Binary operations: 2 per binary multiply-accumulate (XNOR + popcount), as for FLOPs. */
        public double bops() { return 2.0 * h * w * cout * cin * 9; }

        public double popcountTbops() { return bops() / (kernelMs * 1e-3) / 1e12; }

        public double otherPopcountTbops() { return bops() / (otherKernelMs * 1e-3) / 1e12; }

        public double fp32Gflops() { return 2.0 * h * w * cout * cin * 9 / (fp32Ms * 1e-3) / 1e9; }
    }

    /** Rounds of timing each case in turn. */
    private static final int ROUNDS = 3;

    private LayerBench() {}

    /** Timer: median seconds of a body (the CLI's shared warm-up / repetition policy). */
    @FunctionalInterface
    public interface Timer { double medianSeconds(Runnable body); }

    /** {@code warmSeconds}: how long each binary case runs before any is timed (C2 compiles after thousands of calls). */
    public static Result run(int h, int w, int cin, int cout, double warmSeconds, Timer timer) {
        SplittableRandom rnd = new SplittableRandom(42);
        Tensor x = new Tensor(1, h, w, cin);
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) rnd.nextGaussian();
        float[] wOihw = new float[cout * cin * 9], wHwio = new float[wOihw.length];
        for (int i = 0; i < wOihw.length; i++) wOihw[i] = (float) rnd.nextGaussian();
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++)
                for (int t = 0; t < 9; t++) wHwio[(t * cin + i) * cout + o] = wOihw[(o * cin + i) * 9 + t];
        float[] bias = new float[cout], alpha = new float[cout], beta = new float[cout];
        Arrays.fill(alpha, 0.01f);

        ConvOps fp = ConvOps.get();
        BinaryConvOps bin = BinaryConvOps.fast();
        VectorBinaryConvOps kernel = (VectorBinaryConvOps) BinaryConvOps.fast();
        // the kernel this CPU did not choose, timed too: the choice per instruction set stays checkable
        PopcountKernel otherChoice = kernel.kernel() == PopcountKernel.VECTOR ? PopcountKernel.SCALAR : PopcountKernel.VECTOR;
        VectorBinaryConvOps other = VectorBinaryConvOps.with(otherChoice);
        PackedWeights pw = PackedWeights.fromOihw(wOihw, cout, cin, 3);
        PackedActivations pa = new PackedActivations(1, h, w, cin, 1);
        Tensor yFp = new Tensor(1, h, w, cout), yBin = new Tensor(1, h, w, cout);

        // C2 compiles the kernels only after thousands of calls: warm every case up before timing any
        Runnable[] cases = {() -> kernel.convKernelOnly(pa, pw), () -> bin.pack(x, null, pa),
                () -> bin.conv(pa, pw, alpha, beta, false, yBin),
                // the whole layer as the engine can run it: packing fused with the conv (one pass over the rows)
                () -> bin.packConv(x, null, pa, pw, alpha, beta, false, yBin),
                () -> fp.forward(x, wHwio, bias, 3, yFp), () -> other.convKernelOnly(pa, pw)};
        for (Runnable c : cases) warmUp(c, warmSeconds);
        double[] ms = new double[cases.length];
        Arrays.fill(ms, Double.MAX_VALUE);
        // the cases take turns, ROUNDS times, and each keeps its best median: on a shared machine the load changes
        // within seconds, and one case measured in a busy moment would skew the ratios taken within this run
        for (int round = 0; round < ROUNDS; round++)
            for (int i = 0; i < cases.length; i++) ms[i] = Math.min(ms[i], 1e3 * timer.medianSeconds(cases[i]));
        double kernelMs = ms[0], packMs = ms[1], convMs = ms[2], binaryMs = ms[3], fpMs = ms[4], otherMs = ms[5];
        return new Result(h, w, cin, cout, bnnsr.tensor.Parallel.threads(), fp.getClass().getSimpleName(),
                fpMs, binaryMs, packMs, convMs, kernelMs, PopcountKernel.describe(), otherChoice.name().toLowerCase(java.util.Locale.ROOT), otherMs);
    }

    private static void warmUp(Runnable body, double seconds) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9) body.run();
    }
}
