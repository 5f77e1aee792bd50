package bnnsr.engine.graph;

import bnnsr.engine.TestNetworks;
import bnnsr.tensor.ConvOps;
import bnnsr.tensor.Parallel;
import bnnsr.tensor.ScalarConvOps;
import bnnsr.tensor.Tensor;
import bnnsr.tensor.VectorConvOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static bnnsr.engine.graph.ExportParityTest.options;
import static bnnsr.engine.graph.ExportParityTest.trained;
import static org.junit.jupiter.api.Assertions.*;

/**
 * FP convs fused with the pixel shuffle (r = 2, 3) and/or activation (r = 1: conv_first, conv_hr, the FP body's
 * ReLUs) after them ({@link ConvStep}) against the same graph node by node, bit for bit: whole image and in bands
 * (the fused step's rows are its shuffled output's), 1 and 2 threads, with the fast kernels in their default pieces
 * and in the smallest (many pieces per row), and with the scalar oracle's default {@code forwardEpilogue}.
 */
class ConvStepTest {
    @ParameterizedTest
    @CsvSource({"srresnet,4,16", "srresnet,3,16", "srresnet,2,8", "srresnet-bam,4,16", "srresnet-bam,2,20"})
    void fusedConvsEqualTheNodeByNodeSchedule(String arch, int scale, int channels) {
        PackedModel packed = Exporter.export(trained(options(arch, scale, channels, 2), 90 + scale));
        EngineModel plain = new EngineModel(packed, false), fused0 = new EngineModel(packed);
        long shuffles = packed.nodes.stream().filter(n -> n instanceof Node.PixelShuffle).count();
        long activations = packed.nodes.stream().filter(n -> n instanceof Node.Activation).count();
        assertTrue(shuffles > 0 && activations > 0, arch + " has shuffles and activations");
        // in the FP model every shuffle and activation reads a conv's output (or its shuffle): all of them fused
        if (arch.equals("srresnet")) assertEquals(plain.stepCount() - shuffles - activations, fused0.stepCount());
        else assertTrue(fused0.stepCount() <= plain.stepCount() - 2 * shuffles, "the upsampler's shuffles and activations fused");
        int before = Parallel.threads();
        try {
            for (ConvOps ops : new ConvOps[] {ConvOps.get(), new VectorConvOps(1), new ScalarConvOps()})
                for (int threads : new int[] {1, 2}) {
                    Parallel.setThreads(threads);
                    ConvOps.using(ops, () -> {
                        EngineModel fused = new EngineModel(packed);
                        for (int[] size : new int[][] {{9, 7}, {5, 40}, {9, 7}}) {
                            Tensor lr = TestNetworks.tensor(size[0], size[1], size[0] + threads);
                            Tensor want = plain.forward(lr).copy();
                            String what = arch + " x" + scale + " " + ops.getClass().getSimpleName() + " threads " + threads + " " + size[0] + "x" + size[1];
                            assertArrayEquals(want.data, fused.forward(lr).copy().data, what);
                            for (int band : new int[] {1, 4})
                                assertArrayEquals(BandRunnerTest.banded(plain, lr, band).data, BandRunnerTest.banded(fused, lr, band).data, what + " band " + band);
                        }
                    });
                }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * The memory estimate counts a fused step's output at its shuffled size: never more than the pool really held
     * (it would with the conv's C r^2 channels at the output's size), at least conv_hr's input and output (two HR
     * tensors), and the row store of all tensors shrinks by the HR tensors that no longer exist.
     */
    @Test void memoryEstimateCountsTheFusedOutputs() {
        int scale = 4, channels = 16;
        PackedModel packed = Exporter.export(trained(options("srresnet", scale, channels, 2), 7));
        EngineModel plain = new EngineModel(packed, false), fused = new EngineModel(packed);
        Tensor lr = TestNetworks.tensor(20, 30, 1);
        fused.forward(lr);
        long live = fused.liveBytesPerInputPixel();
        assertTrue(fused.pooledBytes() >= live * lr.h * lr.w, live + " bytes per pixel, pool " + fused.pooledBytes());
        assertTrue(live >= 2L * 4 * channels * scale * scale, "conv_hr's input and output: " + live);
        assertTrue(fused.allBytesPerInputPixel() < plain.allBytesPerInputPixel());
    }
}
