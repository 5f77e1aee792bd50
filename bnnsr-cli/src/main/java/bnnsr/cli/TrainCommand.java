package bnnsr.cli;

import bnnsr.eval.EvalInputException;
import bnnsr.image.ImageFileException;
import bnnsr.io.SafeTensorsException;
import bnnsr.tensor.Parallel;
import bnnsr.train.TrainConfig;
import bnnsr.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bnnsr train}: trains a model from an options file and/or command-line settings (the command line wins),
 * with checkpoints and {@code --resume}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a super-resolution network (L1 loss, Adam) on HR image folders.",
                "Settings come from --config (YAML or JSON, see options/) and the options below, which win.",
                "Writes OUT/checkpoint.safetensors (resumable), OUT/model_latest.safetensors, OUT/log.csv."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Options file (.yml, .yaml or .json).")
    Path config;
    @Option(names = "--arch", paramLabel = "NAME", description = "Architecture (e.g. srresnet, srresnet-bam, bsrn, srresnet-bbcu, bbcu-m).")
    String arch;
    @Option(names = "--scale", paramLabel = "S", description = "Upscaling factor 2, 3 or 4.")
    Integer scale;
    @Option(names = "--channels", paramLabel = "C", description = "Feature channels (default: the architecture's).")
    Integer channels;
    @Option(names = "--blocks", paramLabel = "B", description = "Body blocks (default: the architecture's).")
    Integer blocks;
    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "Architecture option (repeatable), e.g. binarizer settings.")
    Map<String, String> options;
    @Option(names = "--iters", paramLabel = "N", description = "Total iterations.")
    Long iters;

    @Option(names = "--stop-at", paramLabel = "N", description = "End this sitting after iteration N (checkpointed;"
            + " the schedule still spans --iters): compare runs at equal budget, continue later with --resume.")
    Long stopAt;
    @Option(names = "--batch", paramLabel = "N", description = "Batch size.")
    Integer batch;
    @Option(names = "--patch", paramLabel = "P", description = "LR patch side.")
    Integer patch;
    @Option(names = "--lr", paramLabel = "LR", description = "Base learning rate.")
    Double lr;
    @Option(names = "--schedule", paramLabel = "NAME", description = "LR schedule: constant, step or cosine.")
    String schedule;
    @Option(names = "--data", split = ",", paramLabel = "DIR", description = "Training HR folders, comma separated.")
    List<String> data;
    @Option(names = "--val", paramLabel = "DIR", description = "Validation folder ('' for none).")
    String val;
    @Option(names = "--val-every", paramLabel = "N", description = "Validate every N iterations.")
    Integer valEvery;
    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Checkpoint every N iterations.")
    Integer checkpointEvery;
    @Option(names = "--seed", paramLabel = "S", description = "Random seed (initialisation and batches).")
    Long seed;
    @Option(names = {"--out", "-o"}, paramLabel = "DIR", description = "Output folder (default: runs/ARCH_xSCALE).")
    String out;
    @Option(names = "--init", paramLabel = "FILE", description = "Initialise a new run from a trained network's tensors (names must match), e.g. an FP srresnet for srresnet-bam.")
    String init;
    @Option(names = "--teacher", paramLabel = "FILE", description = "Distil from this trained network (same scale): loss + weight x L1 to its output.")
    String teacher;
    @Option(names = "--distill-weight", paramLabel = "W", description = "Weight of the distillation term (default 1).")
    Double distillWeight;
    @Option(names = "--resume", description = "Continue from OUT/checkpoint.safetensors if it exists.")
    boolean resume;
    @Option(names = "--force", description = "Start a new run even if OUT holds one (its checkpoint, model and log are replaced).")
    boolean force;
    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override public Integer call() throws IOException {
        TrainConfig c;
        try {
            c = config == null ? new TrainConfig() : readConfig(config);
            apply(c);
            if (threads != null) Parallel.setThreads(threads);
            Trainer t = new Trainer(c, resume, force, System.err);
            t.run(stopAt == null ? t.totalIterations() : stopAt);
        } catch (IllegalArgumentException | EvalInputException | ImageFileException | SafeTensorsException e) {
            throw new UserException(e.getMessage());
        } catch (bnnsr.io.FileWriteException e) {
            throw new UserException(e.getMessage(), Cli.EXIT_FAILURE);
        }
        return 0;
    }

    private static TrainConfig readConfig(Path file) throws IOException {
        String problem = bnnsr.io.InputFiles.problem(file);   // a FIFO would block the read
        if (problem != null) throw new UserException(file + ": " + (problem.equals("no such file") ? "no such options file" : problem));
        return TrainConfig.read(file);
    }

    /** Command-line settings override the options file. */
    void apply(TrainConfig c) {
        if (arch != null) c.arch = arch;
        if (scale != null) c.scale = scale;
        if (channels != null) c.channels = channels;
        if (blocks != null) c.blocks = blocks;
        if (options != null) c.options.putAll(options);
        if (iters != null) c.iters = iters;
        if (batch != null) c.batch = batch;
        if (patch != null) c.patch = patch;
        if (lr != null) c.lr = lr;
        if (schedule != null) c.schedule = schedule;
        if (data != null) c.data = data;
        if (val != null) c.val = val;
        if (valEvery != null) c.valEvery = valEvery;
        if (checkpointEvery != null) c.checkpointEvery = checkpointEvery;
        if (seed != null) c.seed = seed;
        if (out != null) c.out = out;
        if (init != null) c.init = init;
        if (teacher != null) c.teacher = teacher;
        if (distillWeight != null) c.distillWeight = distillWeight;
    }
}
