package bnnsr.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
        subcommands = {BenchConvCommand.class, BenchTrainCommand.class, BenchEngineCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark (see bnnsr bench --help)");
    }

    /**
     * One measurement: the median wall time of a run, and the mean CPU time of the whole process per run. On a
     * machine shared with other work, wall time / (CPU time / threads) shows how much the threads were kept off
     * their cores; CPU time also counts idle spinning, so the normalised speed errs low.
     */
    public record Timing(double seconds, double cpuSeconds) {
        /** Work per second if each of {@code threads} threads had had a core to itself. */
        public double cpuNormalisedRate(double work, int threads) { return work / (cpuSeconds / threads); }
    }

    /** Flags shared by all benchmarks; use with {@code @Mixin}. */
    public static final class Options {
        /** Least warm-up time: the Vector API kernels run boxed (slow, allocating) until C2 has compiled them. */
        static final long WARMUP_NANOS = 2_000_000_000L;

        @Option(names = "--threads", description = "worker threads (default: all cores, ${DEFAULT-VALUE})")
        int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--warmup", defaultValue = "5",
                description = "untimed runs first, and unless 0 at least 2 s of them so the JIT has compiled the kernels (default: ${DEFAULT-VALUE})")
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

        /** Times {@code body}: {@code reps} timed runs after the warm-up the flags ask for. */
        public Timing time(Runnable body) { return time(body, warmup, warmupNanos(), reps); }

        /** The least warm-up time: none when --warmup is 0 (quick checks). */
        public long warmupNanos() { return warmup > 0 ? WARMUP_NANOS : 0; }

        /** Times {@code body}: {@code reps} timed runs after at least {@code warmup} untimed runs and {@code warmupNanos}. */
        public static Timing time(Runnable body, int warmup, long warmupNanos, int reps) {
            long start = System.nanoTime();
            for (int i = 0; i < warmup || System.nanoTime() - start < warmupNanos; i++) body.run();
            double[] t = new double[reps];
            long cpu0 = processCpuNanos();
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                body.run();
                t[i] = (System.nanoTime() - t0) * 1e-9;
            }
            double cpu = cpu0 < 0 ? Double.NaN : (processCpuNanos() - cpu0) * 1e-9 / reps;
            Arrays.sort(t);
            return new Timing(reps % 2 == 1 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]), cpu);
        }

        private static long processCpuNanos() {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : -1;
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
