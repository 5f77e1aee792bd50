package bnnsr.train;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;
import bnnsr.io.SafeTensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A training checkpoint: one safetensors file (written atomically) holding the model's state dict under its
 * PyTorch names, Adam's state ({@code optimizer.*}), and in the metadata the iterations done and the experiment's
 * settings. The data sampler needs no saved
 * state: each iteration's batch is derived from (seed, iteration). Beside it, {@code model_latest.safetensors} holds
 * the weights alone, for eval / upscale / PyTorch.
 */
public final class Checkpoint {
    public static final String FILE = "checkpoint.safetensors";
    public static final String MODEL_FILE = "model_latest.safetensors";

    /** What a checkpoint restores. */
    public record State(Model model, TrainConfig config, long iteration, SafeTensors tensors) {
        /** Restores the saved optimizer state into a freshly built optimizer over this model's parameters. */
        public void restore(Adam adam) throws SafeTensorsException { adam.load(tensors); }
    }

    private Checkpoint() {}

    public static void save(Path dir, Model model, Adam adam, long iteration, TrainConfig config) throws IOException {
        Files.createDirectories(dir);
        SafeTensorsWriter w = model.addTo(new SafeTensorsWriter());
        adam.addTo(w);
        Map<String, String> meta = model.metadata();
        meta.put("iteration", Long.toString(iteration));
        meta.put("train_config", config.toJson());
        w.write(dir.resolve(FILE), meta);
        model.save(dir.resolve(MODEL_FILE), Map.of("iteration", Long.toString(iteration)));
    }

    public static boolean exists(Path dir) { return Files.isRegularFile(dir.resolve(FILE)); }

    public static State load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        SafeTensors st = SafeTensors.read(file);
        Map<String, String> meta = st.metadata();
        String opts = meta.get(ArchOptions.METADATA_KEY), cfg = meta.get("train_config"), it = meta.get("iteration");
        if (opts == null || cfg == null || it == null)
            throw new SafeTensorsException(file + ": not a bnnsr training checkpoint (metadata incomplete)");
        Model model = Architectures.create(ArchOptions.fromJson(opts), 0);
        try {
            model.loadState(st, n -> n.startsWith(Adam.PREFIX));
        } catch (SafeTensorsException e) {
            throw new SafeTensorsException(file + ": " + e.getMessage());
        }
        try {
            return new State(model, TrainConfig.fromJson(cfg), Long.parseLong(it), st);
        } catch (NumberFormatException e) {
            throw new SafeTensorsException(file + ": bad iteration count in metadata");
        }
    }

}
