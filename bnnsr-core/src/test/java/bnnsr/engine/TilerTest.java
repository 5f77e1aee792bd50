package bnnsr.engine;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static bnnsr.engine.TestNetworks.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.*;

public class TilerTest {
    static final double TOL = 1e-4;

    @Test void spansCoverTheImageAndWindowsHoldTheRadius() {
        for (int length : new int[] {1, 2, 7, 16, 17, 33, 100})
            for (int tile : new int[] {0, 1, 3, 7, 16, 50, 200})
                for (int radius : new int[] {0, 1, 3, 9}) {
                    List<Tiler.Span> spans = Tiler.spans(length, tile, radius);
                    int next = 0, window = spans.get(0).windowLength();
                    for (Tiler.Span s : spans) {
                        String what = length + "/" + tile + "/" + radius + ": " + s;
                        assertEquals(next, s.from(), what);
                        assertTrue(s.to() > s.from() && (tile == 0 || s.to() - s.from() <= tile), what);
                        assertEquals(window, s.windowLength(), "one window shape: " + what);
                        assertTrue(s.windowFrom() >= 0 && s.windowFrom() + window <= length, what);
                        assertTrue(s.windowFrom() <= Math.max(0, s.from() - radius), what);
                        assertTrue(s.windowFrom() + window >= Math.min(length, s.to() + radius), what);
                        next = s.to();
                    }
                    assertEquals(length, next);
                }
    }

    private static Tensor untiled(InferenceNetwork net, Tensor lr) { return net.run(lr).copy(); }

    /**
     * Tiled output equals the untiled one for tile sizes 7, 16 and whole, on odd image sizes large enough that the
     * windows of the smaller tiles lie inside the image (so the overlaps are really tested), and the tile sizes agree
     * with each other. For any {@link InferenceNetwork} (the packed engine's tests can call it too).
     */
    public static void assertTilingExact(InferenceNetwork net) {
        int r = net.receptiveRadius(), h = 2 * (7 + 2 * r) + 3, w = h + 4;
        for (int tile : new int[] {7, 16}) {
            assertTrue(Tiler.spans(h, tile, r).get(0).windowLength() < h, "windows smaller than the image");
            assertTrue(Tiler.spans(h, tile, r).size() >= 3, "an interior tile");
        }
        Tensor lr = TestNetworks.tensor(h, w, 11);
        Tensor whole = untiled(net, lr);
        assertEquals(h * net.scale(), whole.h);
        Tensor prev = null;
        for (int tile : new int[] {7, 16, 0}) {
            Tensor t = new Tiler(tile).run(net, lr);
            assertTrue(t.sameShape(whole), t.shape());
            double d = maxAbsDiff(whole.data, t.data);
            assertTrue(d <= TOL, net.describe() + " tile " + tile + ": max diff " + d);
            if (prev != null) assertTrue(maxAbsDiff(prev.data, t.data) <= TOL);
            // the README's promise: bit-identical at x2 and x4 (x3's bilinear skip rounds its weights per position)
            if (net.scale() != 3) assertArrayEquals(whole.data, t.data, net.describe() + " tile " + tile + ": not bit-identical");
            prev = t;
        }
    }

    @Test void tiledSrresnetEqualsUntiledAtEveryScale() {
        for (int s = 2; s <= 4; s++) assertTilingExact(new ModelNetwork(TestNetworks.srresnet(s, s)));
    }

    @Test void tiledBatchNormModelEqualsUntiled() {
        assertTilingExact(new ModelNetwork(TestNetworks.withBn(2, 5)));
        assertTilingExact(new ModelNetwork(TestNetworks.withBn(3, 6)));
    }

    /** Every registered architecture (those merged later too), small, with random weights. */
    @Test void tiledEqualsUntiledForEveryRegisteredArchitecture() {
        for (String arch : Architectures.names()) {
            ArchOptions d = Architectures.defaults(arch, 2);
            assertTilingExact(new ModelNetwork(TestNetworks.randomise(smallest(d.withChannels(8).withBlocks(2),
                    d.withChannels(8).withBlocks(3), d.withChannels(8), d), 3)));
        }
    }

    /** The first of these options the architecture accepts (block counts must fit its grouping). */
    private static Model smallest(ArchOptions... candidates) {
        for (int i = 0; ; i++) {
            try {
                return Architectures.create(candidates[i], 3);
            } catch (IllegalArgumentException e) {
                if (i == candidates.length - 1) throw e;
            }
        }
    }

    /** The test can see seams: with an overlap below the receptive radius, tiles disagree with the whole image. */
    @Test void tooSmallAnOverlapShows() {
        ModelNetwork real = new ModelNetwork(TestNetworks.srresnet(2, 1));
        InferenceNetwork blind = new InferenceNetwork() {
            @Override public int scale() { return 2; }
            @Override public int receptiveRadius() { return 2; }
            @Override public Tensor run(Tensor lr) { return real.run(lr); }
            @Override public long bytesPerInputPixel() { return 1; }
            @Override public InferenceNetwork replica() { return this; }
            @Override public String describe() { return "blind"; }
        };
        Tensor lr = TestNetworks.tensor(23, 37, 2);
        double d = maxAbsDiff(untiled(real, lr).data, new Tiler(7).run(blind, lr).data);
        assertTrue(d > 1e-3, "seams must show, max diff " + d);
    }

    @Test void progressCountsEveryTileOnce() {
        InferenceNetwork net = new ModelNetwork(TestNetworks.withBn(2, 1));
        List<String> calls = new java.util.ArrayList<>();
        new Tiler(4).run(net, TestNetworks.tensor(9, 13, 1), (done, total) -> calls.add(done + "/" + total));
        assertEquals(List.of("1/12", "2/12", "3/12", "4/12", "5/12", "6/12", "7/12", "8/12", "9/12", "10/12", "11/12", "12/12"), calls);
        calls.clear();
        new Tiler(0).run(net, TestNetworks.tensor(9, 13, 1), (done, total) -> calls.add(done + "/" + total));
        assertEquals(List.of("1/1"), calls);
    }

    @Test void radiusCountsEveryKernelPlusTheResamplingMargin() {
        // srresnet x4, 2 blocks: conv_first, 4 body convs, upconv1, upconv2, conv_hr, conv_last
        assertEquals(9 + ModelNetwork.RESAMPLING_MARGIN, new ModelNetwork(TestNetworks.srresnet(4, 1)).receptiveRadius());
        assertEquals(3 + ModelNetwork.RESAMPLING_MARGIN, new ModelNetwork(TestNetworks.withBn(2, 1)).receptiveRadius());
    }

    @Test void resultDoesNotDependOnTheThreadCount() {
        InferenceNetwork net = new ModelNetwork(TestNetworks.srresnet(3, 4));
        Tensor lr = TestNetworks.tensor(47, 61, 8);                                   // windows of 8 + 2 * 10
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Tensor one = new Tiler(8).run(net, lr);
            Parallel.setThreads(3);
            Tensor three = new Tiler(8).run(net, lr);
            Tensor threeWhole = new Tiler(0).run(net, lr);
            assertArrayEquals(one.data, three.data, "1 vs 3 threads");
            assertTrue(maxAbsDiff(one.data, threeWhole.data) <= TOL);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test void replicaGivesTheSameResultAndOwnsItsBuffers() {
        ModelNetwork net = new ModelNetwork(TestNetworks.withBn(2, 9));
        InferenceNetwork copy = net.replica();
        Tensor lr = TestNetworks.tensor(10, 12, 1);
        Tensor a = net.run(lr);
        Tensor b = copy.run(lr);
        assertNotSame(a.data, b.data);
        assertArrayEquals(a.data, b.data);
        assertEquals(net.receptiveRadius(), copy.receptiveRadius());
    }

    @Test void autoTileStaysWithinTheBudgetAndBounds() {
        ModelNetwork net = new ModelNetwork(TestNetworks.srresnet(4, 1));
        long perPixel = net.bytesPerInputPixel();
        assertTrue(perPixel > 0);
        int r = net.receptiveRadius();
        for (long budget : new long[] {1L << 20, 64L << 20, 1L << 30, 1L << 40}) {
            int t = Tiler.autoTile(net, budget);
            assertTrue(t >= Tiler.MIN_AUTO_TILE && t <= Tiler.MAX_AUTO_TILE, "tile " + t);
            if (t > Tiler.MIN_AUTO_TILE) assertTrue((long) (t + 2 * r) * (t + 2 * r) * perPixel <= budget);
        }
        assertEquals(Tiler.MAX_AUTO_TILE, Tiler.autoTile(net, 1L << 40));
    }

    @Test void measuredBytesPerPixelCoverTheOutputBuffers() {
        // an x4 network holds at least its 16 output pixels of 3 floats per input pixel
        long perPixel = new ModelNetwork(TestNetworks.srresnet(4, 1)).bytesPerInputPixel();
        assertTrue(perPixel >= 16 * 3 * 4, "bytes per pixel " + perPixel);
    }
}
