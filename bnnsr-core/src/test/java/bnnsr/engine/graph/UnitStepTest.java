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
 * BBCU units fused into one step ({@link UnitStep}) against the same graph run node by node (the unfused schedule,
 * itself checked against the training forward by {@code BbcuExportParityTest}): output and every binary conv's
 * packed input bit for bit, at channel counts that take the vector path (16, 64) and the scalar one (8), for 1 and
 * 2 threads, whole image and in bands, repeated (buffers and the packing handed between units are reused).
 */
class UnitStepTest {
    @ParameterizedTest
    @CsvSource({"bbcu-m,4,16", "bbcu-m,2,64", "bbcu-m,3,16", "bbcu-m,4,8", "srresnet-bbcu,4,16", "srresnet-bbcu,2,64"})
    void fusedUnitsEqualTheNodeByNodeSchedule(String arch, int scale, int channels) {
        Model m = trained(options(arch, scale, channels, 2), 70 + scale);
        PackedModel packed = Exporter.export(m);
        EngineModel plain = new EngineModel(packed, false);
        int units = (int) packed.nodes.stream().filter(n -> n instanceof Node.RPReLU).count();
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                EngineModel fused = new EngineModel(packed);
                assertTrue(fused.stepCount() <= plain.stepCount() - 2 * units, "every unit fused: " + fused.stepCount() + " steps");
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
}
