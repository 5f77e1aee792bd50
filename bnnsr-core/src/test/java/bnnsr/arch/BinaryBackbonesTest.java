package bnnsr.arch;

import bnnsr.binarize.Binarization;
import bnnsr.nn.GradCheck;
import bnnsr.nn.Loss;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import bnnsr.train.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryBackbonesTest {
    @TempDir Path dir;

    static final String[] KINDS = {"bnn", "xnor", "dorefa", "abc", "ma", "bam"};

    static ArchOptions tiny(String arch, int scale) {
        ArchOptions d = Architectures.defaults(arch, scale);
        return arch.startsWith("vdsr") ? d.withChannels(4).withBlocks(6) : d.withChannels(4).withBlocks(2);
    }

    @Test void everySchemeBuildsOnEveryBackboneAndScale() {
        for (String k : KINDS)
            for (String arch : new String[] {"srresnet-" + k, "vdsr-" + k})
                for (int s = 2; s <= 4; s++) {
                    Model m = Architectures.create(tiny(arch, s), 1);
                    boolean vdsr = arch.startsWith("vdsr");
                    Tensor x = GradCheck.random(1, vdsr ? 3 * s : 3, vdsr ? 2 * s : 2, 3, 2);
                    Tensor y = m.forward(x, true);
                    assertEquals(vdsr ? x.h : 3 * s, y.h, arch);
                    assertEquals(vdsr ? x.w : 2 * s, y.w, arch);
                    assertEquals(3, y.c);
                    Tensor dx = m.backward(GradCheck.random(y.n, y.h, y.w, y.c, 3));
                    assertTrue(dx.sameShape(x));
                    assertEquals(k, m.options().option(BinaryOptions.BINARIZER, null));
                    assertEquals("zero", m.options().option(BinaryOptions.PADDING, null));
                }
        for (int s = 2; s <= 4; s++) {
            Model m = Architectures.create(Architectures.defaults("bsrn", s).withChannels(4).withBlocks(2), 1);
            assertEquals(3 * s, m.forward(GradCheck.random(1, 3, 3, 3, 4), false).h);
        }
        for (String k : new String[] {"bnn", "xnor", "dorefa", "abc", "ma", "bam:a32", "bam:w2,a2"}) {   // bsrn with other schemes
            Model m = Architectures.create(Architectures.defaults("bsrn", 2).withChannels(4).withBlocks(1).with("binarizer", k), 1);
            Tensor y = m.forward(GradCheck.random(2, 3, 3, 3, 4), true);
            assertTrue(m.backward(y).hasShape(2, 3, 3, 3), k);
        }
    }

    @Test void defaultsFollowThePaper() {
        assertEquals(new ArchOptions("srresnet-bam", 4, 64, 16, Map.of("binarizer", "bam", "binary_padding", "zero", "inner_act", "auto")),
                Architectures.defaults("srresnet-bam", 4));
        ArchOptions v = Architectures.defaults("vdsr-bam", 4);
        assertEquals(64, v.channels());
        assertEquals(18, v.blocks());
        assertEquals("3", v.option("group", null));
        assertTrue(BinaryOptions.takesUpsampledInput(v));
        ArchOptions b = Architectures.defaults("bsrn", 4);
        assertEquals(48, b.channels());
        assertEquals(20, b.blocks());
        assertEquals("2", b.option("lbs", null));
        assertFalse(BinaryOptions.takesUpsampledInput(b));
    }

    @Test void stateDictNamesOfTheGroups() {
        Model sr = Architectures.create(tiny("srresnet-bam", 2), 1);
        for (String n : new String[] {"body.0.conv1.weight", "body.0.conv1.weight_bn.weight", "body.0.conv1.act_bn.running_mean",
                "body.0.conv2.act_bn.num_batches_tracked", "body.0.bam.a", "body.0.bam.s", "body.1.bam.s", "conv_first.weight", "conv_last.bias"})
            assertTrue(sr.state().containsKey(n), n);
        Model bsrn = Architectures.create(Architectures.defaults("bsrn", 2).withChannels(4).withBlocks(2), 1);
        for (String n : new String[] {"body.0.bam.a", "body.1.lbs.1.bam.a", "body.1.lbs.1.bam.s", "body.0.lbs.0.conv3.weight",
                "body.0.lbs.0.conv1a.act_bn.running_var", "body.0.lbs.1.conv1b.weight_bn.bias", "upconv1.weight", "conv_last.weight"})
            assertTrue(bsrn.state().containsKey(n), n);
        assertArrayEquals(new int[] {2}, bsrn.state().get("body.0.bam.a").shape);          // long range: one per LB
        assertArrayEquals(new int[] {3}, bsrn.state().get("body.0.lbs.0.bam.s").shape);    // three convs per LB
        assertArrayEquals(new int[] {4, 4, 1, 1}, bsrn.state().get("body.0.lbs.0.conv1a.weight").shape);
        Model v = Architectures.create(tiny("vdsr-bam", 2), 1);
        assertTrue(v.state().containsKey("body.1.2.weight"));
        assertArrayEquals(new int[] {3}, v.state().get("body.1.bam.s").shape);
    }

    @Test void optionsMustFitTheArchitecture() {
        assertThrows(IllegalArgumentException.class, () -> Architectures.create(tiny("srresnet-bam", 2).with("binarizer", "bnn"), 1));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create(tiny("srresnet-bam", 2).with("binary_padding", "one"), 1));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create(tiny("vdsr-bam", 2).with("input", "lr"), 1));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create(tiny("vdsr-bam", 2).withBlocks(7), 1));
        // the BAM switches travel in the spec
        Model w1 = Architectures.create(tiny("srresnet-bam", 2).with("binarizer", "bam:w1,a2"), 1);
        assertFalse(w1.state().containsKey("body.0.bam.a"));
        assertTrue(w1.state().containsKey("body.0.bam.s"));
        Model a32 = Architectures.create(tiny("srresnet-bam", 2).with("binarizer", "bam:a32"), 1);
        assertFalse(a32.state().containsKey("body.0.conv1.act_bn.weight"));
    }

    @Test void reluPlacementRule() {
        ArchOptions o = tiny("srresnet-bnn", 2);
        assertFalse(BinaryOptions.reluBeforeBinary(o, Binarization.parse("bnn")));
        assertFalse(BinaryOptions.reluBeforeBinary(o, Binarization.parse("xnor")));
        assertFalse(BinaryOptions.reluBeforeBinary(o, Binarization.parse("abc")));
        assertTrue(BinaryOptions.reluBeforeBinary(o, Binarization.parse("bam")));
        assertTrue(BinaryOptions.reluBeforeBinary(o, Binarization.parse("dorefa")));
        assertTrue(BinaryOptions.reluBeforeBinary(o, Binarization.parse("ma")));
        assertTrue(BinaryOptions.reluBeforeBinary(o.with("inner_act", "relu"), Binarization.parse("bnn")));
        assertFalse(BinaryOptions.reluBeforeBinary(o.with("inner_act", "none"), Binarization.parse("bam")));
    }

    @Test void saveAndLoadRoundTripKeepsOutputsAndOptions() throws IOException {
        for (String arch : new String[] {"srresnet-bam", "bsrn", "srresnet-abc", "vdsr-xnor"}) {
            ArchOptions o = arch.equals("bsrn") ? Architectures.defaults(arch, 2).withChannels(4).withBlocks(2)
                    .with("binarizer", "bam:mean") : tiny(arch, 2);
            Model m = Architectures.create(o, 5);
            Tensor x = GradCheck.random(2, 4, 4, 3, 6);
            for (int i = 0; i < 3; i++) m.forward(x, true);    // moves BN running statistics off their start
            Path f = dir.resolve(arch + ".safetensors");
            m.save(f, Map.of());
            Model back = Model.load(f);
            assertEquals(o, back.options());
            assertArrayEquals(m.forward(x, false).copy().data, back.forward(x, false).data, 0f, arch);
        }
    }

    /**
     * A whole tiny BSRN (2 HPB x 2 LB: long-range 3x3 weight groups, short-range LB groups, skips, upsampler) with
     * the smooth surrogates: its backward must be the exact gradient of its forward.
     */
    @Test void bsrnEndToEndGradient() {
        Binarization smooth = Binarization.parse("bam").smoothSurrogateForGradientChecks();
        BSRN net = new BSRN(3, 2, 2, 2, smooth, true, true, new SplittableRandom(7));
        SplittableRandom r = new SplittableRandom(8);
        for (Param p : net.params())
            if (p.name.endsWith(".a") || p.name.endsWith(".s")) for (int i = 0; i < p.size(); i++) p.value[i] = (float) (0.6 + r.nextDouble());
        GradCheck.of(net, true).step(1e-3).tolerance(5e-3).maxChecks(12).run(GradCheck.random(2, 3, 3, 3, 9));
    }

    @Test void srresnetBamEndToEndGradient() {
        Binarization smooth = Binarization.parse("bam").smoothSurrogateForGradientChecks();
        MSRResNet net = new MSRResNet(3, 3, 3, 2, 2, new SplittableRandom(10),
                p -> BinarySRResNet.block(smooth, p, 3, true, new SplittableRandom(p.hashCode())));
        GradCheck.of(net, true).step(1e-3).tolerance(5e-3).maxChecks(12).run(GradCheck.random(2, 3, 3, 3, 11));
    }

    /**
     * L1 on one fixed batch: the loss must fall clearly within a few dozen steps, with the paper's Adam (beta1 0.5).
     */
    static double[] train(Model m, int steps, float rate, boolean upsampledInput) {
        int s = m.options().scale(), n = 2, h = 6, w = 6;
        Tensor hr = new Tensor(n, h * s, w * s, 3);
        for (int b = 0; b < n; b++)
            for (int y = 0; y < h * s; y++)
                for (int x = 0; x < w * s; x++)
                    for (int c = 0; c < 3; c++)
                        hr.set(b, y, x, c, (float) (0.5 + 0.4 * Math.sin(0.7 * x + 0.3 * c + b) * Math.cos(0.5 * y - 0.2 * c)));
        Tensor lr = new Tensor(n, upsampledInput ? h * s : h, upsampledInput ? w * s : w, 3);
        for (int b = 0; b < n; b++)
            for (int y = 0; y < lr.h; y++)
                for (int x = 0; x < lr.w; x++)
                    for (int c = 0; c < 3; c++) {
                        double sum = 0;   // box-downsampled (and, for VDSR, nearest-upsampled back): a crude LR
                        int by = upsampledInput ? y / s : y, bx = upsampledInput ? x / s : x;
                        for (int dy = 0; dy < s; dy++) for (int dx = 0; dx < s; dx++) sum += hr.get(b, by * s + dy, bx * s + dx, c);
                        lr.set(b, y, x, c, (float) (sum / (s * s)));
                    }
        Loss loss = new Loss.L1();
        double[] curve = new double[steps];
        Adam adam = new Adam(m.params(), 0.5, 0.999, 1e-8, 0);
        for (int i = 0; i < steps; i++) {
            for (Param p : m.params()) p.zeroGrad();
            curve[i] = loss.forward(m.forward(lr, true), hr);
            m.backward(loss.backward());
            for (Param p : m.params()) for (float g : p.grad) assertTrue(Float.isFinite(g), p.name);
            adam.step(rate);
        }
        for (Param p : m.params()) for (float v : p.value) assertTrue(Float.isFinite(v), p.name);
        return curve;
    }

    static void assertFalls(double[] curve, double factor, String what) {
        double first = curve[0], last = (curve[curve.length - 1] + curve[curve.length - 2] + curve[curve.length - 3]) / 3;
        assertTrue(last < factor * first, what + ": loss " + first + " -> " + last + " " + java.util.Arrays.toString(curve));
    }

    @Test void tinySrresnetBamTrains() {
        Model m = Architectures.create(Architectures.defaults("srresnet-bam", 2).withChannels(8).withBlocks(2), 12);
        assertFalls(train(m, 40, 2e-3f, false), 0.7, "srresnet-bam");
    }

    @Test void tinyBsrnTrains() {
        Model m = Architectures.create(Architectures.defaults("bsrn", 2).withChannels(8).withBlocks(2), 13);
        assertFalls(train(m, 40, 2e-3f, false), 0.7, "bsrn");
    }
}
