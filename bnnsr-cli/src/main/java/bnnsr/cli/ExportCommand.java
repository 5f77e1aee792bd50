package bnnsr.cli;

import bnnsr.arch.Model;
import bnnsr.engine.graph.Exporter;
import bnnsr.engine.graph.Node;
import bnnsr.engine.graph.PackedModel;
import bnnsr.engine.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bnnsr export CKPT -o MODEL}: a trained float model or checkpoint -> a packed deployment model. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Turns a trained model (model_latest.safetensors or a training checkpoint)",
                "into a packed deployment model for the inference engine: binary weights",
                "1 bit each (BAM's weight accumulation resolved), BN folded into exact sign",
                "thresholds, FP layers float32; safetensors, written atomically.",
                "Supported: srresnet, vdsr, bsrn and their bnn, xnor, dorefa, bam variants; srresnet-bbcu, bbcu-m."})
public final class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CKPT", description = "a bnnsr model or training checkpoint file")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "MODEL", description = "the packed model file to write")
    Path output;

    @Option(names = "--force", description = "overwrite an existing output file")
    boolean force;

    @Spec CommandSpec spec;

    @Override public Integer call() throws IOException {
        String problem = bnnsr.io.InputFiles.problem(input);
        if (problem != null) throw new UserException(input + ": " + (problem.equals("no such file") ? "no such model file" : problem));
        if (Files.exists(output)) {
            if (Files.isSameFile(input, output)) throw new UserException(output + ": is the input; choose another output file");
            if (!force) throw new UserException(output + ": exists (use --force to overwrite)");
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new UserException(parent + ": no such folder for the output");
        Model model = load(input);
        PackedModel packed;
        try {
            packed = Exporter.export(model);
        } catch (IllegalArgumentException e) {
            throw new UserException(input + ": " + e.getMessage());
        }
        try {
            packed.write(output, force);
        } catch (bnnsr.io.FileWriteException e) {
            throw new UserException(e.getMessage(), e instanceof bnnsr.io.FileWriteException.Exists ? Cli.EXIT_USAGE : Cli.EXIT_FAILURE);
        }
        int binary = 0, fp = 0;
        for (Node n : packed.nodes) {
            if (n instanceof Node.BinaryConv) binary++;
            if (n instanceof Node.Conv) fp++;
        }
        spec.commandLine().getErr().printf(Locale.ROOT, "%s x%d: %d binary + %d FP convs, %,d bytes (float model %,d) -> %s%n",
                packed.arch, packed.scale, binary, fp, Files.size(output), Files.size(input), output);
        return 0;
    }

    /** A bnnsr model file, or a training checkpoint (its optimizer state is skipped). */
    static Model load(Path file) {
        try {
            ModelFile f = ModelFile.open(file);
            if (f.isPacked()) throw new UserException(file + ": already a packed model");
            if (!f.hasArchMetadata()) throw new UserException(file + ": no bnnsr metadata (not a bnnsr model or checkpoint)");
            return f.model(null);
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new UserException(m.startsWith(file.toString()) ? m : file + ": " + m);
        }
    }
}
