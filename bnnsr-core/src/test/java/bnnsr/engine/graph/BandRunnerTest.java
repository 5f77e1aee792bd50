package bnnsr.engine.graph;

import bnnsr.engine.TestNetworks;
import bnnsr.engine.Tiler;
import bnnsr.arch.ArchOptions;
import bnnsr.arch.Model;
import bnnsr.arch.ModelInput;
import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static bnnsr.engine.graph.ExportParityTest.options;
import static bnnsr.engine.graph.ExportParityTest.trained;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The band schedule against the whole-image engine and the training code's eval-mode forward: bit for bit at x2
 * and x4 for every exportable architecture, every band height (1 row to more than the image) and thread count;
 * every output row delivered once, in order.
 */
class BandRunnerTest {
    static final int[] BANDS = {1, 2, 3, 5, 8, 100};

    /** Runs the band schedule and assembles its rows, checking each comes once and in order. */
    static Tensor banded(EngineModel engine, Tensor lr, int bandRows) {
        int s = engine.model.scale;
        Tensor out = new Tensor(1, lr.h * s, lr.w * s, 3);
        int[] next = {0};
        int[] bands = {0};
        new BandRunner(engine).run(lr, bandRows, (slab, y0, from, to) -> {
            assertEquals(next[0], from, "rows in order, none twice");
            assertTrue(to > from);
            int rowLen = out.w * 3;
            System.arraycopy(slab.data, (from - y0) * rowLen, out.data, from * rowLen, (to - from) * rowLen);
            next[0] = to;
        }, (done, total) -> bands[0] = done);
        assertEquals(out.h, next[0], "every row delivered");
        assertEquals((lr.h + bandRows - 1) / bandRows, bands[0]);
        return out;
    }

    static void assertBandsExact(Model m, int h, int w) {
        PackedModel packed = Exporter.export(m);
        Tensor lr = TestNetworks.tensor(h, w, 21);
        Tensor training = m.forward(ModelInput.prepare(m.options(), lr), false).copy();
        Tensor whole = new EngineModel(packed).forward(lr).copy();
        assertArrayEquals(training.data, whole.data, "engine = training forward");
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                EngineModel engine = new EngineModel(packed);       // one instance for all band sizes: buffers reused
                for (int b : BANDS) {
                    Tensor got = banded(engine, lr, b);
                    String what = m.options().arch() + " " + m.options().extra() + " x" + m.options().scale() + " band " + b + " threads " + threads;
                    if (m.options().scale() == 3) assertTrue(TestNetworks.maxAbsDiff(whole.data, got.data) < 1e-5, what);
                    else assertArrayEquals(whole.data, got.data, what);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test void srresnetFpEveryScale() {
        for (int s : new int[] {2, 3, 4}) assertBandsExact(trained(options("srresnet", s, 8, 2), 1), 11, 7);
    }

    @Test void srresnetBam() {
        assertBandsExact(trained(options("srresnet-bam", 2, 8, 2), 2), 13, 9);
        assertBandsExact(trained(options("srresnet-bam", 4, 8, 2), 3), 9, 6);
    }

    @Test void srresnetBnnXnorDorefa() {
        assertBandsExact(trained(options("srresnet-bnn", 2, 8, 2), 5), 12, 9);
        assertBandsExact(trained(options("srresnet-xnor", 4, 8, 2), 12), 10, 7);
        assertBandsExact(ExportParityTest.amplified(trained(options("srresnet-dorefa", 2, 8, 2), 14)), 12, 9);
    }

    @Test void bsrnVariants() {
        assertBandsExact(trained(options("bsrn", 2, 8, 2), 6), 12, 9);
        assertBandsExact(trained(options("bsrn", 4, 8, 1).with("lb_act", "none"), 7), 9, 7);
        assertBandsExact(trained(options("bsrn", 3, 8, 1).with("binarizer", "xnor"), 13), 10, 8);
        assertBandsExact(trained(options("bsrn", 2, 8, 1).with("binarizer", "bnn"), 8), 11, 9);
    }

    @Test void vdsrWithItsBicubicInput() {
        assertBandsExact(trained(options("vdsr-bam", 2, 8, 3), 4), 12, 9);
        assertBandsExact(trained(options("vdsr", 4, 8, 3), 4), 8, 7);
    }

    /** BBCU: scale, RPReLU, nearest upsampling, binary upsampler and conv_hr at HR. */
    @Test void bbcuEveryScale() {
        for (int s : new int[] {2, 3, 4}) {
            assertBandsExact(trained(options("srresnet-bbcu", s, 8, 2), 40 + s), 10, 7);
            assertBandsExact(trained(options("bbcu-m", s, 8, 2), 50 + s), 11, 6);
        }
    }

    @Test void memoryDoesNotGrowWithHeight() {
        PackedModel packed = Exporter.export(trained(options("srresnet-bam", 4, 8, 2), 3));
        long[] held = new long[2];
        int i = 0;
        for (int h : new int[] {40, 160}) {
            EngineModel engine = new EngineModel(packed);
            BandRunner runner = new BandRunner(engine);
            runner.run(TestNetworks.tensor(h, 12, 1), 4, (slab, y0, from, to) -> {}, (d, t) -> {});
            held[i++] = runner.pooledBytes() + engine.pooledBytes();
        }
        assertTrue(held[1] <= held[0], "4x the rows, no more buffers: " + Arrays.toString(held));
    }
}
