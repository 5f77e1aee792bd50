package bnnsr.cli;

import bnnsr.engine.TestNetworks;
import bnnsr.image.ImageWriter;
import bnnsr.io.SafeTensors;
import bnnsr.train.Checkpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Real faults, injected into real processes: the command line runs in a child JVM whose file-size limit
 * ({@code ulimit -f}) makes every write past a few KB fail as a full disk does (EFBIG instead of ENOSPC, the same
 * path through the code), and training is killed with SIGKILL between checkpoints. Each must end with one line
 * naming the file, a non-zero exit, no partial or replaced output and no temporary file; a killed run must
 * resume to exactly the weights of a run that was never interrupted.
 */
class FaultInjectionTest {
    @TempDir Path dir;
    Path data;

    @BeforeEach void trainingImages() throws IOException {
        data = Files.createDirectories(dir.resolve("train"));
        for (int i = 0; i < 2; i++) ImageWriter.writePng(TestNetworks.image(40, 44, 3, 8, i), data.resolve("t" + i + ".png"));
    }

    record Child(int exit, String err) {}

    /** Runs {@code bnnsr ARGS} in a child JVM with this test's class path, writes limited to {@code limitKb} (0: none). */
    static Process start(int limitKb, Path errFile, String... args) throws IOException { return start(limitKb, "1g", errFile, args); }

    static Process start(int limitKb, String heap, Path errFile, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:-UsePerfData", "-Xmx" + heap, "--add-modules=jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "bnnsr.cli.Main"));
        cmd.addAll(List.of(args));
        StringBuilder line = new StringBuilder(limitKb > 0 ? "ulimit -f " + limitKb + "; exec" : "exec");
        for (String a : cmd) line.append(" '").append(a.replace("'", "'\\''")).append("'");
        return new ProcessBuilder("bash", "-c", line.toString()).redirectErrorStream(true)
                .redirectOutput(errFile.toFile()).start();
    }

    Child run(int limitKb, String... args) throws Exception { return runWithHeap(limitKb, "1g", args); }

    Child runWithHeap(int limitKb, String heap, String... args) throws Exception {
        Path log = Files.createTempFile("child", ".log");
        Process p = start(limitKb, heap, log, args);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child finished");
        String out = Files.readString(log);
        Files.delete(log);
        return new Child(p.exitValue(), out);
    }

    /** The one-line failure of a write: names the file, no stack trace, exit 1. */
    static void assertWriteFailure(Child c, Path file) {
        assertEquals(1, c.exit(), c.err());
        String err = c.err().lines().filter(l -> l.startsWith("bnnsr: ")).findFirst().orElse("");
        assertTrue(err.contains(file.toString()) && err.contains("cannot write"), c.err());
        assertFalse(c.err().contains("Exception") || c.err().contains("\tat "), c.err());
    }

    static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean noTemp(Path d) throws IOException { return names(d).stream().noneMatch(n -> n.endsWith(".tmp")); }

    @Test @Timeout(600) void aFullDiskDuringExportNamesTheFileAndLeavesNothing() throws Exception {
        Path model = dir.resolve("m.safetensors");
        TestNetworks.srresnet(2, 3).save(model, Map.of());
        Path out = Files.createDirectories(dir.resolve("out")).resolve("m.packed.safetensors");
        assertWriteFailure(run(4, "export", model.toString(), "-o", out.toString()), out);
        assertEquals(List.of(), names(out.getParent()));
        assertEquals(0, run(0, "export", model.toString(), "-o", out.toString()).exit());
        assertEquals(List.of("m.packed.safetensors"), names(out.getParent()));
    }

    @Test @Timeout(600) void aFullDiskWhileWritingAnImageNamesItAndLeavesNothing() throws Exception {
        Path model = dir.resolve("m.safetensors");
        TestNetworks.srresnet(2, 3).save(model, Map.of());
        Path out = Files.createDirectories(dir.resolve("out")).resolve("big.png");
        Child c = run(4, "upscale", "--model", model.toString(), data.resolve("t0.png").toString(), "-o", out.toString());
        assertWriteFailure(c, out);
        assertEquals(List.of(), names(out.getParent()));
    }

    @Test @Timeout(600) void aFullDiskAtACheckpointNamesItAndLeavesNoTempFile() throws Exception {
        Path run = dir.resolve("run");
        String[] train = {"train", "--arch", "srresnet", "--scale", "2", "--channels", "8", "--blocks", "1", "--batch", "2",
                "--patch", "8", "--data", data.toString(), "--val", "", "--iters", "2", "--checkpoint-every", "2",
                "--threads", "1", "-o", run.toString()};
        Child c = run(4, train);
        assertWriteFailure(c, run.resolve(Checkpoint.FILE));
        assertFalse(Files.exists(run.resolve(Checkpoint.FILE)));
        assertTrue(noTemp(run), names(run).toString());
    }

    /** A batch whose activations do not fit the heap (the weights do): one line saying what to lower, exit 1. */
    @Test @Timeout(600) void runningOutOfMemoryIsOneLine() throws Exception {
        Path run = dir.resolve("oom");
        Child c = runWithHeap(0, "200m", "train", "--arch", "srresnet", "--scale", "2", "--channels", "64", "--blocks", "2",
                "--batch", "1024", "--patch", "20", "--data", data.toString(), "--val", "", "--iters", "1", "--threads", "1",
                "-o", run.toString());
        assertEquals(1, c.exit(), c.err());
        assertTrue(c.err().contains("bnnsr: out of memory") && c.err().contains("-Xmx"), c.err());
        assertFalse(c.err().contains("OutOfMemoryError") || c.err().contains("\tat "), c.err());
        assertFalse(Files.exists(run.resolve(Checkpoint.FILE)));
    }

    /**
     * srresnet-bam (binary convs, BatchNorm running statistics) on a cosine schedule, killed with SIGKILL wherever it
     * happens to be after its first checkpoint, then resumed by a new process: the final weights and buffers equal
     * those of one uninterrupted run bit for bit, and no temporary file of the killed process is left.
     */
    @Test @Timeout(900) void aRunKilledBetweenCheckpointsResumesBitExactly() throws Exception {
        Path killed = dir.resolve("killed"), straight = dir.resolve("straight");
        int iters = 300;
        List<String> args = new ArrayList<>(List.of("train", "--arch", "srresnet-bam", "--scale", "2", "--channels", "4",
                "--blocks", "1", "--batch", "2", "--patch", "8", "--lr", "1e-3", "--schedule", "cosine", "--data", data.toString(),
                "--val", "", "--iters", Integer.toString(iters), "--checkpoint-every", "7", "--seed", "5", "--threads", "1"));
        Path log = dir.resolve("killed.log");
        Process p = start(0, log, with(args, "-o", killed.toString()));
        long done = 0;
        while (p.isAlive() && done < 7) {
            Thread.sleep(20);
            done = iteration(killed);
        }
        p.destroyForcibly();                                     // SIGKILL: no shutdown hooks, mid-step or mid-write
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        long at = iteration(killed);
        assertTrue(at >= 7 && at < iters, "killed between checkpoints, not after the end: checkpoint at " + at + "\n" + Files.readString(log));

        Child resumed = run(0, with(with(args, "-o", killed.toString()), "--resume"));
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("resuming"), resumed.err());
        Child whole = run(0, with(args, "-o", straight.toString()));
        assertEquals(0, whole.exit(), whole.err());

        SafeTensors a = SafeTensors.read(straight.resolve(Checkpoint.MODEL_FILE)), b = SafeTensors.read(killed.resolve(Checkpoint.MODEL_FILE));
        assertEquals(a.names(), b.names());
        assertTrue(a.names().stream().anyMatch(n -> n.endsWith("running_var")), "BN buffers are compared too: " + a.names());
        for (String n : a.names()) assertEquals(a.bytes(n), b.bytes(n), n + " differs after the kill and resume");
        assertTrue(noTemp(killed), names(killed).toString());
    }

    private static String[] with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static String[] with(String[] args, String... more) { return with(List.of(args), more); }

    private static long iteration(Path run) {
        try {
            return Long.parseLong(SafeTensors.read(run.resolve(Checkpoint.FILE)).metadata().get("iteration"));
        } catch (IOException | RuntimeException e) {
            return 0;                                            // not written yet
        }
    }
}
