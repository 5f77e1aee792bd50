package bnnsr.cli;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Complexity;
import bnnsr.arch.Model;
import bnnsr.engine.ModelFile;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code bnnsr info}: parameters, MACs, OPs and packed size of an architecture or a model file. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Complexity of a model: parameters (FP / binary), conv MACs for a 1280x720 output (binary",
                "MACs at full weight, the BAM paper's convention), OPs = FP MACs + binary MACs / 64 on a 320x180",
                "LR input, and the size of the bit-packed model."})
public final class InfoCommand implements Callable<Integer> {
    @Option(names = "--arch", description = "architecture name, e.g. srresnet-bam, vdsr-bam, bsrn, srresnet-bbcu, bbcu-m")
    String arch;

    @Option(names = "--scale", description = "upscaling factor (2, 3, 4)")
    Integer scale;

    @Option(names = "--model", description = "a model, checkpoint or packed model file (its metadata names the architecture)")
    Path model;

    @Option(names = "--channels", description = "feature channels (default: the architecture's)")
    Integer channels;

    @Option(names = "--blocks", description = "body blocks (default: the architecture's)")
    Integer blocks;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "an architecture option, e.g. binarizer=bam:w1 or lbs=2")
    Map<String, String> set = new java.util.LinkedHashMap<>();

    @Option(names = "--json", paramLabel = "FILE", arity = "0..1", fallbackValue = "-",
            description = "also write the numbers as JSON to FILE (to standard output when FILE is left out or -)")
    Path json;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public Integer call() throws IOException {
        Model m = load();
        Complexity c = Complexity.of(m);
        PrintWriter out = spec.commandLine().getOut();
        if (json != null && json.toString().equals("-")) {   // JSON alone, so that it can be piped
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(c.toJson()));
            out.flush();
            return 0;
        }
        out.printf(Locale.ROOT, "%s x%d%n", c.arch(), c.scale());
        out.printf(Locale.ROOT, "  params       fp %,d + binary %,d = %,d  (%.1fK; FP + binary/32 = %.1fK)%n",
                c.fpParams(), c.binaryParams(), c.totalParams(), c.totalParams() / 1e3, c.paramsFpEquivalent() / 1e3);
        out.printf(Locale.ROOT, "  params paper %.1fK  (FP conv weights + binary conv weights / 32, the BBCU paper's count)%n",
                c.paramsPaper() / 1e3);
        out.printf(Locale.ROOT, "  MACs 720p    fp %.2fG + binary %.2fG = %.2fG  (1280x720 output)%n",
                c.fpMacs720p() / 1e9, c.binaryMacs720p() / 1e9, c.totalMacs720p() / 1e9);
        out.printf(Locale.ROOT, "  OPs          %.2fG  (FP MACs + binary MACs / 64, 320x180 LR input)%n", c.ops320x180() / 1e9);
        out.printf(Locale.ROOT, "  packed model %,d bytes (%.2f MB; binary weights 1 bit, FP 32 bits)%n",
                c.packedBytes(), c.packedBytes() / 1e6);
        if (json != null) writeJson(c);
        out.flush();
        return 0;
    }

    private Model load() throws IOException {
        if (model != null) {
            String problem = bnnsr.io.InputFiles.problem(model);
            if (problem != null) throw new UserException(model + ": " + (problem.startsWith("is a folder") ? "is a folder, not a model file" : problem));
            ArchOptions given = arch == null ? null : new ArchOptions(arch, scale == null ? 4 : scale, 1, 0);
            try {
                // a packed model records the options of the model it was exported from: the same complexity
                ModelFile f = ModelFile.open(model);
                if (f.isPacked()) return Architectures.create(f.options(given), 0);
                return f.model(given);
            } catch (IOException | IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
        }
        if (arch == null || scale == null) throw new UserException("name --arch and --scale, or give --model FILE");
        try {
            ArchOptions o = Architectures.defaults(arch, scale);
            if (channels != null) o = o.withChannels(channels);
            if (blocks != null) o = o.withBlocks(blocks);
            for (Map.Entry<String, String> e : set.entrySet()) o = o.with(e.getKey(), e.getValue());
            return Architectures.createChecked(o, 0);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    private void writeJson(Complexity c) throws IOException {
        Path target = json.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new UserException("no such folder: " + dir);
        try {
            bnnsr.io.AtomicFiles.writeString(target, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(c.toJson()));
        } catch (bnnsr.io.FileWriteException e) {
            throw new UserException(e.getMessage(), Cli.EXIT_FAILURE);
        }
    }
}
