package bnnsr.engine.graph;

import bnnsr.engine.EngineNetwork;
import bnnsr.engine.InferenceNetwork;
import bnnsr.engine.Networks;
import bnnsr.engine.TestNetworks;
import bnnsr.engine.Tiler;
import bnnsr.engine.TilerTest;
import bnnsr.arch.Model;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static bnnsr.engine.graph.ExportParityTest.assertParity;
import static bnnsr.engine.graph.ExportParityTest.options;
import static bnnsr.engine.graph.ExportParityTest.trained;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * srresnet-bbcu and bbcu-m exported and run on the engine against the training code's eval-mode forward: every
 * binary conv's input signs (body, binary upsampler at C r^2 output channels, conv_hr at HR) and the image bit for
 * bit, at x2/x3/x4; through a packed file, tiled and untiled.
 */
class BbcuExportParityTest {
    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource({"srresnet-bbcu,2", "srresnet-bbcu,3", "srresnet-bbcu,4", "bbcu-m,2", "bbcu-m,3", "bbcu-m,4"})
    void engineEqualsTrainingForward(String arch, int scale) {
        assertParity(trained(options(arch, scale, 8, 2), 40 + scale), 9, 7);
    }

    /** The graph is made of the simple nodes: one binary conv, RPReLU and add per unit; BBCU-M's only FP convs are two. */
    @Test void graphOfBbcuM() {
        PackedModel p = Exporter.export(trained(options("bbcu-m", 4, 8, 2), 1));
        long binary = p.nodes.stream().filter(n -> n instanceof Node.BinaryConv).count();
        long fp = p.nodes.stream().filter(n -> n instanceof Node.Conv).count();
        assertEquals(2 * 2 + 2 + 1, binary);
        assertEquals(2, fp);
        assertEquals(binary, p.nodes.stream().filter(n -> n instanceof Node.RPReLU).count());
        assertEquals(2, p.nodes.stream().filter(n -> n instanceof Node.Nearest).count());
        assertInstanceOf(Node.Scale.class, p.nodes.getFirst());
        assertInstanceOf(Node.Scale.class, p.nodes.getLast());
        Node.BinaryConv up = (Node.BinaryConv) p.nodes.stream().filter(n -> n instanceof Node.BinaryConv b && b.name().equals("upconv1")).findFirst().orElseThrow();
        assertEquals(32, up.cout());
    }

    @ParameterizedTest
    @CsvSource({"srresnet-bbcu,2", "bbcu-m,2", "bbcu-m,3", "bbcu-m,4"})
    void packedFileGivesTheSameOutputAndTilesExactly(String arch, int scale) throws IOException {
        Model m = trained(options(arch, scale, 8, 1), 60 + scale);
        Path f = dir.resolve(arch + scale + ".safetensors");
        Exporter.export(m).write(f);
        InferenceNetwork net = Networks.load(f, null);
        assertInstanceOf(EngineNetwork.class, net);
        Tensor lr = TestNetworks.tensor(10, 8, 3);
        Tensor want = m.forward(lr, false).copy();
        assertArrayEquals(want.data, net.run(lr).copy().data, arch + " x" + scale);
        TilerTest.assertTilingExact(net);
        if (scale != 3) {   // x3: the bilinear skip's weights round differently per tile offset (as for every model)
            int h = 2 * (7 + 2 * net.receptiveRadius()) + 3;
            Tensor big = TestNetworks.tensor(h, h + 4, 11), whole = net.run(big).copy();
            for (int tile : new int[] {7, 16}) assertArrayEquals(whole.data, new Tiler(tile).run(net, big).data, arch + " tile " + tile);
        }
        assertTrue(net.bytesPerInputPixel() > 0);
    }
}
