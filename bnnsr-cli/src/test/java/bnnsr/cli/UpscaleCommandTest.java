package bnnsr.cli;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Model;
import bnnsr.engine.DefaultModel;
import bnnsr.engine.ModelNetwork;
import bnnsr.engine.TestNetworks;
import bnnsr.engine.Upscaler;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import bnnsr.image.Quantize;
import bnnsr.io.SafeTensorsWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static bnnsr.cli.EvalCommandTest.assertOneLineError;
import static bnnsr.cli.EvalCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UpscaleCommandTest {
    @TempDir Path dir;
    Path modelX2;
    Model model;

    @BeforeEach void saveModel() throws IOException {
        model = TestNetworks.srresnet(2, 3);
        modelX2 = dir.resolve("x2.safetensors");
        model.save(modelX2, Map.of());
    }

    private Path png(String name, int h, int w, int c, int bits, long seed) {
        Path f = dir.resolve(name);
        try {
            Files.createDirectories(f.getParent());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ImageWriter.writePng(TestNetworks.image(h, w, c, bits, seed), f, bits);
        return f;
    }

    /** What the output file must hold: the API's result for the decoded input, quantised as the PNG stores it. */
    private FloatImage expected(Path input) {
        FloatImage sr = new Upscaler(new ModelNetwork(model), Upscaler.Options.defaults().withTile(0)).upscale(ImageReader.read(input));
        float[] q = new float[sr.data.length];
        for (int i = 0; i < q.length; i++)
            q[i] = sr.bitDepth() == 16 ? Quantize.level16(sr.data[i]) / 65535f : Quantize.level(sr.data[i]) / 255f;
        return new FloatImage(sr.height, sr.width, sr.channels, q, sr.bitDepth());
    }

    private void assertUpscaled(Path input, Path output) {
        FloatImage want = expected(input), got = ImageReader.read(output);
        assertTrue(want.sameShape(got), got + " vs " + want);
        assertEquals(want.bitDepth(), got.bitDepth());
        double tol = (got.bitDepth() == 16 ? 1.0 / 65535 : 1.0 / 255) + 1e-6;   // one level: tiling may round apart
        for (int i = 0; i < want.data.length; i++) assertEquals(want.data[i], got.data[i], tol, "sample " + i);
    }

    private static List<Path> filesUnder(Path d) throws IOException {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).map(d::relativize).sorted().toList();
        }
    }

    @Test void oneFileToAFileName() {
        Path in = png("a.png", 9, 13, 3, 8, 1), out = dir.resolve("a_x2.png");
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), in.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertUpscaled(in, out);
        assertTrue(r.err().contains("13x9 -> 26x18"), r.err());
    }

    @Test void rgbaGreyGreyAlphaAndSixteenBitKeepTheirChannelsAndDepth() {
        Path out = dir.resolve("out");
        Path[] ins = {png("in/rgba.png", 8, 7, 4, 8, 1), png("in/grey.png", 6, 9, 1, 8, 2),
                png("in/greya.png", 7, 5, 2, 8, 3), png("in/deep.png", 5, 6, 3, 16, 4), png("in/deepa.png", 5, 4, 4, 16, 5)};
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), "--tile", "3", dir.resolve("in").toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        for (Path in : ins) {
            Path o = out.resolve(in.getFileName());
            assertUpscaled(in, o);
            FloatImage src = ImageReader.read(in), dst = ImageReader.read(o);
            assertEquals(src.channels, dst.channels, in.toString());
            assertEquals(src.bitDepth(), dst.bitDepth(), in.toString());
        }
        assertTrue(r.err().contains("5 done, 0 failed"), r.err());
    }

    @Test void foldersRecurseAndKeepRelativeNamesWithSuffixAndFormat() throws IOException {
        png("photos/a.png", 5, 6, 3, 8, 1);
        png("photos/trip/b.png", 6, 5, 3, 8, 2);
        png("photos/trip/day 2/c.png", 4, 4, 1, 8, 3);
        Files.writeString(dir.resolve("photos/notes.txt"), "not an image");
        Path out = dir.resolve("big");
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), dir.resolve("photos").toString(), "-o", out.toString(),
                "--suffix", "_x2");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(Path.of("a_x2.png"), Path.of("trip/b_x2.png"), Path.of("trip/day 2/c_x2.png")), filesUnder(out));
        assertUpscaled(dir.resolve("photos/trip/b.png"), out.resolve("trip/b_x2.png"));

        Path jpgs = dir.resolve("jpgs");
        r = run("upscale", "--model", modelX2.toString(), dir.resolve("photos").toString(), "-o", jpgs.toString(), "--format", "jpg", "--quality", "90");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(Path.of("a.jpg"), Path.of("trip/b.jpg"), Path.of("trip/day 2/c.jpg")), filesUnder(jpgs));
        FloatImage jpg = ImageReader.read(jpgs.resolve("trip/b.jpg")), want = expected(dir.resolve("photos/trip/b.png"));
        assertTrue(jpg.sameShape(want));
        assertEquals(1, ImageReader.read(jpgs.resolve("trip/day 2/c.jpg")).channels, "grey JPEG");
    }

    @Test void aRerunIntoAFolderInsideTheInputDoesNotUpscaleItsOwnOutputs() throws IOException {
        png("pics/a.png", 5, 5, 3, 8, 1);
        Path out = dir.resolve("pics/x2");
        assertEquals(0, run("upscale", "--model", modelX2.toString(), dir.resolve("pics").toString(), "-o", out.toString()).exit());
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), dir.resolve("pics").toString(), "-o", out.toString(), "--force");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(Path.of("a.png")), filesUnder(out));
    }

    @Test void existingOutputIsKeptWithoutForceAndReplacedWithIt() throws IOException {
        Path in = png("a.png", 6, 6, 3, 8, 1), out = dir.resolve("out.png");
        Files.writeString(out, "precious");
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), in.toString(), "-o", out.toString());
        assertOneLineError(r, 2, "exists (use --force");
        assertEquals("precious", Files.readString(out));
        r = run("upscale", "--model", modelX2.toString(), in.toString(), "-o", out.toString(), "--force");
        assertEquals(0, r.exit(), r.err());
        assertUpscaled(in, out);
    }

    @Test void neverOverwritesAnInputEvenWithForce() throws IOException {
        Path in = png("same/a.png", 6, 6, 3, 8, 1);
        byte[] before = Files.readAllBytes(in);
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), in.toString(), "-o", in.toString(), "--force");
        assertOneLineError(r, 2, "is an input image");
        r = run("upscale", "--model", modelX2.toString(), dir.resolve("same").toString(), "-o", dir.resolve("same").toString(), "--force");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("is an input image"), r.err());
        assertArrayEquals(before, Files.readAllBytes(in));
        // a.png's output would be b_x2.png's input: refused, b_x2.png itself is still upscaled
        Path b = png("chain/a.png", 4, 4, 3, 8, 2);
        Path bx = png("chain/a_x2.png", 4, 4, 3, 8, 3);
        byte[] bxBefore = Files.readAllBytes(bx);
        r = run("upscale", "--model", modelX2.toString(), b.toString(), bx.toString(), "-o", dir.resolve("chain").toString(),
                "--suffix", "_x2", "--force");
        assertEquals(2, r.exit(), r.err());
        assertArrayEquals(bxBefore, Files.readAllBytes(bx));
        assertTrue(Files.exists(dir.resolve("chain/a_x2_x2.png")));
    }

    @Test void corruptInputIsOneLineWithNoOutputAndOthersContinue() throws IOException {
        Path bad = dir.resolve("in/bad.png");
        Files.createDirectories(bad.getParent());
        byte[] good = Files.readAllBytes(png("in/good.png", 6, 7, 3, 8, 1));
        Files.write(bad, java.util.Arrays.copyOf(good, good.length / 2));
        Path out = dir.resolve("out");
        List<Path> before = filesUnder(dir);
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), bad.toString(), "-o", dir.resolve("one.png").toString());
        assertOneLineError(r, 2, bad.toString());
        assertFalse(Files.exists(dir.resolve("one.png")));
        assertEquals(before, filesUnder(dir), "nothing written, nothing left");
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("one.png")), "no temp file left");
        }

        r = run("upscale", "--model", modelX2.toString(), dir.resolve("in").toString(), dir.resolve("missing.png").toString(), "-o", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("bnnsr: " + bad + ": corrupt"), r.err());
        assertTrue(r.err().contains("missing.png: no such file"), r.err());
        assertTrue(r.err().contains("1 done, 2 failed"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals(List.of(Path.of("good.png")), filesUnder(out));
    }

    @Test void anOutputThatCannotBeWrittenIsAFailureNotABadInput() throws IOException {
        png("in/sub/a.png", 4, 4, 3, 8, 1);
        png("in/b.png", 4, 4, 3, 8, 2);
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("sub"), "a file where the folder should go");
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), dir.resolve("in").toString(), "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("cannot create its folder"), r.err());
        assertTrue(r.err().contains("1 done, 1 failed"), r.err());
        assertTrue(Files.exists(out.resolve("b.png")));
    }

    @Test void refusesHugeImagesBeforeDecodingThem() throws IOException {
        Path huge = dir.resolve("huge.png");
        Files.write(huge, pngHeaderOnly(40_000, 30_000));
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), huge.toString(), "-o", dir.resolve("h.png").toString());
        assertOneLineError(r, 2, "over the limit");
        assertTrue(r.err().contains(huge.toString()), r.err());
    }

    /** A PNG signature, an IHDR chunk claiming w x h RGB 8-bit, and IEND: enough for the header, no pixels. */
    private static byte[] pngHeaderOnly(int w, int h) throws IOException {
        return ReliabilityTest.png(w, h, new byte[] {8, 2, 0, 0, 0}, null);
    }

    @Test void wrongModelFilesAreOneLine() throws IOException {
        Path in = png("a.png", 5, 5, 3, 8, 1), out = dir.resolve("o.png");
        Path missing = dir.resolve("nope.safetensors");
        assertOneLineError(run("upscale", "--model", missing.toString(), in.toString(), "-o", out.toString()), 2, "no such model file");

        Path text = dir.resolve("notes.safetensors");
        Files.writeString(text, "these are not the tensors you are looking for");
        assertOneLineError(run("upscale", "--model", text.toString(), in.toString(), "-o", out.toString()), 2, text.toString());

        // a plain state dict of another network, given as srresnet
        Path other = dir.resolve("other.safetensors");
        Model bn = TestNetworks.withBn(2, 1);
        SafeTensorsWriter w = new SafeTensorsWriter();
        bn.state().values().stream().filter(p -> !p.integral).forEach(p -> w.putF32(p.name, p.shape, p.value));
        w.write(other, Map.of());
        assertOneLineError(run("upscale", "--model", other.toString(), "--arch", "srresnet", "--scale", "2", in.toString(), "-o", out.toString()),
                2, "does not fit srresnet");

        // bnnsr metadata naming an architecture this build does not have
        Path unknown = dir.resolve("unknown.safetensors");
        Map<String, String> meta = Map.of(ArchOptions.METADATA_KEY, new ArchOptions("no-such-net", 2, 4, 1).toJson());
        new SafeTensorsWriter().putF32("w", new int[] {1}, new float[] {1}).write(unknown, meta);
        assertOneLineError(run("upscale", "--model", unknown.toString(), in.toString(), "-o", out.toString()), 2, "unknown architecture");

        assertFalse(Files.exists(out));

        // a training checkpoint upscales like its weights alone (the optimizer state is skipped)
        Path ckpt = dir.resolve("checkpoint.safetensors");
        Map<String, String> ckptMeta = new java.util.HashMap<>(model.metadata());
        ckptMeta.put("train_config", "{}");
        model.addTo(new SafeTensorsWriter()).putF32("optimizer.step", new int[] {1}, new float[] {3}).write(ckpt, ckptMeta);
        Path fromModel = dir.resolve("m.png"), fromCkpt = dir.resolve("c.png");
        assertEquals(0, run("upscale", "--model", modelX2.toString(), in.toString(), "-o", fromModel.toString()).exit());
        assertEquals(0, run("upscale", "--model", ckpt.toString(), in.toString(), "-o", fromCkpt.toString()).exit());
        assertArrayEquals(Files.readAllBytes(fromModel), Files.readAllBytes(fromCkpt));
    }

    @Test void scaleMismatchIsAClearError() {
        Path in = png("a.png", 5, 5, 3, 8, 1);
        EvalCommandTest.Run r = run("upscale", "--model", modelX2.toString(), "--scale", "4", in.toString(), "-o", dir.resolve("o.png").toString());
        assertOneLineError(r, 2, "is a x2 model");
        assertTrue(r.err().contains("cannot upscale x4"), r.err());
        assertEquals(0, run("upscale", "--model", modelX2.toString(), "--scale", "2", in.toString(), "-o", dir.resolve("o.png").toString()).exit());
    }

    @Test void badOptionsAreOneLine() {
        Path in = png("a.png", 5, 5, 3, 8, 1);
        String m = modelX2.toString();
        assertOneLineError(run("upscale", "--model", m, "--tile", "-1", in.toString(), "-o", dir.resolve("o.png").toString()), 2, "--tile");
        assertOneLineError(run("upscale", "--model", m, "--format", "gif", in.toString(), "-o", dir.resolve("o").toString()), 2, "--format");
        assertOneLineError(run("upscale", "--model", m, "--format", "jpg", in.toString(), "-o", dir.resolve("o.png").toString()), 2, "--format is jpg");
        assertOneLineError(run("upscale", "--model", m, in.toString(), "-o", dir.resolve("o.bmp").toString()), 2, "PNG, JPEG or TIFF");
        assertOneLineError(run("upscale", "--model", m, "--threads", "0", in.toString(), "-o", dir.resolve("o.png").toString()), 2, "--threads");
        assertOneLineError(run("upscale", "--model", m, "--quality", "101", in.toString(), "-o", dir.resolve("o.jpg").toString()), 2, "--quality");
    }

    @Test void tileAndThreadCountDoNotChangeTheOutput() throws IOException {
        Path in = png("a.png", 45, 41, 3, 8, 9);                  // tiles of 4 + 2 * 10 (the radius) inside the image
        run("upscale", "--model", modelX2.toString(), in.toString(), "-o", dir.resolve("whole.png").toString(), "--tile", "0", "--threads", "1");
        run("upscale", "--model", modelX2.toString(), in.toString(), "-o", dir.resolve("tiled.png").toString(), "--tile", "4", "--threads", "2");
        assertTrue(ImageReader.read(dir.resolve("whole.png")).samePixels(ImageReader.read(dir.resolve("tiled.png"))));
    }

    /**
     * A folder of small images runs one image per core at once (packed model, streamed): the files equal those of
     * a one-thread run byte for byte, a bad file among them is still reported in its place, and the summary gives
     * images per second.
     */
    @Test void smallImagesRunOnePerCoreWithTheSameFiles() throws IOException {
        Path packed = dir.resolve("bam.safetensors");
        bnnsr.engine.graph.Exporter.export(TestNetworks.randomise(bnnsr.arch.Architectures.create(
                bnnsr.arch.Architectures.defaults("srresnet-bam", 2).withChannels(8).withBlocks(2), 4), 4)).write(packed);
        for (int i = 0; i < 5; i++) png("set/im" + i + ".png", 9 + i, 12 - i, i == 3 ? 1 : 3, 8, 40 + i);
        Files.writeString(dir.resolve("set/im5.png"), "not a png");
        EvalCommandTest.Run one = run("upscale", "--model", packed.toString(), dir.resolve("set").toString(), "-o", dir.resolve("one").toString(), "--threads", "1");
        EvalCommandTest.Run two = run("upscale", "--model", packed.toString(), dir.resolve("set").toString(), "-o", dir.resolve("two").toString(), "--threads", "2");
        assertEquals(2, two.exit(), two.err());
        assertTrue(two.err().contains("images/s"), two.err());
        assertTrue(two.err().indexOf("im4.png") < two.err().indexOf("im5.png"), "reports in input order: " + two.err());
        assertEquals(filesUnder(dir.resolve("one")), filesUnder(dir.resolve("two")));
        assertEquals(5, filesUnder(dir.resolve("two")).size());
        for (Path f : filesUnder(dir.resolve("one")))
            assertArrayEquals(Files.readAllBytes(dir.resolve("one").resolve(f)), Files.readAllBytes(dir.resolve("two").resolve(f)), f.toString());
    }

    /** Every scale has a bundled default model: --scale alone picks it, and the output has that scale's size. */
    @ParameterizedTest @ValueSource(ints = {2, 3, 4})
    void withoutAModelEachScaleUsesItsBundledDefault(int scale) throws IOException {
        Path in = png("a" + scale + ".png", 7, 5, 3, 8, 1);
        Path out = dir.resolve("o" + scale + ".png");
        EvalCommandTest.Run r = run("upscale", "--scale", Integer.toString(scale), in.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        FloatImage img = ImageReader.read(out);
        assertEquals(7 * scale, img.height);
        assertEquals(5 * scale, img.width);
    }

    /** Where no default exists (a library user's jar without the models), the message says where it looked. */
    @Test void theMissingDefaultMessageNamesTheFileAndThePlaces() throws IOException {
        assertTrue(DefaultModel.find(5).isEmpty(), "no x5 default model exists");
        assertTrue(DefaultModel.searched(5).contains("default_x5.safetensors"), DefaultModel.searched(5));
    }
}
