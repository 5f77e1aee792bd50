package bnnsr.engine;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Model;
import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a model file as an {@link InferenceNetwork}. Today: bnnsr model and checkpoint files and plain PyTorch
 * state dicts, run as float models ({@link ModelNetwork}). The packed binary format will be recognised here by its
 * metadata and opened by the packed engine, so that every user of this class gets it without change.
 */
public final class Networks {
    private Networks() {}

    /**
     * Loads {@code file}; {@code given} (may be null) names the architecture and scale of a plain state dict and
     * must agree with a file's own metadata. Every problem is an IOException whose message names the file.
     */
    public static InferenceNetwork load(Path file, ArchOptions given) throws IOException {
        try {
            return new ModelNetwork(Model.load(file, given));
        } catch (SafeTensorsException e) {
            if (isTrainingCheckpoint(file))
                throw new SafeTensorsException(file + ": a training checkpoint (weights and optimizer state); use the "
                        + "model file written beside it (model_latest.safetensors)");
            throw e;
        } catch (IllegalArgumentException | IllegalStateException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IOException(m.startsWith(file.toString()) ? m : file + ": " + m, e);
        }
    }

    /** Training checkpoints carry their run's settings in the metadata. */
    private static boolean isTrainingCheckpoint(Path file) {
        try {
            return SafeTensors.read(file).metadata().containsKey("train_config");
        } catch (IOException e) {
            return false;
        }
    }
}
