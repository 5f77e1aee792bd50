package bnnsr.train;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;
import bnnsr.io.SafeTensorsWriter;
import bnnsr.nn.Param;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training checkpoint: one safetensors file (written atomically) holding the model's state dict under its
 * PyTorch names, Adam's moments as {@code optimizer.exp_avg.NAME} / {@code optimizer.exp_avg_sq.NAME}, and in the
 * metadata the iterations done, Adam's step count and the experiment's settings. The data sampler needs no saved
 * state: each iteration's batch is derived from (seed, iteration). Beside it, {@code model_latest.safetensors} holds
 * the weights alone, for eval / upscale / PyTorch.
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.safetensors";
    public static final String MODEL_FILE = "model_latest.safetensors";
    private static final String M = "optimizer.exp_avg.", V = "optimizer.exp_avg_sq.";

    /** What a checkpoint restores. */
    public record State(Model model, TrainConfig config, long iteration, long adamSteps, SafeTensors tensors) {
        /** Copies the saved moments into a freshly built optimizer over this model's parameters. */
        public void restore(Adam adam) throws SafeTensorsException {
            for (Param p : model.params()) {
                copy(tensors.floats(M + p.name), adam.firstMoments().get(p.name), p.name);
                copy(tensors.floats(V + p.name), adam.secondMoments().get(p.name), p.name);
            }
            adam.setStepCount(adamSteps);
        }
    }

    private Checkpoint() {}

    public static void save(Path dir, Model model, Adam adam, long iteration, TrainConfig config) throws IOException {
        Files.createDirectories(dir);
        SafeTensorsWriter w = model.addTo(new SafeTensorsWriter());
        for (Param p : model.params()) {
            w.putF32(M + p.name, p.shape, adam.firstMoments().get(p.name));
            w.putF32(V + p.name, p.shape, adam.secondMoments().get(p.name));
        }
        Map<String, String> meta = model.metadata();
        meta.put("iteration", Long.toString(iteration));
        meta.put("adam_steps", Long.toString(adam.stepCount()));
        meta.put("train_config", config.toJson());
        w.write(dir.resolve(FILE), meta);
        model.save(dir.resolve(MODEL_FILE), Map.of("iteration", Long.toString(iteration)));
    }

    public static boolean exists(Path dir) { return Files.isRegularFile(dir.resolve(FILE)); }

    public static State load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        SafeTensors st = SafeTensors.read(file);
        Map<String, String> meta = st.metadata();
        String opts = meta.get(ArchOptions.METADATA_KEY), cfg = meta.get("train_config"), it = meta.get("iteration"), steps = meta.get("adam_steps");
        if (opts == null || cfg == null || it == null || steps == null)
            throw new SafeTensorsException(file + ": not a bnnsr training checkpoint (metadata incomplete)");
        Model model = Architectures.create(ArchOptions.fromJson(opts), 0);
        try {
            model.loadState(st, n -> n.startsWith(M) || n.startsWith(V));
        } catch (SafeTensorsException e) {
            throw new SafeTensorsException(file + ": " + e.getMessage());
        }
        try {
            return new State(model, TrainConfig.fromJson(cfg), Long.parseLong(it), Long.parseLong(steps), st);
        } catch (NumberFormatException e) {
            throw new SafeTensorsException(file + ": bad iteration count in metadata");
        }
    }

    private static void copy(float[] from, float[] to, String name) throws SafeTensorsException {
        if (from.length != to.length) throw new SafeTensorsException("optimizer state of " + name + " has the wrong size");
        System.arraycopy(from, 0, to, 0, to.length);
    }
}
