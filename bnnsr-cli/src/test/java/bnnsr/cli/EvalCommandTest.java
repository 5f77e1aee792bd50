package bnnsr.cli;

import bnnsr.Fixtures;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class EvalCommandTest {
    @TempDir Path dir;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** A user error: non-zero exit, one line on stderr naming what is wrong, no stack trace. */
    static void assertOneLineError(Run r, int exit, String mustContain) {
        assertEquals(exit, r.exit(), r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("bnnsr: "), err);
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        assertTrue(err.contains(mustContain), err + " should mention " + mustContain);
    }

    private Path folderWithBird(String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.copy(Fixtures.resource("Set5/bird.png"), d.resolve("bird.png"));
        return d;
    }

    @Test void bicubicOnBundledSet5PrintsTheTableAndWritesJson() throws IOException {
        Path json = dir.resolve("results.json");
        Run r = run("eval", "--method", "bicubic", "--scale", "2,3,4", "--data", Fixtures.resource("Set5").toString(),
                "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("| scale | Set5 |"), r.out());
        assertTrue(r.out().contains("| x2 | 33.68 / 0.9305 |"), r.out());
        assertTrue(r.out().contains("| x3 | 30.40 / 0.8690 |"), r.out());
        assertTrue(r.out().contains("| x4 | 28.43 / 0.8113 |"), r.out());
        assertTrue(r.out().contains("Images: Set5 5."), r.out());

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(List.of("results"), fieldNames(root));
        JsonNode results = root.get("results");
        assertEquals(3, results.size());
        double[][] ref = {{33.6818, 0.93052}, {30.4047, 0.86897}, {28.4314, 0.81127}};   // paper.md section 5
        for (int k = 0; k < 3; k++) {
            JsonNode row = results.get(k);
            assertEquals(List.of("set", "scale", "method", "psnr", "ssim", "images"), fieldNames(row));
            assertEquals("Set5", row.get("set").asText());
            assertEquals(k + 2, row.get("scale").asInt());
            assertEquals("bicubic", row.get("method").asText());
            assertEquals(5, row.get("images").asInt());
            assertEquals(ref[k][0], row.get("psnr").asDouble(), 0.002);
            assertEquals(ref[k][1], row.get("ssim").asDouble(), 0.0002);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }

    @Test void perImageRowsInTableAndJson() throws IOException {
        Path data = folderWithBird("Birds");
        Path json = dir.resolve("r.json");
        Run r = run("eval", "--scale", "4", "--data", data.toString(), "--per-image", "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("| Birds | bird.png | x4 |"), r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(List.of("results", "perImage"), fieldNames(root));
        assertEquals(List.of("set", "image", "scale", "psnr", "ssim"), fieldNames(root.get("perImage").get(0)));
        assertEquals(root.get("results").get(0).get("psnr").asDouble(), root.get("perImage").get(0).get("psnr").asDouble(), 0);
    }

    @Test void missingFolder() {
        Path missing = dir.resolve("NoSuchSet");
        assertOneLineError(run("eval", "--data", missing.toString()), 2, missing.toString());
    }

    @Test void missingSecondFolderFailsBeforeAnyWork() throws IOException {
        Path good = folderWithBird("Good");
        Run r = run("eval", "--data", good + "," + dir.resolve("Typo"));
        assertOneLineError(r, 2, "Typo");
        assertEquals("", r.out());
    }

    @Test void folderWithoutImages() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("Empty"));
        Files.writeString(empty.resolve("SHA256SUMS"), "nothing\n");
        assertOneLineError(run("eval", "--data", empty.toString()), 2, "no images");
    }

    @Test void fileInsteadOfFolder() {
        assertOneLineError(run("eval", "--data", Fixtures.resource("Set5/bird.png").toString()), 2, "not a folder");
    }

    @Test void corruptFileIsSkippedWithAWarningAndCounted() throws IOException {
        Path data = folderWithBird("Mixed");
        Path bad = Files.writeString(data.resolve("broken.png"), "not a png");
        Files.writeString(data.resolve("README.txt"), "ignored: not an image name");
        Run r = run("eval", "--scale", "4", "--data", data.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("warning: skipped " + bad), r.err());
        assertFalse(r.err().contains("README"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.out().contains("Images: Mixed 1."), r.out());
        assertTrue(r.out().contains("Skipped: 1 file"), r.out());
    }

    @Test void strictTurnsACorruptFileIntoAnError() throws IOException {
        Path data = folderWithBird("Strict");
        Path bad = Files.write(data.resolve("zz.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0});
        assertOneLineError(run("eval", "--scale", "4", "--strict", "--data", data.toString()), 2, bad.toString());
    }

    @Test void imageSmallerThanTheScaleIsSkippedAtThatScale() throws IOException {
        Path data = folderWithBird("Small");
        Path tiny = data.resolve("tiny.png");
        ImageWriter.writePng(new FloatImage(16, 16, 3), tiny);    // fine at x2 (needs 15), too small at x4 (needs 19)
        Run r = run("eval", "--scale", "2,4", "--data", data.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains(tiny.toString()) && r.err().contains("too small for x4"), r.err());
        assertTrue(r.out().contains("Images: Small 1-2."), r.out());
    }

    @Test void onlyTooSmallImagesIsAnError() throws IOException {
        Path data = Files.createDirectories(dir.resolve("Tiny"));
        ImageWriter.writePng(new FloatImage(3, 2, 1), data.resolve("a.png"));
        assertOneLineError(run("eval", "--scale", "4", "--data", data.toString()), 2, "too small");
    }

    @Test void badOptions() throws IOException {
        Path data = folderWithBird("Opts");
        assertOneLineError(run("eval", "--scale", "1", "--data", data.toString()), 2, "--scale");
        assertOneLineError(run("eval", "--method", "magic", "--data", data.toString()), 2, "magic");
        assertEquals(2, run("eval", "--scale", "two", "--data", data.toString()).exit());
        assertEquals(2, run("eval").exit());
        Path twin = Files.createDirectories(dir.resolve("other/Opts"));
        Files.copy(data.resolve("bird.png"), twin.resolve("bird.png"));
        assertOneLineError(run("eval", "--data", data + "," + twin), 2, "set names must differ");
    }

    @Test void unwritableJsonIsOneLineError() throws IOException {
        Path data = folderWithBird("Json");
        Path json = dir.resolve("no/such/folder/r.json");
        assertOneLineError(run("eval", "--scale", "4", "--data", data.toString(), "--json", json.toString()), 1, json.toString());
    }

    @Test void helpListsTheOptions() {
        Run r = run("eval", "--help");
        assertEquals(0, r.exit());
        for (String opt : new String[] {"--method", "--scale", "--data", "--json", "--per-image", "--strict"})
            assertTrue(r.out().contains(opt), opt);
    }
}
