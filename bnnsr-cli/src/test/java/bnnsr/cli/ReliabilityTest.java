package bnnsr.cli;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.engine.graph.Exporter;
import bnnsr.engine.TestNetworks;
import bnnsr.image.ImageWriter;
import bnnsr.io.DType;
import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsWriter;
import bnnsr.io.TensorEntry;
import bnnsr.train.Checkpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static bnnsr.cli.EvalCommandTest.assertOneLineError;
import static bnnsr.cli.EvalCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The hostile tester's cases of issue 11, one or more per cause, through the command line as a user meets them:
 * each must end in one clear line and a non-zero exit (or, where the input is fine, in the right result), never a
 * stack trace, a hang, exit 0 on failure, a replaced file or a leftover temporary file. docs/reliability.md lists
 * the guarantees these tests hold.
 */
class ReliabilityTest {
    @TempDir Path dir;
    Path modelX2, packedX2, image, data;

    @BeforeEach void files() throws IOException {
        Model m = TestNetworks.srresnet(2, 3);
        modelX2 = dir.resolve("x2.safetensors");
        m.save(modelX2, Map.of());
        packedX2 = dir.resolve("x2.packed.safetensors");
        Exporter.export(TestNetworks.randomise(Architectures.create(new ArchOptions("srresnet-xnor", 2, 8, 1)
                .with("binarizer", "xnor"), 1), 1)).write(packedX2);
        image = dir.resolve("a.png");
        ImageWriter.writePng(TestNetworks.image(9, 11, 3, 8, 1), image);
        data = Files.createDirectories(dir.resolve("train"));
        for (int i = 0; i < 2; i++) ImageWriter.writePng(TestNetworks.image(40, 44, 3, 8, i), data.resolve("t" + i + ".png"));
    }

    /** A tiny training run's arguments; {@code more} adds options or replaces these defaults. */
    private String[] train(Path out, String... more) {
        Map<String, String> d = new java.util.LinkedHashMap<>();
        for (String[] kv : new String[][] {{"--arch", "srresnet"}, {"--scale", "2"}, {"--channels", "4"}, {"--blocks", "1"},
                {"--batch", "2"}, {"--patch", "8"}, {"--lr", "1e-3"}, {"--schedule", "constant"}, {"--data", data.toString()},
                {"--val", ""}, {"--checkpoint-every", "2"}, {"--seed", "1"}, {"-o", out.toString()}, {"--threads", "1"}})
            d.put(kv[0], kv[1]);
        List<String> a = new ArrayList<>(List.of("train"));
        for (int i = 0; i < more.length; i++) {
            boolean flag = more[i].equals("--resume") || more[i].equals("--force");
            if (flag) a.add(more[i]);
            else d.put(more[i], more[++i]);
        }
        d.forEach((k, v) -> {
            if (v.startsWith("-")) a.add(k + "=" + v);     // a negative number, not an option
            else { a.add(k); a.add(v); }
        });
        return a.toArray(String[]::new);
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- 1. nothing lost

    @Test void trainIntoAFolderHoldingARunNeedsResumeOrForce() throws IOException {
        Path run = dir.resolve("run");
        assertEquals(0, run(train(run, "--iters", "4")).exit());
        byte[] ckpt = Files.readAllBytes(run.resolve(Checkpoint.FILE)), log = Files.readAllBytes(run.resolve("log.csv"));
        EvalCommandTest.Run r = run(train(run, "--iters", "2"));
        assertOneLineError(r, 2, "already holds a training run");
        assertTrue(r.err().contains("--resume") && r.err().contains("--force"), r.err());
        assertArrayEquals(ckpt, Files.readAllBytes(run.resolve(Checkpoint.FILE)), "checkpoint kept");
        assertArrayEquals(log, Files.readAllBytes(run.resolve("log.csv")), "log kept");
        assertEquals(0, run(train(run, "--iters", "2", "--force")).exit());
        assertTrue(Files.readAllLines(run.resolve("log.csv")).getLast().startsWith("2,"), "a new log");
        assertEquals("2", SafeTensors.read(run.resolve(Checkpoint.FILE)).metadata().get("iteration"), "--force started over");
    }

    /** Two upscales of one output at once: exactly one writes it, the other fails; neither replaces the other. */
    @Test void concurrentUpscalesOfOneOutputNeverReplaceEachOther() throws Exception {
        Path out = dir.resolve("same.png");
        for (int round = 0; round < 3; round++) {
            Files.deleteIfExists(out);
            CyclicBarrier start = new CyclicBarrier(2);
            EvalCommandTest.Run[] r = new EvalCommandTest.Run[2];
            Thread[] t = new Thread[2];
            for (int i = 0; i < 2; i++) {
                int k = i;
                t[i] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    r[k] = run("upscale", "--model", modelX2.toString(), image.toString(), "-o", out.toString(), "--threads", "1");
                });
                t[i].start();
            }
            for (Thread x : t) x.join();
            assertEquals(1, (r[0].exit() == 0 ? 1 : 0) + (r[1].exit() == 0 ? 1 : 0), r[0].err() + " / " + r[1].err());
            EvalCommandTest.Run lost = r[0].exit() == 0 ? r[1] : r[0];
            assertTrue(lost.err().contains("exists"), lost.err());
            assertFalse(lost.err().contains("Exception"), lost.err());
            assertEquals(List.of("a.png", "same.png", "train", "x2.packed.safetensors", "x2.safetensors"), names(dir), "no temp file left");
        }
    }

    // ---------------------------------------------------------------- 2. no OutOfMemoryError

    /** Metadata claiming a network far beyond the heap: refused before anything is built. */
    @Test void modelMetadataClaimingAHugeNetworkIsRefusedBeforeBuildingIt() throws IOException {
        Path bomb = dir.resolve("bomb.safetensors");
        new SafeTensorsWriter().putF32("w", new int[] {1}, new float[] {1})
                .write(bomb, Map.of(ArchOptions.METADATA_KEY, new ArchOptions("srresnet", 2, 4096, 1024).toJson()));
        assertOneLineError(run("upscale", "--model", bomb.toString(), image.toString(), "-o", dir.resolve("o.png").toString()), 2, "Java heap");
        assertOneLineError(run("info", "--model", bomb.toString()), 2, "Java heap");
        // the same through a packed model's options (what info reads)
        Path packedBomb = rewritePacked(packedX2, "bomb.packed.safetensors", meta -> {
            meta.put("options", new ArchOptions("srresnet", 2, 4096, 1024).toJson());
            return meta;
        });
        assertOneLineError(run("info", "--model", packedBomb.toString()), 2, "Java heap");
    }

    @Test void trainingAModelTooLargeForTheHeapIsOneLine() {
        assertOneLineError(run(train(dir.resolve("big"), "--iters", "1", "--channels", "4096", "--blocks", "200")), 2, "Java heap");
        assertFalse(Files.exists(dir.resolve("big/checkpoint.safetensors")));
    }

    /** A 16000 x 16000 PNG of a few KB (a decompression bomb): refused from its header, in eval as in upscale. */
    @Test void imageBombsAreRefusedFromTheHeaderInEval() throws IOException {
        Path set = Files.createDirectories(dir.resolve("Bombs"));
        Files.write(set.resolve("bomb.png"), greyPngBomb(16000, 16000));
        Files.copy(data.resolve("t0.png"), set.resolve("fine.png"));
        EvalCommandTest.Run r = run("eval", "--data", set.toString(), "--scale", "2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("bomb.png: too large") && r.err().contains("over the limit"), r.err());
        assertTrue(r.out().contains("Skipped: 1 file"), r.out());
        assertOneLineError(run("eval", "--data", set.toString(), "--scale", "2", "--strict"), 2, "too large");
    }

    /** A real 1-bit grey PNG of w x h black pixels, deflated: a few KB on disk, gigabytes as floats. */
    static byte[] greyPngBomb(int w, int h) throws IOException {
        Deflater def = new Deflater(9);
        byte[] row = new byte[1 + (w + 7) / 8];
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int y = 0; y < h; y++) {
            def.setInput(row);
            while (!def.needsInput()) z.write(buf, 0, def.deflate(buf));
        }
        def.finish();
        while (!def.finished()) z.write(buf, 0, def.deflate(buf));
        return png(w, h, new byte[] {1, 0, 0, 0, 0}, z.toByteArray());   // 1 bit, grey, deflate, no filter, no interlace
    }

    /** A PNG: signature, IHDR (w, h, then bit depth, colour type, ...), IDAT if given, IEND. */
    static byte[] png(int w, int h, byte[] ihdrTail, byte[] idat) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream i = new DataOutputStream(ihdr);
        i.writeInt(w);
        i.writeInt(h);
        i.write(ihdrTail);
        chunk(d, "IHDR", ihdr.toByteArray());
        if (idat != null) chunk(d, "IDAT", idat);
        chunk(d, "IEND", new byte[0]);
        return b.toByteArray();
    }

    /** A PNG chunk: length, type, data, CRC. */
    static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
        d.writeInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    // ---------------------------------------------------------------- 3. no internal exceptions

    /** A copy of a packed model with its metadata changed; the tensors stay as they are. */
    Path rewritePacked(Path from, String name, UnaryOperator<Map<String, String>> edit) throws IOException {
        SafeTensors st = SafeTensors.read(from);
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Map.Entry<String, TensorEntry> e : st.entries().entrySet()) {
            int[] shape = e.getValue().intShape();
            if (e.getValue().dtype() == DType.I64) w.putI64(e.getKey(), shape, st.longs(e.getKey()));
            else w.putF32(e.getKey(), shape, st.floats(e.getKey()));
        }
        Path to = dir.resolve(name);
        w.write(to, edit.apply(new HashMap<>(st.metadata())));
        return to;
    }

    private Path withGraph(String name, UnaryOperator<String> graphEdit) throws IOException {
        return rewritePacked(packedX2, name, m -> {
            m.put("graph", graphEdit.apply(m.get("graph")));
            return m;
        });
    }

    @Test void packedGraphFactorsAndKernelsAreBounded() throws IOException {
        String graph = SafeTensors.read(packedX2).metadata().get("graph");
        assertTrue(graph.contains("\"op\":\"pixel_shuffle\"") && graph.contains("\"op\":\"bilinear\"") && graph.contains("\"op\":\"box_scale\""), graph);
        Path shuffle = withGraph("r.safetensors", g -> g.replace("\"r\":2", "\"r\":65536"));
        Path bilinear = withGraph("bil.safetensors", g -> g.replaceFirst("(\"op\":\"bilinear\"[^}]*\"scale\":)2", "$12147483647"));
        Path box = withGraph("box.safetensors", g -> g.replaceFirst("(\"op\":\"box_scale\"[^}]*\"k\":)3", "$12147483647"));
        for (Path p : List.of(shuffle, bilinear, box)) {
            assertNotEquals(SafeTensors.read(packedX2).metadata().get("graph"), SafeTensors.read(p).metadata().get("graph"), p.toString());
            EvalCommandTest.Run r = run("upscale", "--model", p.toString(), image.toString(), "-o", dir.resolve("o.png").toString());
            assertOneLineError(r, 2, "must be an integer in 1..");
            assertTrue(r.err().contains(p.toString()), r.err());
        }
        assertFalse(Files.exists(dir.resolve("o.png")));
    }

    @Test void hugeChannelCountsInMetadataOrOptionsAreValidated() throws IOException {
        Path meta = dir.resolve("c.safetensors");
        new SafeTensorsWriter().putF32("w", new int[] {1}, new float[] {1})
                .write(meta, Map.of(ArchOptions.METADATA_KEY, "{\"arch\":\"srresnet\",\"scale\":2,\"channels\":2000000000,\"blocks\":1,\"extra\":{}}"));
        assertOneLineError(run("upscale", "--model", meta.toString(), image.toString(), "-o", dir.resolve("o.png").toString()), 2, "channels must be in 1..4096");
        assertOneLineError(run(train(dir.resolve("r"), "--iters", "1", "--channels", "100000", "--blocks", "1000")), 2, "channels must be in 1..4096");
        assertOneLineError(run(train(dir.resolve("r"), "--iters", "1", "--blocks", "100000")), 2, "blocks must be in 0..1024");
        assertOneLineError(run("info", "--arch", "srresnet", "--scale", "2", "--channels", "2000000000"), 2, "channels");
    }

    @Test void theLargestTileIsTheWholeImage() throws IOException {
        Path whole = dir.resolve("whole.png"), huge = dir.resolve("huge.png");
        assertEquals(0, run("upscale", "--model", modelX2.toString(), image.toString(), "-o", whole.toString(), "--tile", "0").exit());
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), image.toString(), "-o", huge.toString(), "--tile", "2147483647");
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(huge));
    }

    // ---------------------------------------------------------------- 4. no hangs

    // a separate thread: a test blocked in open(2) on a FIFO cannot be interrupted, only abandoned
    @Test @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fifosAndOtherSpecialFilesAreRefusedWithoutOpeningThem() throws Exception {
        Path fifo = dir.resolve("fifo.png");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        assertOneLineError(run("upscale", "--model", modelX2.toString(), fifo.toString(), "-o", dir.resolve("o.png").toString()), 2, "not a regular file");
        Path fifoModel = dir.resolve("fifo.safetensors");
        assertEquals(0, new ProcessBuilder("mkfifo", fifoModel.toString()).start().waitFor());
        assertOneLineError(run("upscale", "--model", fifoModel.toString(), image.toString(), "-o", dir.resolve("o.png").toString()), 2, "not a regular file");
        assertOneLineError(run("info", "--model", fifoModel.toString()), 2, "not a regular file");
        assertOneLineError(run("export", fifoModel.toString(), "-o", dir.resolve("e.safetensors").toString()), 2, "not a regular file");
        Path fifoYml = dir.resolve("fifo.yml");
        assertEquals(0, new ProcessBuilder("mkfifo", fifoYml.toString()).start().waitFor());
        assertOneLineError(run("train", "--config", fifoYml.toString()), 2, "not a regular file");
        assertOneLineError(run("upscale", "--model", modelX2.toString(), "/dev/zero", "-o", dir.resolve("o.png").toString()), 2, "not a regular file");
    }

    // ---------------------------------------------------------------- 5. nothing silently wrong

    @Test void nonFiniteWeightsAreRefusedWhereverAModelIsLoaded() throws IOException {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            Model m = TestNetworks.srresnet(2, 3);
            m.state().get("conv_first.weight").value[5] = bad;
            Path f = dir.resolve("bad.safetensors");
            m.save(f, Map.of());
            assertOneLineError(run("upscale", "--model", f.toString(), image.toString(), "-o", dir.resolve("o.png").toString()), 2, "non-finite");
            Path set = Files.createDirectories(dir.resolve("Set"));
            Files.copy(image, set.resolve("a.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertOneLineError(run("eval", "--model", f.toString(), "--data", set.toString()), 2, "conv_first.weight");
            assertOneLineError(run("export", f.toString(), "-o", dir.resolve("e.safetensors").toString()), 2, "non-finite");
            assertFalse(Files.exists(dir.resolve("o.png")));
        }
    }

    @Test void trainingSettingsAreValidatedInOnePlace() {
        Path out = dir.resolve("v");
        assertOneLineError(run(train(out, "--iters", "2", "--schedule", "cosine", "--config", writeConfig("minLr: -0.5\n"))), 2, "minLr");
        assertOneLineError(run(train(out, "--iters", "2", "--schedule", "step", "--config", writeConfig("gamma: -3\n"))), 2, "gamma");
        assertOneLineError(run(train(out, "--iters", "2", "--config", writeConfig("stepPeriod: 0\n"))), 2, "stepPeriod");
        assertOneLineError(run(train(out, "--iters", "2", "--lr", "-1")), 2, "lr must be in (0, 1), got -1");
        assertOneLineError(run(train(out, "--iters", "2", "--config", writeConfig("lerningRate: 1\n"))), 2, "unknown option 'lerningRate' (known: ");
        assertFalse(Files.exists(out.resolve(Checkpoint.FILE)));
    }

    private String writeConfig(String yaml) {
        try {
            Path f = Files.createTempFile(dir, "opts", ".yml");
            Files.writeString(f, yaml);
            return f.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test void unknownArchitectureOptionKeysAreRefusedWithTheKnownOnes() {
        EvalCommandTest.Run r = run(train(dir.resolve("o"), "--iters", "1", "--arch", "srresnet-bam", "--option", "binarzer=bnn"));
        assertOneLineError(r, 2, "unknown option 'binarzer' for srresnet-bam (known: ");
        assertTrue(r.err().contains("binarizer"), r.err());
        assertOneLineError(run("info", "--arch", "bsrn", "--scale", "2", "--set", "lbz=3"), 2, "unknown option 'lbz'");
        // known keys still work
        assertEquals(0, run("info", "--arch", "bsrn", "--scale", "2", "--set", "lbs=3").exit());
    }

    // ---------------------------------------------------------------- 6. no leftovers

    @Test void leftoverTempFilesOfAKilledRunAreRemovedByTheNextRun() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path ours = out.resolve(".a.png.bnnsr-123456789.tmp"), legacy = out.resolve(".a.png.987654321.tmp");
        Path foreign = out.resolve(".somebody-else.tmp"), fresh = out.resolve(".b.png.bnnsr-42.tmp");
        for (Path p : List.of(ours, legacy, foreign)) {
            Files.writeString(p, "half a file");
            Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(3600)));
        }
        Files.writeString(fresh, "being written by a process that started after this one");
        Files.setLastModifiedTime(fresh, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(0, run("upscale", "--model", modelX2.toString(), image.toString(), "-o", out.toString()).exit());
        assertEquals(List.of(".b.png.bnnsr-42.tmp", ".somebody-else.tmp", "a.png"), names(out));
    }

    // ---------------------------------------------------------------- 7. clear messages

    @Test void resumeProblemsAreClearLines() throws IOException {
        Path run = dir.resolve("run");
        assertEquals(0, run(train(run, "--iters", "4")).exit());
        Path ckpt = run.resolve(Checkpoint.FILE);
        byte[] good = Files.readAllBytes(ckpt);

        EvalCommandTest.Run behind = run(train(run, "--iters", "2", "--resume"));
        assertOneLineError(behind, 2, "is at iteration 4; --iters 2 is behind it");
        assertArrayEquals(good, Files.readAllBytes(ckpt));
        assertEquals(0, run(train(run, "--iters", "4", "--resume")).exit());
        assertArrayEquals(good, Files.readAllBytes(ckpt), "at its end already: nothing written");
        bnnsr.train.TrainConfig saved = bnnsr.train.TrainConfig.fromJson(SafeTensors.read(ckpt).metadata().get("train_config"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        new bnnsr.train.Trainer(saved, true, new java.io.PrintStream(log, true)).run();
        assertTrue(log.toString().contains("nothing to do") && !log.toString().contains("done: -"), log.toString());

        rewriteCheckpointConfig(ckpt, good, cfg -> cfg.replace("{", "{\"futureSetting\":1,"));
        assertOneLineError(run(train(run, "--iters", "6", "--resume")), 2, "unknown setting 'futureSetting'");
        rewriteCheckpointConfig(ckpt, good, cfg -> cfg.replaceAll("\"batch\"\\s*:\\s*2", "\"batch\":0"));
        assertOneLineError(run(train(run, "--iters", "6", "--resume")), 2, "saved settings are invalid: batch must be in 1..1024, got 0");
    }

    private void rewriteCheckpointConfig(Path ckpt, byte[] original, UnaryOperator<String> edit) throws IOException {
        Files.write(ckpt, original);
        Path edited = rewritePacked(ckpt, "edited.safetensors", m -> {
            String before = m.get("train_config");
            m.put("train_config", edit.apply(before));
            assertNotEquals(before, m.get("train_config"));
            return m;
        });
        Files.move(edited, ckpt, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test void infoOnAFolderSaysItIsAFolder() {
        assertOneLineError(run("info", "--model", dir.toString()), 2, "is a folder, not a model file");
        assertOneLineError(run("upscale", "--model", dir.toString(), image.toString(), "-o", dir.resolve("o.png").toString()), 2, "is a folder");
    }

    @Test void anExistingExportOutputIsKeptAndNamed() throws IOException {
        Path out = dir.resolve("e.safetensors");
        Files.writeString(out, "keep me");
        assertOneLineError(run("export", modelX2.toString(), "-o", out.toString()), 2, out.toString());
        assertEquals("keep me", Files.readString(out));
        assertEquals(0, run("export", modelX2.toString(), "-o", out.toString(), "--force").exit());
        assertEquals("bnnsr-packed", SafeTensors.read(out).metadata().get("format"));
    }
}
