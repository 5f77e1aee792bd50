package bnnsr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code bnnsr bench ...}: speed measurements. Each measurement is a subcommand listed in {@code subcommands}
 * that mixes in {@link Options} for the flags every benchmark shares (threads, repetitions, JSON output).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures speed: medians of timed repetitions after warm-up.",
        subcommands = {BenchConvCommand.class, BenchEngineCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark (see bnnsr bench --help)");
    }

    /** Flags shared by all benchmarks; use with {@code @Mixin}. */
    public static final class Options {
        @Option(names = "--threads", description = "worker threads (default: all cores, ${DEFAULT-VALUE})")
        int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--warmup", defaultValue = "5", description = "untimed runs first (default: ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--reps", defaultValue = "9", description = "timed runs; the median is reported (default: ${DEFAULT-VALUE})")
        int reps;

        @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
        Path json;

        /** Checks the flags and applies the thread count. */
        public void apply() {
            if (threads < 1) throw new UserException("--threads must be at least 1, got " + threads);
            if (warmup < 0) throw new UserException("--warmup must not be negative, got " + warmup);
            if (reps < 1) throw new UserException("--reps must be at least 1, got " + reps);
            bnnsr.tensor.Parallel.setThreads(threads);
        }

        /** Median seconds of one run of {@code body} over {@code reps} timed runs after {@code warmup} untimed ones. */
        public double medianSeconds(Runnable body) { return medianSeconds(body, warmup, reps); }

        public static double medianSeconds(Runnable body, int warmup, int reps) {
            for (int i = 0; i < warmup; i++) body.run();
            double[] t = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                body.run();
                t[i] = (System.nanoTime() - t0) * 1e-9;
            }
            Arrays.sort(t);
            return reps % 2 == 1 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
        }

        /** Writes {@code values} to --json (if given), atomically: a temporary file in the same folder, then a move. */
        public void writeJson(Map<String, Object> values) {
            if (json == null) return;
            Path target = json.toAbsolutePath();
            try {
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
                try {
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), values);
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException e) {
                throw new UserException("cannot write " + json + ": " + e.getMessage());
            }
        }
    }
}
