package bnnsr.engine.graph;

import bnnsr.arch.Model;
import bnnsr.engine.TestNetworks;
import bnnsr.engine.kernels.PackedActivations;
import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static bnnsr.engine.graph.ExportParityTest.options;
import static bnnsr.engine.graph.ExportParityTest.trained;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused schedule (BBCU units as one {@link UnitStep}; residual binary convs with the add after them in one band
 * epilogue) against the same graph run node by node (the unfused schedule, itself checked against the training
 * forward by {@code ExportParityTest} and {@code BbcuExportParityTest}): output and every binary conv's packed input
 * bit for bit, at channel counts that take the vector path (16, 48, 64) and the scalar or masked one (8, 20), for 1
 * and 2 threads, whole image and in bands, repeated (buffers and the packing handed between units are reused).
 */
class FusedScheduleTest {
    @ParameterizedTest
    @CsvSource({"bbcu-m,4,16", "bbcu-m,2,64", "bbcu-m,3,16", "bbcu-m,4,8", "srresnet-bbcu,4,16", "srresnet-bbcu,2,64",
            "bsrn,4,48", "bsrn,2,20", "srresnet-bam,4,64", "srresnet-bam,2,8", "srresnet-xnor,2,16", "srresnet-dorefa,4,16", "srresnet-bnn,2,16"})
    void fusedStepsEqualTheNodeByNodeSchedule(String arch, int scale, int channels) {
        Model m = trained(options(arch, scale, channels, 2), 70 + scale);
        PackedModel packed = Exporter.export(m);
        EngineModel plain = new EngineModel(packed, false);
        // every BBCU unit is one step instead of 3 or 5; every residual conv read by an add takes the add
        int units = (int) packed.nodes.stream().filter(n -> n instanceof Node.RPReLU).count();
        int adds = 0;
        for (int i = 0; i + 1 < packed.nodes.size(); i++)
            if (packed.nodes.get(i) instanceof Node.BinaryConv b && b.residual() != null && packed.nodes.get(i + 1) instanceof Node.Add) adds++;
        if (arch.equals("bsrn")) assertTrue(adds > 0, "bsrn has residual convs followed by an add");
        // every BSRN LB (a 3x3 and two 1x1 convs: 3 steps node by node) is one chain step
        int lbs = arch.equals("bsrn") ? (int) packed.nodes.stream().filter(n -> n instanceof Node.BinaryConv b && b.k() == 3).count() : 0;
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                EngineModel fused = new EngineModel(packed);
                assertTrue(fused.stepCount() <= plain.stepCount() - 2 * units - adds - 2 * lbs, "fused: " + fused.stepCount() + " of " + plain.stepCount() + " steps");
                assertEquals(lbs, chains(fused), "chain steps");
                for (int[] size : new int[][] {{9, 7}, {13, 10}, {9, 7}}) {
                    Tensor lr = TestNetworks.tensor(size[0], size[1], size[0] + threads);
                    Tensor want = plain.forward(lr).copy();
                    Tensor got = fused.forward(lr).copy();
                    String what = arch + " x" + scale + " c" + channels + " threads " + threads + " " + size[0] + "x" + size[1];
                    assertArrayEquals(want.data, got.data, what);
                    for (Node n : packed.nodes)
                        if (n instanceof Node.BinaryConv b) {
                            PackedActivations p = plain.packedInput(b.name()), f = fused.packedInput(b.name());
                            assertArrayEquals(p.bits, f.bits, what + " signs of " + b.name());
                        }
                    if (scale != 3)
                        for (int band : new int[] {1, 3, 5})
                            assertArrayEquals(want.data, BandRunnerTest.banded(fused, lr, band).data, what + " band " + band);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static int chains(EngineModel e) {
        int n = 0;
        for (int i = 0; i < e.stepCount(); i++) if (e.step(i) instanceof ChainStep) n++;
        return n;
    }

    /**
     * BSRN's LB chains in bands of 1, 2 and 3 rows within a whole-image run (the default band is the whole of a
     * test image), for every LB variant the chain takes (BAM with and without the ReLUs, without activation
     * accumulation (A2), without statistic (A1), plain signs): output and every conv's packed signs equal the node-by-node schedule's, for 1 and
     * 2 threads, and the band schedule over them too.
     */
    @ParameterizedTest
    @CsvSource({"bam,relu,48", "bam,none,20", "bam:a2,relu,16", "bam:a1,relu,64", "bnn,relu,16"})
    void lbChainsInSmallBandsEqualTheNodeByNodeSchedule(String binarizer, String lbAct, int channels) {
        Model m = trained(lbOptions(binarizer, lbAct, channels), 91);
        PackedModel packed = Exporter.export(m);
        EngineModel plain = new EngineModel(packed, false);
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                EngineModel fused = new EngineModel(packed);
                assertEquals(2, chains(fused), binarizer + " " + lbAct + ": chain steps");
                for (int rows : new int[] {1, 2, 3, 0}) {
                    for (int i = 0; i < fused.stepCount(); i++) if (fused.step(i) instanceof ChainStep c) c.bandRows = rows;
                    Tensor lr = TestNetworks.tensor(11, 7, rows + threads);
                    Tensor want = plain.forward(lr).copy();
                    String what = binarizer + " " + lbAct + " c" + channels + " threads " + threads + " band rows " + rows;
                    assertArrayEquals(want.data, fused.forward(lr).data, what);
                    for (Node n : packed.nodes)
                        if (n instanceof Node.BinaryConv b)
                            assertArrayEquals(plain.packedInput(b.name()).bits, fused.packedInput(b.name()).bits, what + " signs of " + b.name());
                    assertArrayEquals(want.data, BandRunnerTest.banded(fused, lr, 4).data, what + " banded");
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** bsrn x2, one HPB of two LBs. */
    private static bnnsr.arch.ArchOptions lbOptions(String binarizer, String lbAct, int channels) {
        return options("bsrn", 2, channels, 1).with("lb_act", lbAct).with("binarizer", binarizer);
    }
}
