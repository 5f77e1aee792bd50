package bnnsr.cli;

import bnnsr.tensor.Parallel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class BenchTrainCommandTest {
    private static final int THREADS = Parallel.threads();
    private final StringWriter err = new StringWriter();

    @AfterEach void restoreThreads() { Parallel.setThreads(THREADS); }

    /** Runs the command; its table goes to System.out, captured. */
    private String run(int expectedExit, String... args) { return CapturedRun.run(err, expectedExit, args); }

    @Test void measuresSeveralArchitecturesInOneRun(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("train.json");
        String out = run(0, "bench", "train", "--arch", "srresnet,srresnet-bam,bsrn,srresnet-bbcu,bbcu-m", "--scale", "2", "--channels", "8",
                "--blocks", "1", "--batch", "2", "--patch", "8", "--warmup", "0", "--reps", "1", "--threads", "1",
                "--json", json.toString());
        JsonNode results = new ObjectMapper().readTree(json.toFile()).get("results");
        String[] archs = {"srresnet", "srresnet-bam", "bsrn", "srresnet-bbcu", "bbcu-m"};
        assertEquals(archs.length, results.size(), out);
        for (int i = 0; i < archs.length; i++) {
            JsonNode r = results.get(i);
            assertEquals(archs[i], r.get("arch").asText());
            for (String key : new String[] {"iters_per_s", "gflops", "conv_gflop_per_iter"})
                assertTrue(r.get(key).asDouble() > 0, key + " in " + r);
            assertEquals(r.get("iters_per_s").asDouble() / results.get(0).get("iters_per_s").asDouble(),
                    r.get("ratio_to_first").asDouble(), 1e-9);
            assertTrue(out.contains(archs[i] + " x2, batch 2, patch 8, 1 threads"), out);
        }
        assertTrue(out.contains("x srresnet)"), out);
    }

    @Test void anUnknownArchitectureStopsBeforeAnyMeasurement() {
        String out = run(Cli.EXIT_USAGE, "bench", "train", "--arch", "srresnet,nope", "--warmup", "0", "--reps", "1");
        assertTrue(err.toString().contains("unknown architecture 'nope'"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertEquals("", out, "nothing measured");
    }
}
