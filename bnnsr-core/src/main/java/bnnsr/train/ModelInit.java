package bnnsr.train;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Model;
import bnnsr.io.SafeTensors;
import bnnsr.io.TensorEntry;
import bnnsr.nn.Param;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The {@code init: FILE} recipe (issue 9, 2b): a new run starts from a trained network's tensors instead of random
 * ones. Every tensor of the file is copied into the model tensor of the same name, so an FP srresnet initialises an
 * srresnet-X completely except for what only the binary model has: its FP parts (head, upsampler, tail) are copied,
 * and the FP body convs become the binary convs' latent weights and biases (BasicSR's names are the same), while the
 * binarizers' own parameters (weight standardisation affine, activation BN, a_i, s_i) keep their initialisation.
 * <p>
 * Names must match: a file tensor the model lacks, or one of another shape, is an error (one line, naming it), so a
 * wrong file never half-initialises a run. Optimizer state in a checkpoint file is skipped.
 */
public final class ModelInit {
    private ModelInit() {}

    /** What was copied. */
    public record Summary(int copied, int kept, String from) {
        @Override public String toString() {
            return "initialised " + copied + " tensors from " + from + " (" + kept + " tensors keep their fresh initialisation)";
        }
    }

    public static Summary copy(Model model, Path file) throws IOException { return copy(model, file, java.util.List.of()); }

    /**
     * As {@link #copy(Model, Path)}, leaving out the file's tensors whose names start with one of {@code skip}
     * (e.g. {@code upconv} for a x4 run initialised from a x2 model of the same body, with a fresh upsampler).
     */
    public static Summary copy(Model model, Path file, java.util.List<String> skip) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("init " + file + ": no such file");
        SafeTensors st = SafeTensors.read(file);
        String what = model.options().arch() + " x" + model.options().scale();
        String json = st.metadata().get(ArchOptions.METADATA_KEY);
        String from = file + (json == null ? "" : " (" + ArchOptions.fromJson(json).arch() + " x" + ArchOptions.fromJson(json).scale() + ")");
        int copied = 0;
        java.util.function.Predicate<String> skipped = name -> name.startsWith(Model.OPTIMIZER_PREFIX)
                || skip.stream().anyMatch(name::startsWith);
        for (String name : st.names()) {                       // check everything before changing anything
            if (skipped.test(name)) continue;
            Param p = model.state().get(name);
            if (p == null)
                throw new IllegalArgumentException("init " + file + ": tensor '" + name + "' has no counterpart in " + what + " (names must match)");
            TensorEntry e = st.entry(name);
            long[] want = Arrays.stream(p.shape).asLongStream().toArray();
            if (!Arrays.equals(want, e.shape()))
                throw new IllegalArgumentException("init " + file + ": tensor '" + name + "' is " + Arrays.toString(e.shape())
                        + " in the file, " + Arrays.toString(p.shape) + " in " + what);
            copied++;
        }
        if (copied == 0) throw new IllegalArgumentException("init " + file + ": no tensors to copy");
        for (String name : st.names()) {
            if (skipped.test(name)) continue;
            float[] v = st.floats(name);
            System.arraycopy(v, 0, model.state().get(name).value, 0, v.length);
        }
        return new Summary(copied, model.state().size() - copied, from);
    }
}
