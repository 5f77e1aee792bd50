package bnnsr.engine.graph;

import bnnsr.engine.EngineNetwork;
import bnnsr.engine.InferenceNetwork;
import bnnsr.engine.Networks;
import bnnsr.engine.TestNetworks;
import bnnsr.engine.Tiler;
import bnnsr.engine.TilerTest;
import bnnsr.engine.Upscaler;
import bnnsr.engine.kernels.PackedActivations;
import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.BSRN;
import bnnsr.arch.MSRResNet;
import bnnsr.arch.Model;
import bnnsr.binarize.BinaryConv2d;
import bnnsr.binarize.GroupOwner;
import bnnsr.nn.Layer;
import bnnsr.nn.Residual;
import bnnsr.nn.Sequential;
import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static bnnsr.engine.TestNetworks.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Export then run on the engine vs the training code's eval-mode forward of the same model: every binary conv's
 * input signs equal bit for bit, the images bit for bit too (the spec asks 1e-4), tiling exact, thread count irrelevant.
 * Models are tiny, randomised, and their BN running statistics come from training-mode forwards on random batches
 * (so thresholds sit where the data is and many values fall near them).
 */
class ExportParityTest {
    static final double TOL = 1e-4;

    static Model trained(ArchOptions o, long seed) {
        Model m = TestNetworks.randomise(Architectures.create(o, seed), seed);
        Tensor batch = new Tensor(2, 12, 12, 3);
        SplittableRandom r = new SplittableRandom(seed);
        for (int step = 0; step < 30; step++) {
            for (int i = 0; i < batch.size(); i++) batch.data[i] = (float) r.nextDouble();
            m.forward(batch, true);
        }
        return m;
    }

    static ArchOptions options(String arch, int scale, int channels, int blocks) {
        return Architectures.defaults(arch, scale).withChannels(channels).withBlocks(blocks);
    }

    static List<BinaryConv2d> binaryConvs(Layer l) {
        List<BinaryConv2d> out = new ArrayList<>();
        collect(l, out);
        return out;
    }

    private static void collect(Layer l, List<BinaryConv2d> out) {
        switch (l) {
            case Model m -> collect(m.net(), out);
            case MSRResNet m -> { collect(m.body(), out); collect(m.upsample(), out); collect(m.tail(), out); }
            case bnnsr.binarize.BbcuUnit u -> out.add(u.conv());
            case BSRN b -> collect(b.body(), out);
            case Sequential s -> s.layers().forEach(c -> collect(c, out));
            case GroupOwner g -> collect(g.body(), out);
            case Residual r -> collect(r.body, out);
            case BinaryConv2d b -> out.add(b);
            default -> { }
        }
    }

    /** Engine vs training forward on one image: signs of every binary layer, then the image. */
    static void assertParity(Model m, int h, int w) {
        PackedModel packed = Exporter.export(m);
        Tensor lr = TestNetworks.tensor(h, w, 5);
        Tensor want = m.forward(bnnsr.arch.ModelInput.prepare(m.options(), lr), false).copy();
        EngineModel engine = new EngineModel(packed);
        Tensor got = engine.forward(lr).copy();
        List<BinaryConv2d> convs = binaryConvs(m);
        int checked = 0;
        long minus = 0, total = 0;
        for (BinaryConv2d c : convs) {
            Tensor signs = c.binarizedInput().copy();
            PackedActivations p = engine.packedInput(c.name());
            assertNotNull(p, c.name());
            for (int y = 0; y < signs.h; y++)
                for (int x = 0; x < signs.w; x++)
                    for (int ch = 0; ch < c.inChannels(); ch++) {
                        float s = signs.get(0, y, x, ch);
                        if (c.activationBinarizer() instanceof bnnsr.binarize.DorefaActivations) s = s == 0 ? -1 : 1;   // levels
                        assertEquals(s, p.sign(0, y, x, ch), c.name() + " sign at " + y + "," + x + "," + ch);
                        if (s < 0) minus++;
                        total++;
                    }
            checked++;
        }
        assertEquals(convs.size(), checked);
        // DoReFa's levels sit at 0 for most small activations: a looser bound there
        long margin = convs.stream().anyMatch(c -> c.activationBinarizer() instanceof bnnsr.binarize.DorefaActivations) ? total / 50 : total / 10;
        if (total > 0) assertTrue(minus > margin && minus < total - margin, "signs not degenerate: " + minus + " of " + total);
        double d = maxAbsDiff(want.data, got.data);
        assertTrue(d < TOL, m.options().arch() + ": max abs diff " + d);
        // stronger than the spec's 1e-4: the engine repeats the training forward's float operations one for one
        assertArrayEquals(want.data, got.data, m.options().arch() + " " + m.options().extra());
    }

    @Test void srresnetFp() { assertParity(trained(options("srresnet", 2, 8, 2), 1), 9, 11); }

    @Test void srresnetBam() { assertParity(trained(options("srresnet-bam", 2, 8, 2), 2), 9, 11); }

    @Test void srresnetBamX4() { assertParity(trained(options("srresnet-bam", 4, 8, 2), 3), 7, 6); }

    @Test void srresnetBamAblations() {
        for (String spec : new String[] {"bam:w1,a1", "bam:w2,a2", "bam:noaffine"})
            assertParity(trained(options("srresnet-bam", 2, 8, 2).with("binarizer", spec), 4), 8, 9);
    }

    @Test void srresnetBnn() { assertParity(trained(options("srresnet-bnn", 2, 8, 2), 5), 9, 11); }

    @Test void srresnetXnor() { assertParity(trained(options("srresnet-xnor", 2, 8, 2), 12), 9, 11); }

    @Test void srresnetDorefa() { assertParity(amplified(trained(options("srresnet-dorefa", 2, 8, 2), 14)), 9, 11); }

    @Test void bsrnDorefaX4() { assertParity(amplified(trained(options("bsrn", 4, 8, 1).with("binarizer", "dorefa"), 15)), 7, 6); }

    /** Larger head features, so that more of DoReFa's activations reach the 0.5 threshold. */
    static Model amplified(Model m) {
        for (String t : new String[] {"conv_first.weight", "conv_first.bias"}) {
            float[] v = m.state().get(t).value;
            for (int i = 0; i < v.length; i++) v[i] *= 6f;
        }
        return m;
    }

    @Test void bsrnXnorX3() { assertParity(trained(options("bsrn", 3, 8, 1).with("binarizer", "xnor"), 13), 8, 7); }

    @Test void vdsr() {
        for (String arch : new String[] {"vdsr", "vdsr-bam", "vdsr-bnn", "vdsr-xnor"})
            assertParity(trained(options(arch, 2, 8, 3), 16), 6, 7);
    }

    /** VDSR's DoReFa variant: {0, 1} levels in a 3-member group, on the bicubic-upsampled input. */
    @Test void vdsrDorefa() { assertParity(amplified(trained(options("vdsr-dorefa", 2, 8, 3), 17)), 6, 7); }

    @Test void bsrn() { assertParity(trained(options("bsrn", 2, 8, 2), 6), 9, 11); }

    @Test void bsrnX4WithoutLbReLU() { assertParity(trained(options("bsrn", 4, 8, 1).with("lb_act", "none"), 7), 7, 6); }

    @Test void bsrnBnn() { assertParity(trained(options("bsrn", 2, 8, 1).with("binarizer", "bnn"), 8), 9, 11); }

    @Test void packedFileGivesTheSameOutputAndTilesExactly(@TempDir Path dir) throws IOException {
        for (String arch : new String[] {"srresnet", "srresnet-bam", "srresnet-bnn", "srresnet-xnor", "srresnet-dorefa", "vdsr-bam", "bsrn"}) {
            Model m = trained(options(arch, 2, 8, arch.equals("bsrn") ? 1 : arch.startsWith("vdsr") ? 3 : 2), 9);
            Path f = dir.resolve(arch + ".safetensors");
            Exporter.export(m).write(f);
            InferenceNetwork net = Networks.load(f, null);
            assertInstanceOf(EngineNetwork.class, net);
            Tensor lr = TestNetworks.tensor(10, 8, 3);
            assertTrue(maxAbsDiff(m.forward(bnnsr.arch.ModelInput.prepare(m.options(), lr), false).copy().data, net.run(lr).data) < TOL, arch);
            TilerTest.assertTilingExact(net);
        }
    }

    /** The Java API on a packed model: concurrent calls over replicas give the sequential results. */
    @Test void upscalerOnAPackedModelIsThreadSafe() throws Exception {
        EngineNetwork net = new EngineNetwork(Exporter.export(trained(options("srresnet-bam", 2, 8, 2), 11)));
        List<bnnsr.image.FloatImage> images = new ArrayList<>(), expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) images.add(TestNetworks.image(9 + i, 12 - i, 3, 8, 50 + i));
        Upscaler sequential = new Upscaler(net, Upscaler.Options.defaults().withTile(5));
        for (bnnsr.image.FloatImage img : images) expected.add(sequential.upscale(img));
        Upscaler shared = new Upscaler(net, Upscaler.Options.defaults().withTile(5).withInstances(3));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<bnnsr.image.FloatImage>> results = new ArrayList<>();
            for (int round = 0; round < 2; round++)
                for (bnnsr.image.FloatImage img : images) results.add(pool.submit(() -> shared.upscale(img)));
            for (int k = 0; k < results.size(); k++) assertArrayEquals(expected.get(k % images.size()).data, results.get(k).get().data);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The upscaler streams packed models (bands of rows, or the whole image when it fits the whole-image budget) by
     * default: the same images as tiling and as the whole image, for RGB, grey, alpha and 16-bit inputs, through
     * {@code upscale} and {@code runNetwork}, with the default budget (this small image whole) and none (bands).
     */
    @ParameterizedTest
    @ValueSource(longs = {EngineNetwork.WHOLE_BUDGET, 0})
    void streamedUpscaleEqualsTiledAndWhole(long wholeBudget) {
        EngineNetwork net = new EngineNetwork(Exporter.export(trained(options("srresnet-bam", 4, 8, 2), 16)), wholeBudget);
        assertTrue(net.streams());
        assertEquals(wholeBudget > 0, net.whole(37, 9));
        // taller than the largest band: in several bands unless run whole
        int[] parts = {0};
        net.stream(TestNetworks.tensor(EngineNetwork.MAX_BAND + 4, 3, 1), (slab, y0, from, to) -> parts[0]++, Tiler.Progress.NONE);
        assertEquals(wholeBudget > 0, parts[0] == 1, "rows handed on in one go when whole: " + parts[0]);
        Upscaler streamed = new Upscaler(net, Upscaler.Options.defaults());
        assertTrue(streamed.streams());
        Upscaler tiled = new Upscaler(net.replica(), Upscaler.Options.defaults().withTile(4));
        Upscaler whole = new Upscaler(net.replica(), Upscaler.Options.defaults().withTile(0));
        assertFalse(tiled.streams());
        for (int c : new int[] {1, 2, 3, 4}) {
            bnnsr.image.FloatImage img = TestNetworks.image(37, 9, c, c == 2 ? 16 : 8, 60 + c);
            bnnsr.image.FloatImage a = streamed.upscale(img), b = tiled.upscale(img), w = whole.upscale(img);
            assertArrayEquals(w.data, a.data, c + " channels: streamed vs whole");
            assertArrayEquals(w.data, b.data, c + " channels: tiled vs whole");
            assertEquals(w.bitDepth(), a.bitDepth());
            // straight into the 8/16-bit image for writing: the same samples as converting the float result
            for (Upscaler u : new Upscaler[] {streamed, tiled}) {
                java.awt.image.Raster got = u.upscaleToImage(img, img.bitDepth(), Tiler.Progress.NONE).getRaster();
                java.awt.image.Raster want = bnnsr.image.ImageWriter.toBuffered(w, w.bitDepth()).getRaster();
                assertEquals(want.getNumBands(), got.getNumBands());
                assertArrayEquals(want.getPixels(0, 0, want.getWidth(), want.getHeight(), (int[]) null),
                        got.getPixels(0, 0, got.getWidth(), got.getHeight(), (int[]) null), c + " channels, as an image");
            }
        }
        Tensor lr = TestNetworks.tensor(21, 6, 8);
        assertArrayEquals(net.replica().run(lr).copy().data, streamed.runNetwork(lr, Tiler.Progress.NONE).data);
        // a 1-pixel-tall image and a 1-pixel-wide one
        for (Tensor t : new Tensor[] {TestNetworks.tensor(1, 7, 9), TestNetworks.tensor(5, 1, 9)})
            assertArrayEquals(net.replica().run(t).copy().data, streamed.runNetwork(t, Tiler.Progress.NONE).data);
    }

    /** The band budget sets the band height (clamped to its bounds) and never the output. */
    @Test void bandBudgetChangesBandsNotOutput() {
        PackedModel packed = Exporter.export(trained(options("srresnet-bam", 4, 8, 2), 16));
        EngineNetwork small = new EngineNetwork(packed, 0, 0), big = new EngineNetwork(packed, 0, Long.MAX_VALUE / 2);
        assertEquals(EngineNetwork.MIN_BAND, small.bandRows(9));
        assertEquals(EngineNetwork.MAX_BAND, big.bandRows(9));
        assertEquals(EngineNetwork.MIN_BAND, small.replica() instanceof EngineNetwork e ? e.bandRows(9) : -1, "replica keeps the budget");
        Tensor lr = TestNetworks.tensor(2 * EngineNetwork.MIN_BAND + 5, 9, 17);
        Tensor want = big.replica().run(lr).copy();
        for (EngineNetwork net : new EngineNetwork[] {small, big}) {
            int[] parts = {0};
            Tensor got = new Tensor(1, lr.h * 4, lr.w * 4, 3);
            net.stream(lr, (slab, y0, from, to) -> {
                parts[0]++;
                System.arraycopy(slab.data, (from - y0) * got.w * 3, got.data, from * got.w * 3, (to - from) * got.w * 3);
            }, Tiler.Progress.NONE);
            assertEquals(net == small ? 3 : 1, parts[0], "bands");
            assertArrayEquals(want.data, got.data, net == small ? "small bands" : "one band");
        }
        assertThrows(IllegalArgumentException.class, () -> new EngineNetwork(packed, 0, -1));
    }

    @Test void engineOutputDoesNotDependOnThreadCount() {
        PackedModel packed = Exporter.export(trained(options("bsrn", 2, 8, 2), 10));
        Tensor lr = TestNetworks.tensor(13, 9, 4);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Tensor one = new EngineModel(packed).forward(lr).copy();
            Parallel.setThreads(2);
            assertArrayEquals(one.data, new EngineModel(packed).forward(lr).data);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test void unsupportedSchemesAreRejectedWithOneLine() {
        List<ArchOptions> cases = new ArrayList<>();
        for (String arch : new String[] {"srresnet-abc", "srresnet-ma", "vdsr-abc"})
            cases.add(options(arch, 2, 8, arch.startsWith("vdsr") ? 3 : 2));
        cases.add(options("srresnet-bam", 2, 8, 1).with("binarizer", "bam:mean"));
        cases.add(options("srresnet-bam", 2, 8, 1).with("binarizer", "bam:a32"));
        for (ArchOptions o : cases) {
            Model m = Architectures.create(o, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Exporter.export(m), o.toString());
            assertTrue(e.getMessage().startsWith("cannot export " + o.arch() + ":"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }
}
