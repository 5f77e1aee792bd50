package bnnsr.train;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.arch.ModelInput;
import bnnsr.eval.Evaluator;
import bnnsr.engine.ModelNetwork;
import bnnsr.engine.NetworkResolver;
import bnnsr.eval.Protocol;
import bnnsr.image.ImageReader;
import bnnsr.io.Limits;
import bnnsr.nn.Loss;
import bnnsr.tensor.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training loop: batches from the {@link Prefetcher}, forward, loss, backward, Adam, with a progress line,
 * a CSV curve ({@code log.csv}), validation PSNR through the evaluation {@link Protocol} and atomic checkpoints.
 */
public final class Trainer {
    private final TrainConfig cfg;
    private final Path out;
    private final PrintStream log;
    private final Model model;
    /** The model as the evaluation protocol runs it (made at the first validation). */
    private NetworkResolver validator;
    private final Adam adam;
    private final long start;
    private final TrainingImages images;
    private final List<Protocol.Sample> valSamples;
    private final CpuClock cpu;
    private final Model teacher;

    /** A finished run: the iterations done, the last logged loss, and the last validation PSNR (NaN if none). */
    public record Result(long iterations, double loss, double valPsnr, Model model) {}

    /** Prepares a run into a folder that holds no run yet, or continues it with {@code resume}. */
    public Trainer(TrainConfig config, boolean resume, PrintStream log) throws IOException { this(config, resume, false, log); }

    /**
     * Prepares a run: a new model, or the state of {@code out}'s checkpoint when {@code resume} and one exists. A
     * new run into a folder that already holds one (a checkpoint, model or log) needs {@code force}: it would
     * replace them.
     */
    public Trainer(TrainConfig config, boolean resume, boolean force, PrintStream log) throws IOException {
        this.log = log;
        Path dir = Path.of(config.outDir());
        long cpuAtStart = CpuClock.processCpuNanos();
        double earlierCpu = 0;
        if (resume && Checkpoint.exists(dir)) {
            Checkpoint.State st = Checkpoint.load(dir);
            TrainConfig saved = st.config();
            saved.iters = config.iters;           // the one setting a resumed run may change: how far to go
            saved.out = config.outDir();
            Path file = dir.resolve(Checkpoint.FILE);
            try {
                saved.validate();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": its saved settings are invalid: " + e.getMessage());
            }
            if (saved.iters < st.iteration())
                throw new IllegalArgumentException(file + " is at iteration " + st.iteration() + "; --iters " + saved.iters
                        + " is behind it (--iters is the total to reach, give more than " + st.iteration() + ")");
            this.cfg = saved;
            this.model = st.model();
            this.adam = cfg.adam(model.params());
            st.restore(adam);
            this.start = st.iteration();
            earlierCpu = st.cpuSeconds();
            log.printf("resuming %s at iteration %d of %d%n", file, start, cfg.iters);
        } else {
            if (resume) log.println("no checkpoint in " + dir + ": starting a new run");
            else if (!force && holdsRun(dir))
                throw new IllegalArgumentException(dir + " already holds a training run (" + Checkpoint.FILE + ", "
                        + Checkpoint.MODEL_FILE + " or " + CurveLog.FILE + "); use --resume to continue it, --force to"
                        + " start over and replace it, or another --out");
            config.validate();
            this.cfg = config;
            ArchOptions options = archOptions(config);
            Limits.checkModelFitsHeap(options.channels(), options.blocks(), 4);   // weights, gradients, Adam's moments
            this.model = Architectures.createChecked(options, config.seed);
            if (config.init != null) log.println(ModelInit.copy(model, DataPaths.resolve(config.init), config.initSkip));
            this.adam = cfg.adam(model.params());
            this.start = 0;
        }
        this.out = Path.of(cfg.outDir());
        Files.createDirectories(out);
        bnnsr.io.AtomicFiles.writeString(out.resolve("config.json"), cfg.toJson());
        // the clock counts this sitting from the constructor's start (loading the checkpoint and the data included)
        this.cpu = new CpuClock(earlierCpu + (CpuClock.processCpuNanos() - cpuAtStart) / 1e9);
        this.teacher = cfg.teacher == null ? null : loadTeacher(DataPaths.resolve(cfg.teacher));
        this.images = loadImages();
        this.valSamples = loadValidation();
    }

    /** What a new run would replace. */
    private static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(Checkpoint.FILE)) || Files.exists(dir.resolve(Checkpoint.MODEL_FILE))
                || Files.exists(dir.resolve(CurveLog.FILE));
    }

    /** The architecture options the config asks for: the registry's defaults with the config's overrides. */
    public static ArchOptions archOptions(TrainConfig c) {
        ArchOptions o = Architectures.defaults(c.arch, c.scale);
        if (c.channels != null) o = o.withChannels(c.channels);
        if (c.blocks != null) o = o.withBlocks(c.blocks);
        for (var e : c.options.entrySet()) o = o.with(e.getKey(), e.getValue());
        return o;
    }

    private Model loadTeacher(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("teacher " + file + ": no such file");
        Model t = Model.load(file);
        if (t.options().scale() != cfg.scale)
            throw new IllegalArgumentException("teacher " + file + " is x" + t.options().scale() + ", the run is x" + cfg.scale);
        log.printf("distilling from %s (%s x%d), weight %g%n", file, t.options().arch(), t.options().scale(), cfg.distillWeight);
        return t;
    }

    public Model model() { return model; }

    public long startIteration() { return start; }

    private TrainingImages loadImages() {
        List<Path> folders = new ArrayList<>();
        for (String d : cfg.data) {
            Path p = DataPaths.resolve(d);
            if (Files.isDirectory(p)) folders.add(p);
            else log.println("note: training folder " + d + " not found, skipped");
        }
        if (folders.isEmpty()) throw new IllegalArgumentException("none of the training folders exist: " + String.join(", ", cfg.data));
        List<String> skipped = new ArrayList<>();
        TrainingImages t = TrainingImages.load(folders, cfg.scale, cfg.patch, skipped);
        for (String s : skipped) log.println("note: skipped " + s);
        if (t.size() == 0) throw new IllegalArgumentException("no training image is large enough for patch " + cfg.patch + " at x" + cfg.scale);
        log.printf("training on %d images from %s (LR made once with MATLAB bicubic, x%d)%n", t.size(), folders, cfg.scale);
        return t;
    }

    private List<Protocol.Sample> loadValidation() {
        if (cfg.val == null || cfg.val.isBlank()) return List.of();
        Path dir = DataPaths.resolve(cfg.val);
        List<Protocol.Sample> samples = new ArrayList<>();
        for (Path f : Evaluator.listImages(dir))
            samples.add(Protocol.prepare(f.getFileName().toString(), ImageReader.read(f), cfg.scale));
        return samples;
    }

    /** Mean validation PSNR (Y, shave = scale) of the current model, NaN without a validation set. */
    public double validate() {
        if (valSamples.isEmpty()) return Double.NaN;
        if (validator == null) validator = new NetworkResolver(new ModelNetwork(model), cfg.arch);
        return Evaluator.measure("validation", valSamples, validator).psnr();
    }

    public Result run() throws IOException { return run(cfg.iters); }

    /** The total the schedule spans (a resumed run's saved total unless --iters changed it). */
    public long totalIterations() { return cfg.iters; }

    /**
     * Trains up to iteration {@code until} (at most the configured total) and checkpoints there: one sitting of a
     * longer run, whose learning-rate schedule still spans the configured total, so that runs compared at equal
     * CPU budget (and a later {@code --resume}) follow the very schedule of an uninterrupted run.
     */
    public Result run(long until) throws IOException {
        if (until > cfg.iters || (until <= start && until < cfg.iters))
            throw new IllegalArgumentException("--stop-at " + until + " must be after the run's iteration " + start
                    + " and at most its total " + cfg.iters);
        PatchSampler sampler = new PatchSampler(images, cfg.batch, cfg.patch, cfg.seed);
        Objective objective = new Objective(cfg.loss.equals("mse") ? new Loss.Mse() : new Loss.L1(), teacher, cfg.distillWeight);
        LrSchedule schedule = cfg.lrSchedule();
        CurveLog curve = new CurveLog(out.resolve(CurveLog.FILE), start);
        double windowLoss = 0, lastLoss = Double.NaN, lastVal = Double.NaN;
        int window = 0;
        long t0 = System.nanoTime(), windowStart = t0;
        try (Prefetcher batches = new Prefetcher(sampler, start);
             ProgressLine progress = new ProgressLine(log, cfg.iters, start)) {
            for (long it = start; it < until; it++) {
                PatchSampler.Batch b = batches.take(it);
                double lr = schedule.lr(it);
                Tensor y = model.forward(ModelInput.prepare(model.options(), b.lr()), true);
                double l = objective.forward(y, b.lr(), b.hr());
                if (!Double.isFinite(l)) throw new IllegalStateException("loss became " + l + " at iteration " + it + ": lower the learning rate");
                adam.zeroGrad();                  // layers accumulate into Param.grad
                model.backward(objective.backward());
                adam.step(lr);
                windowLoss += l;
                window++;
                long done = it + 1;
                boolean val = !valSamples.isEmpty() && (done % cfg.valEvery == 0 || done == until);
                if (val) lastVal = validate();
                if (done % cfg.logEvery == 0 || done == until || val) {
                    long now = System.nanoTime();
                    double itPerS = window / ((now - windowStart) / 1e9);
                    lastLoss = windowLoss / window;
                    curve.append(done, lastLoss, lr, itPerS, val ? lastVal : Double.NaN, cpu.seconds());
                    progress.update(done, lastLoss, lr, itPerS, lastVal, val);
                    windowLoss = 0;
                    window = 0;
                    windowStart = now;
                }
                if (done % cfg.checkpointEvery == 0 || done == until) Checkpoint.save(out, model, adam, done, cfg, cpu.seconds());
            }
        }
        if (until < cfg.iters) log.printf("stopped at iteration %d of %d%s; continue with --resume%n", until, cfg.iters,
                Double.isNaN(lastVal) ? "" : String.format(", validation PSNR %.3f dB", lastVal));
        else if (start == cfg.iters) log.printf("nothing to do: %s is already at iteration %d of %d%n", out.resolve(Checkpoint.FILE), start, cfg.iters);
        else log.printf("done: %d iterations in %.1f s%s; model in %s%n", cfg.iters - start, (System.nanoTime() - t0) / 1e9,
                Double.isNaN(lastVal) ? "" : String.format(", validation PSNR %.3f dB", lastVal), out.resolve(Checkpoint.MODEL_FILE));
        return new Result(until, lastLoss, lastVal, model);
    }
}
