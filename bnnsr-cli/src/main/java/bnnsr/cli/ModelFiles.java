package bnnsr.cli;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.engine.InferenceNetwork;
import bnnsr.engine.Networks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a model file named on the command line, turning every problem into one user-facing line. */
final class ModelFiles {
    private ModelFiles() {}

    /**
     * A model file (bnnsr model, training checkpoint or packed model), or a plain state dict (e.g. exported from
     * PyTorch) when {@code arch} and {@code scale} name what it holds; with metadata, {@code arch}/{@code scale} (if
     * given) must agree with it.
     */
    static InferenceNetwork load(Path file, String arch, Integer scale) {
        if (!Files.exists(file)) throw new UserException(file + ": no such model file");
        if (!Files.isRegularFile(file)) throw new UserException(file + ": not a file");
        if (arch != null && scale == null) throw new UserException("--arch needs --scale (the state dict's upscaling factor)");
        try {
            ArchOptions given = arch == null ? null : Architectures.defaults(arch, scale);
            return Networks.load(file, given);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new UserException(m.startsWith(file.toString()) ? m : file + ": " + m);
        }
    }
}
