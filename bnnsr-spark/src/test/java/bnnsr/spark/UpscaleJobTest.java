package bnnsr.spark;

import bnnsr.arch.Model;
import bnnsr.cli.Main;
import bnnsr.engine.ModelNetwork;
import bnnsr.engine.TestNetworks;
import bnnsr.engine.Upscaler;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The job on an embedded local[2] Spark (one session for all tests: Spark takes seconds to start), over folders of
 * tiny images and a tiny x2 network: outputs byte-for-byte those of {@code bnnsr upscale}, the manifest's rows for
 * good, bad, refused and skipped images, a re-run that skips everything, and a job killed half-way then finished.
 */
class UpscaleJobTest {
    @TempDir static Path dir;
    static SparkSession spark;
    static Model network;
    static Path model;
    static final long T0 = System.nanoTime();

    static void log(String what) { System.err.printf("[%.1f s] %s%n", (System.nanoTime() - T0) / 1e9, what); }

    @BeforeAll static void start() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("bnnsr-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        network = TestNetworks.srresnet(2, 3);
        model = dir.resolve("x2.safetensors");
        network.save(model, Map.of());
        log("spark started");
    }

    @AfterAll static void stop() {
        if (spark != null) spark.stop();
    }

    private static JobSettings settings(Path in, Path out, int partitions) { return settings(in, out, partitions, model); }

    private static JobSettings settings(Path in, Path out, int partitions, Path model) {
        return new JobSettings(in.toString(), out.toString(), JobSettings.defaultManifest(out.toString()), model.toString(),
                null, "png", 95, Upscaler.AUTO_TILE, partitions, false);
    }

    private static Path png(Path f, int h, int w, int c, int bits, long seed) throws IOException {
        Files.createDirectories(f.getParent());
        ImageWriter.writePng(TestNetworks.image(h, w, c, bits, seed), f, bits);
        return f;
    }

    /** The manifest rows of one run, by input file name relative to {@code in}. */
    private static Map<String, Row> manifest(Path out, String run, Path in) {
        Map<String, Row> rows = new HashMap<>();
        String root = "file:" + in.toAbsolutePath();
        for (Row r : spark.read().parquet(JobSettings.defaultManifest(out.toString())).filter(col("run").equalTo(run)).collectAsList())
            rows.put(r.<String>getAs("input").substring(root.length() + 1), r);
        return rows;
    }

    private static String str(Row r, String field) { return r.getAs(field); }

    private static List<Path> filesUnder(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).map(d::relativize).sorted().toList();
        }
    }

    @Test void upscalesLikeTheCliRecordsEveryImageAndReRunsSkipEverything() throws Exception {
        Path in = dir.resolve("photos"), out = dir.resolve("big");
        png(in.resolve("a.png"), 9, 11, 3, 8, 1);
        png(in.resolve("b.png"), 7, 6, 2, 8, 2);                       // grey + alpha
        png(in.resolve("deep/c.png"), 8, 5, 4, 16, 3);                 // 16-bit RGBA
        ImageWriter.writeJpeg(TestNetworks.image(10, 12, 3, 8, 4), in.resolve("deep/d.JPG"), 90);
        ImageIO.write(ImageWriter.toBuffered(TestNetworks.image(6, 6, 3, 8, 5), 8), "bmp", in.resolve("f.bmp").toFile());
        png(in.resolve("f.png"), 6, 6, 3, 8, 6);                       // same output name as f.bmp: refused
        png(in.resolve("e.png"), 5, 5, 3, 8, 7);
        Files.write(in.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H'});
        Files.writeString(in.resolve("notes.txt"), "not an image");
        Files.createDirectories(out);
        Files.writeString(out.resolve("e.png"), "an output from before");  // kept: the image is skipped

        int loadsBefore = ExecutorModels.loads();
        UpscaleJob.Summary s = UpscaleJob.run(spark, settings(in, out, 3));
        assertEquals(5, s.ok(), s.toString());
        assertEquals(1, s.skipped(), s.toString());
        assertEquals(2, s.errors(), s.toString());
        assertEquals(1, ExecutorModels.loads() - loadsBefore, "one model load for all tasks of the executor");

        Map<String, Row> rows = manifest(out, s.run(), in);
        assertEquals(8, rows.size(), rows.keySet().toString());
        for (String ok : List.of("a.png", "b.png", "deep/c.png", "deep/d.JPG", "f.bmp")) {
            Row r = rows.get(ok);
            assertEquals("ok", r.getAs("status"), ok);
            assertNull(r.getAs("error"));
            Path o = Path.of(java.net.URI.create(r.<String>getAs("output")));
            assertEquals(Files.size(o), (long) r.<Long>getAs("output_bytes"), ok);
            assertEquals(Files.size(in.resolve(ok)), (long) r.<Long>getAs("input_bytes"), ok);
            assertEquals(2 * r.<Integer>getAs("width"), (int) r.<Integer>getAs("output_width"), ok);
            assertEquals(2 * r.<Integer>getAs("height"), (int) r.<Integer>getAs("output_height"), ok);
            assertTrue(str(r, "model").startsWith("x2.safetensors@"), str(r, "model"));
        }
        assertEquals(11, (int) rows.get("a.png").<Integer>getAs("width"));
        assertEquals(9, (int) rows.get("a.png").<Integer>getAs("height"));
        assertTrue(rows.get("deep/d.JPG").<String>getAs("output").endsWith("/big/deep/d.png"));
        assertEquals("skipped", rows.get("e.png").getAs("status"));
        assertEquals("error", rows.get("corrupt.png").getAs("status"));
        assertTrue(str(rows.get("corrupt.png"), "error").contains("corrupt"), str(rows.get("corrupt.png"), "error"));
        assertEquals("error", rows.get("f.png").getAs("status"));
        assertTrue(str(rows.get("f.png"), "error").contains("also the output of"), str(rows.get("f.png"), "error"));
        assertEquals("an output from before", Files.readString(out.resolve("e.png")));

        // the same folder through `bnnsr upscale`: every output the job wrote is the same file, byte for byte
        Path cliOut = dir.resolve("cli");
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err))
                .execute("upscale", "--model", model.toString(), in.toString(), "-o", cliOut.toString());
        assertEquals(2, code, err.toString());           // the corrupt and the refused image
        List<Path> written = new ArrayList<>(List.of(Path.of("a.png"), Path.of("b.png"), Path.of("deep/c.png"),
                Path.of("deep/d.png"), Path.of("f.png")));
        for (Path f : written) assertEquals(-1, Files.mismatch(cliOut.resolve(f), out.resolve(f)), f.toString());
        List<Path> all = new ArrayList<>(written);
        all.add(Path.of("e.png"));
        assertEquals(all.stream().sorted().toList(), filesUnder(out).stream().filter(p -> !p.startsWith("manifest")).toList());

        // a re-run skips every image done (the bad ones fail again) and rewrites nothing
        long modified = Files.getLastModifiedTime(out.resolve("a.png")).toMillis();
        UpscaleJob.Summary again = UpscaleJob.run(spark, settings(in, out, 2));
        assertEquals(0, again.ok(), again.toString());
        assertEquals(6, again.skipped(), again.toString());
        assertEquals(2, again.errors(), again.toString());
        assertEquals(modified, Files.getLastModifiedTime(out.resolve("a.png")).toMillis());
        assertEquals(0, ExecutorModels.loads() - loadsBefore - 1, "the upscaler is reused across jobs");
        assertEquals(16, spark.read().parquet(JobSettings.defaultManifest(out.toString())).count(), "both runs' rows kept");
    }

    @Test void aKilledJobReRunFinishesTheRestAndLeavesNoTemporaryFiles() throws Exception {
        Path in = dir.resolve("frames"), out = dir.resolve("frames_x2");
        int n = 8;
        Model net = TestNetworks.srresnet(2, 4);          // not the other test's: each test counts its model's loads
        Path model = dir.resolve("x2b.safetensors");
        net.save(model, Map.of());
        for (int i = 0; i < n; i++) png(in.resolve(String.format("f%02d.png", i)), 6 + i % 3, 7, 3, 8, 100 + i);

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(System.getProperty("bnnsr.spark.jvm.options").trim().split("\\s+")));
        cmd.addAll(List.of("-Xmx1g", "-D" + UpscalePartition.SLOWDOWN_PROPERTY + "=1000",
                "-Dlog4j2.configurationFile=log4j2-test.properties", "-cp", System.getProperty("java.class.path"),
                SparkUpscale.class.getName(), in.toString(), "-o", out.toString(), "--model", model.toString(),
                "--master", "local[1]", "--partitions", "1"));
        log("starting the job to kill");
        Process job = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (pngsUnder(out) < 1 && job.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
        } finally {
            job.destroyForcibly();
            job.waitFor(30, TimeUnit.SECONDS);
        }
        int done = pngsUnder(out);
        log("killed after " + done + " outputs");
        assertTrue(done >= 1 && done < n, "the job was to be killed half-way; outputs: " + done + "\n"
                + Files.readString(dir.resolve("killed.log")));
        // what a kill during a write leaves: a temporary file beside an output that does not exist yet
        Path undone = null;
        for (int i = 0; i < n && undone == null; i++)
            if (!Files.exists(out.resolve(String.format("f%02d.png", i)))) undone = out.resolve(String.format(".f%02d.png", i) + OutputFiles.TMP_SUFFIX);
        Files.write(undone, new byte[] {1, 2, 3});

        UpscaleJob.Summary s = UpscaleJob.run(spark, settings(in, out, 2, model));
        log("re-run done");
        assertEquals(n - done, s.ok(), s.toString());
        assertEquals(done, s.skipped(), s.toString());
        assertEquals(0, s.errors(), s.toString());
        Upscaler reference = new Upscaler(new ModelNetwork(net), Upscaler.Options.defaults());
        for (int i = 0; i < n; i++) {
            String name = String.format("f%02d.png", i);
            byte[] want = ImageWriter.encode(reference.upscale(ImageReader.read(in.resolve(name))), "png", 95);
            assertArrayEquals(want, Files.readAllBytes(out.resolve(name)), name);
        }
        List<Path> leftovers = filesUnder(out).stream().filter(p -> p.getFileName().toString().endsWith(OutputFiles.TMP_SUFFIX)).toList();
        assertEquals(List.of(), leftovers);
    }

    private static int pngsUnder(Path d) throws IOException {
        if (!Files.isDirectory(d)) return 0;
        try (Stream<Path> s = Files.list(d)) {
            return (int) s.filter(p -> p.getFileName().toString().matches("f\\d\\d\\.png")).count();
        }
    }
}
