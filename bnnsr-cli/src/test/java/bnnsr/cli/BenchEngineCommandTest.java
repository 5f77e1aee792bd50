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
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class BenchEngineCommandTest {
    private static final int THREADS = Parallel.threads();
    private final StringWriter out = new StringWriter(), err = new StringWriter();

    @AfterEach void restoreThreads() { Parallel.setThreads(THREADS); }

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test void printsTheLayerTableAndWritesTheIssuesJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("engine.json");
        int rc = run("bench", "engine", "--size", "9", "--channels", "48", "--warmup", "0", "--reps", "1", "--threads", "1", "--json", json.toString(),
                "--models", "srresnet,bsrn", "--lr", "6x5", "--model-reps", "1");
        assertEquals(0, rc, err.toString());
        assertTrue(out.toString().contains("popcount kernel alone"), out.toString());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        JsonNode layer = j.get("layer");
        for (String key : new String[] {"fp32_ms", "binary_ms", "ratio", "popcount_tbops"})
            assertTrue(layer.get(key).isNumber() && layer.get(key).asDouble() > 0, key + " in " + j);
        assertEquals(layer.get("fp32_ms").asDouble() / layer.get("binary_ms").asDouble(), layer.get("ratio").asDouble(), 1e-9);
        // the chosen popcount kernel is named, and the other one is timed too
        String chosen = bnnsr.engine.kernels.PopcountKernel.CHOSEN.name().toLowerCase();
        assertTrue(layer.get("popcount_kernel").asText().startsWith(chosen + " ("), j.toString());
        assertEquals(chosen.equals("vector") ? "scalar" : "vector", layer.get("other_kernel").asText());
        assertTrue(layer.get("other_kernel_ms").asDouble() > 0, j.toString());
        assertTrue(out.toString().contains("popcount kernel: " + chosen + " ("), out.toString());
        JsonNode models = j.get("models");
        assertEquals(2, models.size());
        assertEquals("srresnet", models.get(0).get("arch").asText());
        assertEquals("bsrn", models.get(1).get("arch").asText());
        for (JsonNode m : models) {
            assertEquals(4, m.get("scale").asInt());
            for (String key : new String[] {"ms", "ratio_to_fp", "bytes"}) assertTrue(m.get(key).asDouble() > 0, key + " in " + m);
        }
        // ratio_to_fp is srresnet's time over the model's own: bsrn's must be exactly that quotient
        assertEquals(models.get(0).get("ms").asDouble() / models.get(1).get("ms").asDouble(), models.get(1).get("ratio_to_fp").asDouble(), 1e-9);
        assertTrue(models.get(1).get("bytes").asLong() < models.get(0).get("bytes").asLong() / 2, "packed bsrn is small");
        assertTrue(out.toString().contains("vs srresnet"), out.toString());
    }

    /** BBCU's architectures run end to end too (tiny input: no speed claim); bbcu-m packs to a few hundred KB. */
    @Test void benchesTheBbcuArchitectures(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("engine.json");
        int rc = run("bench", "engine", "--size", "8", "--channels", "8", "--warmup", "0", "--reps", "1", "--threads", "1", "--json", json.toString(),
                "--models", "srresnet,srresnet-bbcu,bbcu-m", "--lr", "5x4", "--model-reps", "1", "--steps");
        assertEquals(0, rc, err.toString());
        JsonNode models = new ObjectMapper().readTree(json.toFile()).get("models");
        assertEquals(3, models.size());
        assertEquals("srresnet-bbcu", models.get(1).get("arch").asText());
        assertEquals("bbcu-m", models.get(2).get("arch").asText());
        for (JsonNode m : models) for (String key : new String[] {"ms", "ratio_to_fp", "bytes"}) assertTrue(m.get(key).asDouble() > 0, key + " in " + m);
        assertTrue(models.get(2).get("binary_ms").asDouble() > 0, models.get(2).toString());
        // the binary models' popcount-only floor and the streamed time are measured; the FP model has no popcount work
        for (int i = 1; i < 3; i++) {
            assertTrue(models.get(i).get("popcount_ms").asDouble() > 0, models.get(i).toString());
            assertTrue(models.get(i).get("stream_ms").asDouble() > 0, models.get(i).toString());
            assertTrue(models.get(i).get("band_ms").asDouble() > 0, models.get(i).toString());
            assertTrue(models.get(i).get("band_binary_ms").asDouble() > 0, models.get(i).toString());
            assertTrue(models.get(i).get("band_popcount_ms").asDouble() > 0, models.get(i).toString());
        }
        assertEquals(0.0, models.get(0).get("popcount_ms").asDouble(), models.get(0).toString());
        assertTrue(out.toString().contains("popcount ms"), out.toString());
        assertTrue(models.get(2).get("bytes").asLong() < 400_000, "packed bbcu-m: " + models.get(2));
        // --steps: every step's time, which add up to the binary / FP conv / other split; BBCU's units are fused
        for (JsonNode m : models) {
            double sum = 0;
            java.util.Set<String> kinds = new java.util.HashSet<>();
            for (JsonNode st : m.get("steps")) {
                sum += st.get("ms").asDouble();
                kinds.add(st.get("kind").asText());
            }
            assertEquals(m.get("binary_ms").asDouble() + m.get("fp_conv_ms").asDouble() + m.get("other_ms").asDouble(), sum, 1e-6, m.toString());
            assertTrue(kinds.contains("ConvStep"), kinds.toString());
            assertTrue(out.toString().contains("steps of " + m.get("arch").asText() + " x4"), out.toString());
        }
        assertTrue(new java.util.HashSet<>(models.get(2).get("steps").findValuesAsText("kind")).contains("UnitStep"), models.get(2).toString());
    }

    /** {@code --version} says which popcount kernel this CPU got (vector or scalar, and why). */
    @Test void versionNamesTheChosenBinaryKernel() {
        assertEquals(0, run("--version"));
        String chosen = bnnsr.engine.kernels.PopcountKernel.CHOSEN.name().toLowerCase();
        assertTrue(out.toString().contains("binary conv kernel: " + chosen + " ("), out.toString());
    }

    @Test void rejectsBadSizesWithOneLine() {
        assertEquals(Cli.EXIT_USAGE, run("bench", "engine", "--size", "0"));
        assertTrue(err.toString().startsWith("bnnsr: "), err.toString());
        assertEquals(Cli.EXIT_USAGE, run("bench", "engine", "--lr", "3x"));
        assertEquals(Cli.EXIT_USAGE, run("bench", "engine", "--models", "nope"));
        assertTrue(err.toString().contains("unknown architecture 'nope'"), err.toString());
    }
}
