package bnnsr.cli;

import bnnsr.tensor.Parallel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchConvCommandTest {
    private static final int THREADS = Parallel.threads();
    private final StringWriter out = new StringWriter(), err = new StringWriter();

    @AfterEach void restoreThreads() { Parallel.setThreads(THREADS); }

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test void reportsAllThreeKernelsAndWritesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sub/conv.json");
        int rc = run("bench", "conv", "--batch", "2", "--size", "7", "--cin", "5", "--cout", "6", "--k", "3",
                "--threads", "1", "--warmup", "0", "--reps", "2", "--scalar", "--json", json.toString());
        assertEquals(0, rc, err.toString());
        for (String op : new String[] {"forward", "backward_input", "backward_weight"})
            assertTrue(out.toString().contains(op), out.toString());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("conv", j.get("bench").asText());
        assertEquals(7, j.get("size").asInt());
        assertEquals(1, j.get("threads").asInt());
        assertEquals(2.0 * 2 * 7 * 7 * 9 * 5 * 6 * 1e-9, j.get("gflop_per_pass").asDouble(), 1e-15);
        for (String key : new String[] {"forward_gflops", "backward_input_gflops", "backward_weight_gflops",
                "scalar_forward_gflops", "scalar_backward_weight_gflops"})
            assertTrue(j.get(key).asDouble() > 0, key);
        try (var files = Files.list(json.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test void rejectsAnEvenKernelWithOneLine() {
        assertEquals(2, run("bench", "conv", "--k", "2"));
        assertEquals("bnnsr: --k must be odd and positive, got 2", err.toString().strip());
    }

    @Test void benchWithoutSubcommandIsAUsageError() {
        assertEquals(2, run("bench"));
        assertFalse(err.toString().isBlank());
    }
}
