package bnnsr.engine;

import bnnsr.engine.graph.PackedModel;
import bnnsr.arch.ArchOptions;
import bnnsr.arch.Model;
import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;

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
    public static InferenceNetwork load(Path file, ArchOptions given) throws IOException {
        if (isPacked(file)) {
            PackedModel m = PackedModel.read(file);
            if (given != null && (!given.arch().equals(m.arch) || given.scale() != m.scale))
                throw new IOException(file + ": holds " + m.arch + " x" + m.scale + ", not the requested " + given.arch() + " x" + given.scale());
            return new EngineNetwork(m);
        }
        try {
            return new ModelNetwork(Model.load(file, given));   // a model file or a training checkpoint
        } catch (IllegalArgumentException | IllegalStateException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IOException(m.startsWith(file.toString()) ? m : file + ": " + m, e);
        }
    }

    /** Packed models say so in their metadata (a file that is no safetensors at all fails later, with its reason). */
    private static boolean isPacked(Path file) {
        try {
            return PackedModel.FORMAT.equals(SafeTensors.read(file).metadata().get("format"));
        } catch (IOException e) {
            return false;
        }
    }

}
