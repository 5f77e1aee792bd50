package bnnsr.arch;

import bnnsr.nn.GradCheck;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** srresnet-bbcu (BBCU-L) and bbcu-m (BBCU-M): structure, names, amplification, training, complexity. */
class BbcuArchTest {
    static final String[] ARCHS = {"srresnet-bbcu", "bbcu-m"};
    static final double LR = 57600, MID = 230400, HR = 921600;

    static ArchOptions tiny(String arch, int scale) { return Architectures.defaults(arch, scale).withChannels(4).withBlocks(1); }

    @Test void buildsAtEveryScaleAndRunsBothWays() {
        for (String arch : ARCHS)
            for (int s = 2; s <= 4; s++) {
                Model m = Architectures.create(tiny(arch, s), 1);
                Tensor x = GradCheck.random(2, 3, 2, 3, 2);
                Tensor y = m.forward(x, true);
                assertTrue(y.hasShape(2, 3 * s, 2 * s, 3), arch + " x" + s + ": " + y.shape());
                assertTrue(m.backward(GradCheck.random(y.n, y.h, y.w, y.c, 3)).sameShape(x));
                for (Param p : m.params()) for (float g : p.grad) assertTrue(Float.isFinite(g), p.name);
                assertEquals("bbcu", m.options().option(BinaryOptions.BINARIZER, null));
                assertEquals("130", m.options().option("amplification", null));
            }
    }

    /** PyTorch state-dict order: conv_first, the units (weight, move0, move1, prelu, move2), upsampler, conv_hr, conv_last. */
    @Test void stateDictNames() {
        List<String> unit = List.of("weight", "move0.bias", "move1.bias", "prelu.weight", "move2.bias");
        List<String> want = new ArrayList<>(List.of("conv_first.weight", "conv_first.bias"));
        for (String u : new String[] {"body.0.conv1", "body.0.conv2", "upconv1", "upconv2", "conv_hr"}) for (String t : unit) want.add(u + "." + t);
        want.addAll(List.of("conv_last.weight", "conv_last.bias"));
        assertEquals(want, new ArrayList<>(Architectures.create(tiny("bbcu-m", 4), 1).state().keySet()));
        Model l = Architectures.create(tiny("srresnet-bbcu", 2), 1);
        assertTrue(l.state().containsKey("body.0.conv2.move0.bias"));
        assertTrue(l.state().containsKey("upconv1.bias") && l.state().containsKey("conv_hr.bias"));
        assertEquals(4 * 4, l.state().get("upconv1.bias").size());
        assertEquals(4 * 9, Architectures.create(tiny("bbcu-m", 3), 1).state().get("upconv1.prelu.weight").size());
    }

    /** y = net(k x) / k: with all-zero weights and shifts, net is the bilinear skip, so y is the bilinear input. */
    @Test void amplificationScalesInAndOut() {
        ArchOptions o = tiny("bbcu-m", 2);
        Model a = Architectures.create(o, 4), b = Architectures.create(o.with("amplification", "1"), 4);
        Tensor x = GradCheck.random(1, 4, 3, 3, 5);
        assertFalse(java.util.Arrays.equals(a.forward(x, false).copy().data, b.forward(x, false).copy().data));
        for (Param p : a.params()) if (!p.name.endsWith("prelu.weight")) java.util.Arrays.fill(p.value, 0f);
        Tensor y = a.forward(x, false), base = new bnnsr.nn.BilinearUpsample(2).forward(x, false);
        for (int i = 0; i < y.size(); i++) assertEquals(base.data[i], y.data[i], 1e-5);
        assertThrows(IllegalArgumentException.class, () -> Architectures.create(o.with("amplification", "0"), 1));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create(o.with("binarizer", "bam"), 1));
    }

    @Test void tinyModelsTrain() {
        for (String arch : ARCHS) {
            Model m = Architectures.create(Architectures.defaults(arch, 2).withChannels(8).withBlocks(1), 14);
            BinaryBackbonesTest.assertFalls(BinaryBackbonesTest.train(m, 40, 2e-3f, false), 0.7, arch);
        }
    }

    /** bbcu-m layer by layer, and the paper's Table 1 figures within 5%. */
    @Test void bbcuMComplexity() {
        long conv = 64 * 64 * 9, up = 64 * 256 * 9, fpConv = (3 * 64 * 9 + 64) + (64 * 3 * 9 + 3);
        Complexity x4 = Complexity.of(Architectures.create(Architectures.defaults("bbcu-m", 4), 0));
        assertEquals(32 * conv + 2 * up + conv, x4.binaryParams());
        assertEquals(32 * conv * LR + up * (LR + MID) + conv * HR, x4.binaryMacs720p(), 1);
        assertEquals(3 * 64 * 9 * LR + 64 * 3 * 9 * HR, x4.fpMacs720p(), 1);
        // every unit: move0 (cin) + move1, prelu, move2 (3 cout)
        assertEquals(fpConv + 33 * 4 * 64 + 2 * (64 + 3 * 256), x4.fpParams());
        assertEquals(fpConv + x4.binaryParams() / 32.0, x4.paramsPaper(), 1e-9);
        assertEquals(1, x4.ops320x180() / 3.95e9, 0.05);
        assertEquals(1, x4.paramsPaper() / 51e3, 0.05);
        Complexity x2 = Complexity.of(Architectures.create(Architectures.defaults("bbcu-m", 2), 0));
        assertEquals(1, x2.ops320x180() / 1.83e9, 0.05);
        assertEquals(1, x2.paramsPaper() / 46e3, 0.05);
        // BBCU-L: the FP upsampler and conv_hr dominate, as for BAM (paper: 79.20G at x4)
        Complexity l = Complexity.of(Architectures.create(Architectures.defaults("srresnet-bbcu", 4), 0));
        assertEquals(1, l.ops320x180() / 79.20e9, 0.05);
    }
}
