package bnnsr.engine;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Model;
import bnnsr.engine.graph.PackedModel;
import bnnsr.io.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file read once: a packed deployment model ({@link PackedModel}, recognised by its metadata
 * {@code format}), or a float model (a bnnsr model file, a training checkpoint, a plain PyTorch state dict). The
 * one place that tells them apart: loading for inference ({@link Networks}), {@code export} and {@code info} all
 * open files here.
 */
public final class ModelFile {
    private final Path file;
    private final SafeTensors st;

    private ModelFile(Path file, SafeTensors st) {
        this.file = file;
        this.st = st;
    }

    /** Reads {@code file} (header and tensors, once); problems are IOExceptions naming the file. */
    public static ModelFile open(Path file) throws IOException { return new ModelFile(file, SafeTensors.read(file)); }

    public Path file() { return file; }

    public boolean isPacked() { return PackedModel.FORMAT.equals(st.metadata().get("format")); }

    /** Whether the file carries bnnsr's architecture metadata (a model file or checkpoint, packed or not). */
    public boolean hasArchMetadata() { return st.metadata().get(ArchOptions.METADATA_KEY) != null || isPacked(); }

    /** The packed model (only when {@link #isPacked}). */
    public PackedModel packed() throws IOException { return PackedModel.read(st, file.toString()); }

    /**
     * The float model (not packed): {@code given} (may be null) names the architecture and scale of a plain state
     * dict and must agree with the file's own metadata; a checkpoint's optimizer state is skipped.
     */
    public Model model(ArchOptions given) throws IOException { return Model.load(st, given, file); }

    /** The architecture options the file records: a packed model's source options, or a model file's. */
    public ArchOptions options(ArchOptions given) throws IOException {
        return isPacked() ? ArchOptions.fromJson(packed().options) : model(given).options();
    }
}
