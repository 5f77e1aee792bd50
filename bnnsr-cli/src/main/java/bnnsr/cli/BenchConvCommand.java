package bnnsr.cli;

import bnnsr.tensor.ConvOps;
import bnnsr.tensor.ScalarConvOps;
import bnnsr.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code bnnsr bench conv}: GFLOP/s of the fp32 convolution kernels every layer uses. */
@Command(name = "conv", mixinStandardHelpOptions = true,
        description = "GFLOP/s of the fp32 conv kernels (forward, backward-input, backward-weight); "
                + "one pass is 2*N*H*W*k*k*cin*cout FLOP.")
final class BenchConvCommand implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "16", description = "images per batch (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--size", defaultValue = "48", description = "height and width (default: ${DEFAULT-VALUE})") int size;
    @Option(names = "--cin", defaultValue = "64", description = "input channels (default: ${DEFAULT-VALUE})") int cin;
    @Option(names = "--cout", defaultValue = "64", description = "output channels (default: ${DEFAULT-VALUE})") int cout;
    @Option(names = "--k", defaultValue = "3", description = "kernel size, odd (default: ${DEFAULT-VALUE})") int k;
    @Option(names = "--scalar", description = "also time the scalar oracle (slow: no warm-up, one run)") boolean scalar;
    @Mixin BenchCommand.Options common;
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        if (batch < 1 || size < 1 || cin < 1 || cout < 1) throw new UserException("--batch, --size, --cin and --cout must be positive");
        if (k < 1 || k % 2 == 0) throw new UserException("--k must be odd and positive, got " + k);
        if ((long) batch * size * size * Math.max(cin, cout) > Integer.MAX_VALUE - 8) throw new UserException("tensor too large");
        common.apply();
        Random rnd = new Random(1);
        Tensor x = random(rnd, batch, size, size, cin), dy = random(rnd, batch, size, size, cout);
        Tensor y = new Tensor(batch, size, size, cout), dx = new Tensor(batch, size, size, cin);
        float[] w = random(rnd, k * k * cin * cout), bias = random(rnd, cout), dw = new float[w.length], db = new float[cout];
        double flop = 2.0 * batch * size * size * k * k * cin * cout;

        PrintWriter out = spec.commandLine().getOut();
        out.printf("conv %dx%d %d->%d, batch %d, %dx%d, %d threads: %.3f GFLOP per pass%n",
                k, k, cin, cout, batch, size, size, common.threads, flop * 1e-9);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("bench", "conv");
        json.put("batch", batch); json.put("size", size); json.put("cin", cin); json.put("cout", cout); json.put("k", k);
        json.put("threads", common.threads);
        json.put("gflop_per_pass", flop * 1e-9);
        json.put("impl", ConvOps.get().getClass().getSimpleName());
        measure(ConvOps.get(), "", x, dy, y, dx, w, bias, dw, db, flop, common.warmup, common.warmupNanos(),
                common.reps, out, json);
        if (scalar) measure(new ScalarConvOps(), "scalar_", x, dy, y, dx, w, bias, dw, db, flop, 0, 0, 1, out, json);
        common.writeJson(json);
        return 0;
    }

    private void measure(ConvOps ops, String prefix, Tensor x, Tensor dy, Tensor y, Tensor dx, float[] w, float[] bias,
                         float[] dw, float[] db, double flop, int warmup, long warmupNanos, int reps, PrintWriter out,
                         Map<String, Object> json) {
        String name = ops.getClass().getSimpleName();
        report(out, json, name, prefix + "forward", flop,
                BenchCommand.Options.time(() -> ops.forward(x, w, bias, k, y), warmup, warmupNanos, reps));
        report(out, json, name, prefix + "backward_input", flop,
                BenchCommand.Options.time(() -> ops.backwardInput(dy, w, k, dx), warmup, warmupNanos, reps));
        report(out, json, name, prefix + "backward_weight", flop,
                BenchCommand.Options.time(() -> ops.backwardWeight(x, dy, k, dw, db), warmup, warmupNanos, reps));
    }

    private void report(PrintWriter out, Map<String, Object> json, String impl, String what, double flop,
                        BenchCommand.Timing t) {
        double gflops = flop / t.seconds() * 1e-9, cpuGflops = t.cpuNormalisedRate(flop, common.threads) * 1e-9;
        out.printf("  %-16s %-24s %9.3f ms %9.1f GFLOP/s   (%.1f GFLOP/s per CPU time x threads)%n",
                impl, what, t.seconds() * 1e3, gflops, cpuGflops);
        out.flush();
        json.put(what + "_ms", t.seconds() * 1e3);
        json.put(what + "_gflops", gflops);
        json.put(what + "_cpu_normalised_gflops", cpuGflops);
    }

    private static Tensor random(Random rnd, int n, int h, int w, int c) {
        Tensor t = new Tensor(n, h, w, c);
        for (int i = 0; i < t.data.length; i++) t.data[i] = rnd.nextFloat() * 2 - 1;
        return t;
    }

    private static float[] random(Random rnd, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }
}
