package bnnsr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bnnsr info --json}: the complexity numbers of bnnsr.arch.Complexity, as a file. */
class InfoCommandTest {
    @TempDir Path dir;

    @Test void infoCommandWritesTheJson() throws Exception {
        Path json = dir.resolve("info.json");
        int rc = Main.commandLine().execute("info", "--arch", "bsrn", "--scale", "4", "--json", json.toString());
        assertEquals(0, rc);
        JsonNode n = new ObjectMapper().readTree(json.toFile());
        assertEquals("bsrn", n.get("arch").asText());
        assertEquals(4, n.get("scale").asInt());
        long fp = n.get("params").get("fp").asLong(), bin = n.get("params").get("binary").asLong();
        assertEquals(fp + bin, n.get("params").get("total").asLong());
        assertEquals(40L * (48 * 48 * 11), bin);
        assertTrue(n.get("macs_720p").get("total").asLong() > 8e10);
        assertTrue(n.get("ops_320x180").asLong() > 0 && n.get("packed_bytes").asLong() > 0);
        assertEquals(2, Main.commandLine().execute("info", "--arch", "nope", "--scale", "4"));
        assertEquals(2, Main.commandLine().execute("info"));
    }

    /** {@code --json} without a file: the JSON alone on standard output; bbcu-m x4 against the BBCU paper's Table 1. */
    @Test void infoPrintsJsonToStandardOutput() throws Exception {
        java.io.StringWriter sw = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(sw));
        assertEquals(0, cl.execute("info", "--arch", "bbcu-m", "--scale", "4", "--json"));
        JsonNode n = new ObjectMapper().readTree(sw.toString());
        assertEquals("bbcu-m", n.get("arch").asText());
        assertEquals(1, n.get("ops_320x180").asDouble() / 3.95e9, 0.05);
        assertEquals(1, n.get("params_paper").asDouble() / 51e3, 0.05);
        assertEquals(n.get("params").get("fp").asLong() + n.get("params").get("binary").asLong(), n.get("params").get("total").asLong());
    }
}
