package bnnsr.engine;

import bnnsr.engine.graph.PackedModel;
import bnnsr.arch.ArchOptions;
import bnnsr.arch.Model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a model file as an {@link InferenceNetwork}: packed deployment models ({@link PackedModel}, recognised by
 * their metadata {@code format}) run by the engine ({@link EngineNetwork}); bnnsr model files and plain PyTorch
 * state dicts as float models ({@link ModelNetwork}).
 */
public final class Networks {
    private Networks() {}

    /**
     * Loads {@code file}; {@code given} (may be null) names the architecture and scale of a plain state dict and
     * must agree with a file's own metadata. Every problem is an IOException whose message names the file.
     */
    public static InferenceNetwork load(Path file, ArchOptions given) throws IOException { return load(ModelFile.open(file), given); }

    /** As {@link #load(Path, ArchOptions)} for a file already open. */
    public static InferenceNetwork load(ModelFile f, ArchOptions given) throws IOException {
        Path file = f.file();
        if (f.isPacked()) {
            PackedModel m = f.packed();
            if (given != null && (!given.arch().equals(m.arch) || given.scale() != m.scale))
                throw new IOException(file + ": holds " + m.arch + " x" + m.scale + ", not the requested " + given.arch() + " x" + given.scale());
            return new EngineNetwork(m);
        }
        try {
            return new ModelNetwork(f.model(given));   // a model file or a training checkpoint
        } catch (IllegalArgumentException | IllegalStateException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IOException(m.startsWith(file.toString()) ? m : file + ": " + m, e);
        }
    }
}
