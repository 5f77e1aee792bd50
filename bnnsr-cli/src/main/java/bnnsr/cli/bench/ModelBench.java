package bnnsr.cli.bench;

import bnnsr.engine.EngineNetwork;
import bnnsr.engine.Tiler;
import bnnsr.engine.graph.BandRunner;
import bnnsr.engine.graph.EngineModel;
import bnnsr.engine.graph.Exporter;
import bnnsr.engine.graph.Node;
import bnnsr.engine.graph.PackedModel;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The models part of {@code bench engine}: full-size architectures (registry defaults, randomly initialised),
 * exported in memory to packed models and run end to end by the engine on one LR image. Random weights cost the
 * same time as trained ones (no data-dependent work). A benchmark, not a test.
 */
public final class ModelBench {
    /**
     * @param ms        median milliseconds per image
     * @param ratioToFp srresnet's ms / this model's ms (above 1: faster than the FP model), NaN without srresnet
     * @param bytes     packed model file size
     * @param binaryMs  profiled runs (each step's median): time in binary conv steps (accumulation, packing, popcount conv)
     * @param fpConvMs  the same run: time in FP conv steps
     * @param otherMs   the rest (activations, pixel shuffle, bilinear, adds)
     * @param popcountMs median time of the binary convs' popcount kernels alone (no packing, no float work): the
     *                  floor of the binary part, each run right after a profiled run
     * @param streamMs  median time of the same image through {@code upscale}'s path ({@link EngineNetwork#stream}:
     *                  whole when it fits {@link EngineNetwork#WHOLE_BUDGET}, else in bands)
     * @param bandMs    median time of the same image forced through the band schedule ({@link BandRunner}), at the
     *                  band height {@code upscale} uses for its width
     * @param steps     the profiled runs per step (its median), in schedule order
     * @param bandBinaryMs the binary part in the band schedule (profiled as above, the same band height as bandMs)
     * @param bandPopcountMs the popcount kernels alone (the whole image's), timed after each of those profiled runs
     * @param bandSteps the band schedule's time per step (summed over bands, median of the profiled runs)
     */
    public record Result(String arch, int scale, double ms, double ratioToFp, long bytes,
                         double binaryMs, double fpConvMs, double otherMs, double popcountMs, double streamMs, double bandMs,
                         List<EngineModel.StepTime> steps, double bandBinaryMs, double bandPopcountMs,
                         List<EngineModel.StepTime> bandSteps) {
        Result withRatioToFp(double ratio) {
            return new Result(arch, scale, ms, ratio, bytes, binaryMs, fpConvMs, otherMs, popcountMs, streamMs, bandMs, steps, bandBinaryMs,
                    bandPopcountMs, bandSteps);
        }
    }

    private ModelBench() {}

    /** The packed model of a freshly initialised full-size architecture. */
    public static PackedModel packed(String arch, int scale, long seed) {
        Model m = Architectures.create(Architectures.defaults(arch, scale), seed);
        return Exporter.export(m);
    }

    /** Times each architecture on a random h x w LR image; ratios refer to the "srresnet" entry when present. */
    public static List<Result> run(List<String> archs, int scale, int h, int w, LayerBench.Timer timer) {
        Tensor lr = new Tensor(1, h, w, 3);
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < lr.size(); i++) lr.data[i] = (float) rnd.nextDouble();
        List<Result> raw = new ArrayList<>();
        for (String arch : archs) {
            PackedModel p = packed(arch, scale, 1);
            EngineModel engine = new EngineModel(p);
            double ms = 1e3 * timer.medianSeconds(() -> engine.forward(lr));
            boolean binary = p.nodes.stream().anyMatch(n -> n instanceof Node.BinaryConv);
            double[] popcountMs = {0};
            // the whole image's packed inputs (the forward above made them): the same work in either schedule
            Runnable popcount = binary ? engine.popcountOnly() : null;
            List<EngineModel.StepTime> steps = medianSteps(() -> engine.profileSteps(lr), popcount, popcountMs);
            double[] split = EngineModel.split(steps);
            EngineNetwork net = new EngineNetwork(p);
            double streamMs = 1e3 * timer.medianSeconds(() -> net.stream(lr, (slab, y0, from, to) -> {}, Tiler.Progress.NONE));
            BandRunner bands = new BandRunner(engine);
            int bandRows = net.bandRows(lr.w);
            double bandMs = 1e3 * timer.medianSeconds(() -> bands.run(lr, bandRows, (slab, y0, from, to) -> {}, (done, total) -> {}));
            double[] bandPopcountMs = {0};
            List<EngineModel.StepTime> bandSteps = medianSteps(() -> bands.profileSteps(lr, bandRows), popcount, bandPopcountMs);
            double bandBinaryMs = EngineModel.split(bandSteps)[0];
            raw.add(new Result(arch, scale, ms, Double.NaN, fileBytes(p), split[0], split[1], split[2], popcountMs[0], streamMs, bandMs, steps,
                    bandBinaryMs, bandPopcountMs[0], bandSteps));
        }
        double fp = raw.stream().filter(r -> r.arch().equals("srresnet")).mapToDouble(Result::ms).findFirst().orElse(Double.NaN);
        return raw.stream().map(r -> r.withRatioToFp(fp / r.ms())).toList();
    }

    /**
     * Profiled runs, each step's median of them (one run's split was noisy: the page faults of a first pass), each
     * run followed by one run of {@code popcount} (null: none), whose median goes to {@code popcountMs[0]}: the binary
     * part and its popcount floor timed in the same minutes (these VMs have slow and fast spells that lasted longer
     * than one model's bench; timed apart, their ratio moved by 1.8x between two runs of the same code).
     */
    static List<EngineModel.StepTime> medianSteps(java.util.function.Supplier<List<EngineModel.StepTime>> profiled, Runnable popcount,
                                                  double[] popcountMs) {
        List<List<EngineModel.StepTime>> runs = new ArrayList<>();
        double[] pop = new double[PROFILED_RUNS];
        for (int i = 0; i < PROFILED_RUNS; i++) {
            runs.add(profiled.get());
            if (popcount == null) continue;
            long t0 = System.nanoTime();
            popcount.run();
            pop[i] = (System.nanoTime() - t0) * 1e-6;
        }
        java.util.Arrays.sort(pop);
        popcountMs[0] = pop[PROFILED_RUNS / 2];
        List<EngineModel.StepTime> med = new ArrayList<>();
        for (int s = 0; s < runs.getFirst().size(); s++) {
            double[] ms = new double[PROFILED_RUNS];
            for (int i = 0; i < PROFILED_RUNS; i++) ms[i] = runs.get(i).get(s).ms();
            java.util.Arrays.sort(ms);
            EngineModel.StepTime t = runs.getFirst().get(s);
            med.add(new EngineModel.StepTime(t.out(), t.node(), t.kind(), ms[PROFILED_RUNS / 2]));
        }
        return med;
    }

    private static final int PROFILED_RUNS = 5;

    /** The size of the model's file, written to a temporary file and deleted. */
    static long fileBytes(PackedModel p) {
        try {
            Path tmp = Files.createTempFile("bnnsr-bench-", ".safetensors");
            try {
                p.write(tmp);
                return Files.size(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
