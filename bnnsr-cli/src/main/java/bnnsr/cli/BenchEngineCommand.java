package bnnsr.cli;

import bnnsr.arch.Architectures;
import bnnsr.cli.bench.LayerBench;
import bnnsr.cli.bench.ModelBench;
import bnnsr.engine.graph.EngineModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bnnsr bench engine}: the binary layer against the fp32 layer of the same shape, the popcount kernel
 * alone, and end-to-end packed models (full-size, random weights) on one LR image with their file sizes.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Inference engine speed: one 3x3 64->64 layer on 256x256, binary (sign packing + popcount conv "
                + "+ scale/bias epilogue) vs fp32, and the popcount kernel alone in TBOP/s (BOPs = 2 x binary MACs); then "
                + "end-to-end packed models (full size, random weights) on one LR image: ms, speed-up over srresnet, file size.")
final class BenchEngineCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "256", description = "layer bench height and width (default: ${DEFAULT-VALUE})") int size;
    @Option(names = "--channels", defaultValue = "64", description = "layer bench channels in and out (default: ${DEFAULT-VALUE})") int channels;
    @Option(names = "--models", split = ",", defaultValue = "srresnet,srresnet-bam,bsrn",
            description = "architectures run end to end, comma-separated; 'none' for the layer only (default: ${DEFAULT-VALUE})")
    List<String> models;
    @Option(names = "--model-scale", defaultValue = "4", description = "their upscaling factor (default: ${DEFAULT-VALUE})") int modelScale;
    @Option(names = "--lr", defaultValue = "320x180", paramLabel = "WxH", description = "their LR input size (default: ${DEFAULT-VALUE}, a 720p output at x4)")
    String lr;
    @Option(names = "--model-reps", defaultValue = "3", description = "timed runs per model, after one untimed unless --warmup 0 (default: ${DEFAULT-VALUE})")
    int modelReps;
    @Option(names = "--steps", description = "also print each model's time per kind of engine step and its slowest steps")
    boolean steps;
    @Mixin BenchCommand.Options common;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        if (size < 1 || channels < 1) throw new UserException("--size and --channels must be positive");
        if ((long) size * size * channels > Integer.MAX_VALUE - 8) throw new UserException("layer too large");
        common.apply();
        List<String> archs = models.size() == 1 && models.get(0).equals("none") ? List.of() : models;
        int[] lrSize = lrSize();
        if (modelReps < 1) throw new UserException("--model-reps must be at least 1, got " + modelReps);
        for (String a : archs)
            if (!Architectures.names().contains(a)) throw new UserException("unknown architecture '" + a + "' in --models");
        LayerBench.Result r = LayerBench.run(size, size, channels, channels, common.warmup > 0 ? 0.5 : 0, body -> common.time(body).seconds());
        PrintWriter out = spec.commandLine().getOut();
        print(r, out);
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("fp32_ms", r.fp32Ms());
        layer.put("binary_ms", r.binaryMs());
        layer.put("ratio", r.ratio());
        layer.put("popcount_tbops", r.popcountTbops());
        layer.put("pack_ms", r.packMs());
        layer.put("conv_ms", r.convMs());
        layer.put("kernel_ms", r.kernelMs());
        layer.put("popcount_kernel", r.kernel());
        layer.put("other_kernel", r.otherKernel());
        layer.put("other_kernel_ms", r.otherKernelMs());
        layer.put("fp32_impl", r.fp32Impl());
        layer.put("fp32_gflops", r.fp32Gflops());
        layer.put("threads", r.threads());
        layer.put("size", size);
        layer.put("channels", channels);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("layer", layer);
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!archs.isEmpty()) {
            List<ModelBench.Result> results;
            try {
                results = ModelBench.run(archs, modelScale, lrSize[1], lrSize[0],
                        body -> BenchCommand.Options.time(body, common.warmup > 0 ? 1 : 0, 0, modelReps).seconds());
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            printModels(results, lrSize, out);
            if (steps) for (ModelBench.Result m : results) printSteps(m, out);
            for (ModelBench.Result m : results) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("arch", m.arch());
                row.put("scale", m.scale());
                row.put("ms", m.ms());
                row.put("ratio_to_fp", Double.isNaN(m.ratioToFp()) ? null : m.ratioToFp());
                row.put("bytes", m.bytes());
                row.put("binary_ms", m.binaryMs());
                row.put("fp_conv_ms", m.fpConvMs());
                row.put("other_ms", m.otherMs());
                row.put("popcount_ms", m.popcountMs());
                row.put("stream_ms", m.streamMs());
                row.put("band_ms", m.bandMs());
                row.put("band_binary_ms", m.bandBinaryMs());
                row.put("band_popcount_ms", m.bandPopcountMs());
                List<Map<String, Object>> stepRows = new ArrayList<>();
                for (EngineModel.StepTime t : m.steps()) {
                    Map<String, Object> st = new LinkedHashMap<>();
                    st.put("out", t.out());
                    st.put("node", t.node().getClass().getSimpleName());
                    st.put("kind", t.kind());
                    st.put("ms", t.ms());
                    stepRows.add(st);
                }
                row.put("steps", stepRows);
                row.put("lr", lrSize[0] + "x" + lrSize[1]);
                rows.add(row);
            }
        }
        json.put("models", rows);
        common.writeJson(json);
        return 0;
    }

    private int[] lrSize() {
        String[] p = lr.toLowerCase(Locale.ROOT).split("x");
        try {
            int w = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim());
            if (p.length != 2 || w < 1 || h < 1) throw new NumberFormatException();
            return new int[] {w, h};
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new UserException("--lr must be WxH with positive sizes, got '" + lr + "'");
        }
    }

    static void printModels(List<ModelBench.Result> results, int[] lr, PrintWriter out) {
        out.printf(Locale.ROOT, "%nmodels: end to end on a %dx%d LR input: whole image, upscale's path (whole when it fits in memory,"
                + " else streamed in bands) and forced into bands; profiled runs (each step's median) split into binary (fused BBCU units"
                + " included) / FP conv / other steps; the binary convs' popcount kernels alone, run after each profiled run, and the"
                + " binary part over them; the same for the band schedule (binary part in bands over its popcount time)%n", lr[0], lr[1]);
        out.printf(Locale.ROOT, "| %-14s | %5s | %10s | %10s | %10s | %11s | %12s | %24s | %11s | %10s | %21s |%n", "arch", "scale", "ms", "upscale", "banded",
                "vs srresnet", "bytes", "binary / fp conv / other", "popcount ms", "binary/pop", "banded bin/pop");
        out.printf(Locale.ROOT, "|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(16), "-".repeat(7), "-".repeat(12), "-".repeat(12), "-".repeat(12),
                "-".repeat(13), "-".repeat(14), "-".repeat(26), "-".repeat(13), "-".repeat(12), "-".repeat(23));
        for (ModelBench.Result m : results)
            out.printf(Locale.ROOT, "| %-14s | %5d | %10.1f | %10.1f | %10.1f | %10.2fx | %,12d | %7.0f / %7.0f / %6.0f | %11.1f | %10s | %21s |%n", m.arch(), m.scale(),
                    m.ms(), m.streamMs(), m.bandMs(), m.ratioToFp(), m.bytes(), m.binaryMs(), m.fpConvMs(), m.otherMs(), m.popcountMs(),
                    m.popcountMs() > 0 ? String.format(Locale.ROOT, "%.2fx", m.binaryMs() / m.popcountMs()) : "-",
                    m.bandPopcountMs() > 0 ? String.format(Locale.ROOT, "%.0f / %.1f = %.2fx", m.bandBinaryMs(), m.bandPopcountMs(),
                            m.bandBinaryMs() / m.bandPopcountMs()) : "-");
        out.flush();
    }

    /** Slowest steps listed: enough to see where a model's time goes. */
    private static final int SLOWEST = 10;

    /** Per kind of step (BinaryStep, ChainStep, ConvStep, ...): count and total ms; then the slowest steps. */
    static void printSteps(ModelBench.Result m, PrintWriter out) {
        out.printf(Locale.ROOT, "%nsteps of %s x%d (median of profiled runs), whole image | in bands:%n", m.arch(), m.scale());
        Map<String, double[]> kinds = new java.util.TreeMap<>();
        for (EngineModel.StepTime t : m.steps()) {
            double[] k = kinds.computeIfAbsent(t.kind(), x -> new double[3]);
            k[0]++;
            k[1] += t.ms();
        }
        for (EngineModel.StepTime t : m.bandSteps()) kinds.computeIfAbsent(t.kind(), x -> new double[3])[2] += t.ms();
        for (Map.Entry<String, double[]> e : kinds.entrySet())
            out.printf(Locale.ROOT, "  %-16s %4.0f steps %9.1f ms | %9.1f ms%n", e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]);
        List<EngineModel.StepTime> slow = new ArrayList<>(m.steps());
        slow.sort(java.util.Comparator.comparingDouble(EngineModel.StepTime::ms).reversed());
        out.printf(Locale.ROOT, "  slowest (whole image):%n");
        for (EngineModel.StepTime t : slow.subList(0, Math.min(SLOWEST, slow.size())))
            out.printf(Locale.ROOT, "  %9.2f ms  %-12s %-14s -> %s%n", t.ms(), t.kind(), t.node().getClass().getSimpleName(), t.out());
        out.flush();
    }

    static void print(LayerBench.Result r, PrintWriter out) {
        out.printf(Locale.ROOT, "layer: 3x3 %d->%d on %dx%d, %d thread(s); fp32 = %s%n", r.cin(), r.cout(), r.w(), r.h(), r.threads(), r.fp32Impl());
        out.printf(Locale.ROOT, "| %-38s | %10s | %16s |%n", "case", "ms", "rate");
        out.printf(Locale.ROOT, "|%s|%s|%s|%n", "-".repeat(40), "-".repeat(12), "-".repeat(18));
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %9.1f GFLOP/s |%n", "fp32 conv", r.fp32Ms(), r.fp32Gflops());
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %12.1fx fp32 |%n", "binary layer (pack + conv + epilogue)", r.binaryMs(), r.ratio());
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %16s |%n", "  sign packing alone", r.packMs(), "");
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %16s |%n", "  popcount conv + float epilogue alone", r.convMs(), "");
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %9.2f TBOP/s |%n", "popcount kernel alone", r.kernelMs(), r.popcountTbops());
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %9.2f TBOP/s |%n", "  the " + r.otherKernel() + " kernel alone (not chosen)", r.otherKernelMs(),
                r.otherPopcountTbops());
        out.printf(Locale.ROOT, "popcount kernel: %s%n", r.kernel());
        out.flush();
    }
}
