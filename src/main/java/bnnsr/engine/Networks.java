package bnnsr.engine;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Model;

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
        } catch (IllegalArgumentException | IllegalStateException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IOException(m.startsWith(file.toString()) ? m : file + ": " + m, e);
        }
    }
}
