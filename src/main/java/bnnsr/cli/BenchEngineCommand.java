package bnnsr.cli;

import bnnsr.engine.LayerBench;
import bnnsr.tensor.Parallel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bnnsr bench engine}: binary vs fp32 layer speed (and, once backbones exist, end-to-end models). */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Benchmark the inference engine: one 3x3 64->64 layer on 256x256, binary vs fp32, and the popcount kernel.")
public final class BenchEngineCommand implements Callable<Integer> {

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "Time budget per measured case, warm-up included (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--size", paramLabel = "N", defaultValue = "256", description = "Layer bench image side (default: ${DEFAULT-VALUE}).")
    int size;

    @Override public Integer call() throws IOException {
        if (threads != null) {
            if (threads < 1) throw new UserException("--threads must be >= 1, got " + threads);
            Parallel.setThreads(threads);
        }
        if (size < 1) throw new UserException("--size must be >= 1, got " + size);
        if (!(seconds > 0)) throw new UserException("--seconds must be > 0, got " + seconds);
        LayerBench.Result r = LayerBench.run(size, size, 64, 64, seconds);
        print(r, System.out);
        if (json != null) writeJson(r, json);
        return 0;
    }

    static void print(LayerBench.Result r, PrintStream out) {
        out.printf(Locale.ROOT, "layer: 3x3 %d->%d on %dx%d, %d thread(s); fp32 = %s%n", r.cin(), r.cout(), r.w(), r.h(), r.threads(), r.fp32Impl());
        out.printf(Locale.ROOT, "| %-36s | %10s | %14s |%n", "case", "ms", "rate");
        out.printf(Locale.ROOT, "|%s|%s|%s|%n", "-".repeat(38), "-".repeat(12), "-".repeat(16));
        out.printf(Locale.ROOT, "| %-36s | %10.3f | %9.1f GFLOP/s |%n", "fp32 conv", r.fp32Ms(), r.fp32Gflops());
        out.printf(Locale.ROOT, "| %-36s | %10.3f | %12.1fx |%n", "binary layer (pack + conv + epilogue)", r.binaryMs(), r.ratio());
        out.printf(Locale.ROOT, "| %-36s | %10.3f | %14s |%n", "  of which sign packing", r.packMs(), "");
        out.printf(Locale.ROOT, "| %-36s | %10.3f | %14s |%n", "  of which conv + float epilogue", r.convMs(), "");
        out.printf(Locale.ROOT, "| %-36s | %10.3f | %8.2f TBOP/s |%n", "popcount kernel alone", r.kernelMs(), r.popcountTbops());
    }

    static void writeJson(LayerBench.Result r, Path file) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ObjectNode layer = root.putObject("layer");
        layer.put("fp32_ms", r.fp32Ms());
        layer.put("binary_ms", r.binaryMs());
        layer.put("ratio", r.ratio());
        layer.put("popcount_tbops", r.popcountTbops());
        layer.put("pack_ms", r.packMs());
        layer.put("conv_ms", r.convMs());
        layer.put("kernel_ms", r.kernelMs());
        layer.put("fp32_impl", r.fp32Impl());
        layer.put("threads", r.threads());
        layer.put("size", r.h());
        root.putArray("models");
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null && !Files.isDirectory(dir)) throw new UserException("folder does not exist: " + dir);
        Path tmp = Files.createTempFile(dir, ".bench-", ".json.tmp");
        try {
            m.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
