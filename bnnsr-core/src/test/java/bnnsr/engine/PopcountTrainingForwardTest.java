package bnnsr.engine;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.binarize.Binarization;
import bnnsr.binarize.BinaryConv2d;
import bnnsr.binarize.SignConv;
import bnnsr.engine.kernels.BinaryConvOps;
import bnnsr.nn.GradCheck;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training's binary forward on the popcount kernels is bit-identical to the float path: outputs, and hence every
 * gradient, of whole training steps, for every scheme with +-1 activations and +-1 weights.
 */
class PopcountTrainingForwardTest {
    private final SignConv installed = SignConv.get();

    @AfterEach void restore() { SignConv.Holder.set(installed); }

    /** Counts the convs the real implementation serves (a decorator, not a mock). */
    private static final class Counting implements SignConv {
        final SignConv real;
        final AtomicInteger calls = new AtomicInteger();

        Counting(SignConv real) { this.real = real; }

        @Override public Instance create(int cin, int cout, int k) {
            Instance in = real.create(cin, cout, k);
            return new Instance() {
                @Override public void forward(Tensor x, float[] s, float[] alpha, float[] beta, Tensor y) {
                    calls.incrementAndGet();
                    in.forward(x, s, alpha, beta, y);
                }

                @Override public void exact(Tensor x, float[] s, Tensor y) {
                    calls.incrementAndGet();
                    in.exact(x, s, y);
                }
            };
        }
    }

    @Test void theEngineRegistersItselfAsTheService() {
        assertNotNull(installed, "no SignConv provider found (META-INF/services)");
        assertEquals(PopcountSignConv.class, installed.getClass());
    }

    /** One training step's output and parameter gradients, as raw float bits. */
    private static List<int[]> step(ArchOptions o, SignConv conv, AtomicInteger calls) {
        SignConv.Holder.set(conv);
        Model m = Architectures.create(o, new SplittableRandom(3));
        Tensor x = GradCheck.random(2, 7, 9, 3, 11);
        Tensor y = m.forward(x, true);
        List<int[]> out = new ArrayList<>();
        out.add(bits(y.data));
        Tensor dy = GradCheck.random(y.n, y.h, y.w, y.c, 12);
        m.backward(dy);
        for (Param p : m.params()) out.add(bits(p.grad));
        // a second forward after the weights moved (a new pack of the weights)
        for (Param p : m.params()) for (int i = 0; i < p.size(); i++) p.value[i] -= 1e-2f * p.grad[i];
        out.add(bits(m.forward(x, true).data));
        return out;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    private static void assertSameSteps(ArchOptions o) {
        List<int[]> ref = step(o, null, null);
        for (BinaryConvOps ops : List.of(BinaryConvOps.fast(), BinaryConvOps.scalar())) {
            Counting c = new Counting(new PopcountSignConv(ops));
            List<int[]> got = step(o, c, c.calls);
            assertTrue(c.calls.get() > 0, o.arch() + ": the popcount path was not used");
            assertEquals(ref.size(), got.size());
            for (int i = 0; i < ref.size(); i++) assertArrayEquals(ref.get(i), got.get(i), o.arch() + " tensor " + i);
        }
    }

    @Test void bamBnnXnorSrresnetStepsAreBitIdentical() {
        // 70 channels: two words per pixel and a partial last word; 16 channels: one half-empty word
        for (String arch : List.of("srresnet-bam", "srresnet-bnn", "srresnet-xnor"))
            for (int c : new int[] {16, 70})
                assertSameSteps(Architectures.defaults(arch, 2).withChannels(c).withBlocks(2));
    }

    @Test void bbcuStepsAreBitIdentical() {
        // the binary upsampler of bbcu-m has 4C output channels; its skip is nearest-upsampled
        for (String arch : List.of("srresnet-bbcu", "bbcu-m"))
            assertSameSteps(Architectures.defaults(arch, 2).withChannels(16).withBlocks(1));
    }

    @Test void bsrnStepIsBitIdentical() {
        // 1x1 and 3x3 binary convs, three-member activation groups
        assertSameSteps(Architectures.defaults("bsrn", 3).withChannels(20).withBlocks(1));
    }

    @Test void convWithoutBiasAndWithCornerZeros() {
        // beta null (+ 0f) and a 1-pixel-wide image (every tap padded on two sides)
        for (String scheme : List.of("bnn", "xnor")) {
            List<int[]> ref = null;
            for (SignConv impl : new SignConv[] {null, new PopcountSignConv(BinaryConvOps.scalar()), new PopcountSignConv()}) {
                SignConv.Holder.set(impl);
                BinaryConv2d c = Binarization.parse(scheme).conv("c", 5, 3, 3, false, new SplittableRandom(4), null, null);
                Tensor x = GradCheck.random(1, 6, 1, 5, 5);
                List<int[]> got = List.of(bits(c.forward(x, true).data));
                if (ref == null) ref = got;
                else assertArrayEquals(ref.get(0), got.get(0), scheme);
            }
        }
    }
}
