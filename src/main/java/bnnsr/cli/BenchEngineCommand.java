package bnnsr.cli;

import bnnsr.engine.LayerBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bnnsr bench engine}: the binary layer against the fp32 layer of the same shape, and the popcount kernel
 * alone (end-to-end models join once the packed models exist; "models" is empty until then).
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Inference engine speed: one 3x3 64->64 layer on 256x256, binary (sign packing + popcount conv "
                + "+ scale/bias epilogue) vs fp32, and the popcount kernel alone in TBOP/s (BOPs = 2 x binary MACs).")
final class BenchEngineCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "256", description = "layer bench height and width (default: ${DEFAULT-VALUE})") int size;
    @Option(names = "--channels", defaultValue = "64", description = "layer bench channels in and out (default: ${DEFAULT-VALUE})") int channels;
    @Mixin BenchCommand.Options common;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public Integer call() {
        if (size < 1 || channels < 1) throw new UserException("--size and --channels must be positive");
        if ((long) size * size * channels > Integer.MAX_VALUE - 8) throw new UserException("layer too large");
        common.apply();
        LayerBench.Result r = LayerBench.run(size, size, channels, channels, common.warmup > 0 ? 0.5 : 0, body -> common.time(body).seconds());
        PrintWriter out = spec.commandLine().getOut();
        print(r, out);
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("fp32_ms", r.fp32Ms());
        layer.put("binary_ms", r.binaryMs());
        layer.put("ratio", r.ratio());
        layer.put("popcount_tbops", r.popcountTbops());
        layer.put("pack_ms", r.packMs());
        layer.put("conv_ms", r.convMs());
        layer.put("kernel_ms", r.kernelMs());
        layer.put("fp32_impl", r.fp32Impl());
        layer.put("fp32_gflops", r.fp32Gflops());
        layer.put("threads", r.threads());
        layer.put("size", size);
        layer.put("channels", channels);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("layer", layer);
        json.put("models", List.of());
        common.writeJson(json);
        return 0;
    }

    static void print(LayerBench.Result r, PrintWriter out) {
        out.printf(Locale.ROOT, "layer: 3x3 %d->%d on %dx%d, %d thread(s); fp32 = %s%n", r.cin(), r.cout(), r.w(), r.h(), r.threads(), r.fp32Impl());
        out.printf(Locale.ROOT, "| %-38s | %10s | %16s |%n", "case", "ms", "rate");
        out.printf(Locale.ROOT, "|%s|%s|%s|%n", "-".repeat(40), "-".repeat(12), "-".repeat(18));
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %9.1f GFLOP/s |%n", "fp32 conv", r.fp32Ms(), r.fp32Gflops());
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %12.1fx fp32 |%n", "binary layer (pack + conv + epilogue)", r.binaryMs(), r.ratio());
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %16s |%n", "  sign packing alone", r.packMs(), "");
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %16s |%n", "  popcount conv + float epilogue alone", r.convMs(), "");
        out.printf(Locale.ROOT, "| %-38s | %10.3f | %9.2f TBOP/s |%n", "popcount kernel alone", r.kernelMs(), r.popcountTbops());
        out.flush();
    }
}
