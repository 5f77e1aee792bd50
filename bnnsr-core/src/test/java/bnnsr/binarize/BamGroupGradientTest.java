package bnnsr.binarize;

import bnnsr.nn.GradCheck;
import bnnsr.nn.Layer;
import bnnsr.nn.Param;
import bnnsr.nn.ReLU;
import bnnsr.nn.Residual;
import bnnsr.nn.Sequential;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * End-to-end gradient checks of BAM accumulation groups built from {@link BinaryConv2d}s, with each Sign replaced
 * by the primitive of its STE (identity for weights, hardtanh for activations): the backward, which is the same
 * code as with the real Sign, must then be the exact gradient, so central finite differences check every path of
 * the group at once (inputs of all members, latent weights, a_i, s_i, both BNs, biases), including the
 * gradient earlier inputs receive from later members.
 */
class BamGroupGradientTest {

    /** x + conv2(act(conv1(x))) with the two convs one group, as the srresnet-bam block. */
    static Layer residualBlock(Binarization bin, int c, boolean relu, long seed, List<BinaryGroup> groups) {
        Random rng = new Random(seed);
        BinaryGroup g = bin.group("body.0.bam", 2);
        groups.add(g);
        BinaryConv2d c1 = g.conv("body.0.conv1", c, c, 3, true, rng), c2 = g.conv("body.0.conv2", c, c, 3, true, rng);
        Sequential body = relu ? new Sequential(c1, new ReLU(), c2) : new Sequential(c1, c2);
        return new GroupOwner(new Residual(body, 1f), g);
    }

    /** conv -> ReLU -> conv -> ReLU -> conv, one group of three (a VDSR run), no skip. */
    static Layer chainOfThree(Binarization bin, int c, long seed, List<BinaryGroup> groups) {
        Random rng = new Random(seed);
        BinaryGroup g = bin.group("body.0.bam", 3);
        groups.add(g);
        Sequential body = new Sequential(g.conv("body.0.0", c, c, 3, true, rng), new ReLU(),
                g.conv("body.0.1", c, c, 3, true, rng), new ReLU(), g.conv("body.0.2", c, c, 3, true, rng));
        return new GroupOwner(body, g);
    }

    static void smooth(List<BinaryGroup> groups) {
        for (BinaryGroup g : groups) {
            if (g.weights() != null) g.weights().smoothSurrogate(true);
            if (g.activations() != null) g.activations().smoothSurrogate(true);
        }
    }

    /** Moves the non-trivial parameters (a_i, s_i, BN and weight-BN affines) off their initial values. */
    static void perturb(Layer l, long seed) {
        Random r = new Random(seed);
        for (Param p : l.params()) {
            if (p.name.endsWith(".a") || p.name.endsWith(".s")) for (int i = 0; i < p.size(); i++) p.value[i] = 0.6f + r.nextFloat();
            if (p.name.contains("_bn.")) for (int i = 0; i < p.size(); i++)
                p.value[i] = p.name.endsWith("weight") ? 0.7f + 0.6f * r.nextFloat() : 0.4f * (r.nextFloat() - 0.5f);
        }
    }

    private static void check(Layer l, Tensor x) {
        GradCheck.of(l, true).step(1e-3).tolerance(5e-3).maxChecks(60).run(x);
    }

    @Test void residualBlockOfTwo() {
        List<BinaryGroup> groups = new ArrayList<>();
        Layer block = residualBlock(Binarization.parse("bam:scalegrad"), 4, true, 1, groups);
        smooth(groups);
        perturb(block, 2);
        List<String> names = block.params().stream().map(p -> p.name).toList();
        assertEquals(true, names.containsAll(List.of("body.0.conv1.weight", "body.0.conv1.bias", "body.0.conv1.weight_bn.weight",
                "body.0.conv1.act_bn.weight", "body.0.conv2.act_bn.bias", "body.0.bam.a", "body.0.bam.s")), names.toString());
        check(block, GradCheck.random(2, 5, 4, 4, 3));
    }

    /**
     * Issue 9: s_i are learnable, indexed by the activation, shared by the group's two layers, initialised to 1; with
     * the default (constant-scale) weights too their gradient exists and equals finite differences (the
     * activation path does not involve E(|W|)'s gradient).
     */
    @Test void sharedActivationCoefficientsGetTheirFiniteDifferenceGradient() {
        List<BinaryGroup> groups = new ArrayList<>();
        Layer block = residualBlock(Binarization.parse("bam"), 4, true, 21, groups);
        Param s = block.params().stream().filter(p -> p.name.equals("body.0.bam.s")).findFirst().orElseThrow();
        assertArrayEquals(new float[] {1f, 1f}, s.value, "s_i start at 1, one per accumulated activation");
        assertEquals(1, block.params().stream().filter(p -> p.name.endsWith(".s")).count(), "one s shared by the group");
        smooth(groups);
        perturb(block, 22);
        Tensor x = GradCheck.random(2, 5, 4, 4, 23), r = GradCheck.random(2, 5, 4, 4, 24);
        for (Param p : block.params()) p.zeroGrad();
        block.forward(x, true);
        block.backward(r);
        float[] analytic = s.grad.clone();
        double[] numeric = Fd.all(s.value, 1e-3, () -> Fd.dot(block.forward(x, true).data, r.data));
        for (int i = 0; i < 2; i++) {
            assertNotEquals(0f, analytic[i], "s_" + i + " gets gradient");
            assertEquals(numeric[i], analytic[i], 2e-3 * (1 + Math.abs(numeric[i])), "s_" + i);
        }
    }

    @Test void residualBlockMeanStatisticAndNoAffine() {
        List<BinaryGroup> groups = new ArrayList<>();
        Layer block = residualBlock(Binarization.parse("bam:mean,noaffine,scalegrad"), 3, true, 4, groups);
        smooth(groups);
        perturb(block, 5);
        check(block, GradCheck.random(2, 4, 5, 3, 6));
    }

    @Test void chainOfThreeConvs() {
        List<BinaryGroup> groups = new ArrayList<>();
        Layer chain = chainOfThree(Binarization.parse("bam:scalegrad"), 3, 7, groups);
        smooth(groups);
        perturb(chain, 8);
        check(chain, GradCheck.random(2, 4, 4, 3, 9));
    }

    @Test void ablationsStillGiveExactGradients() {
        for (String spec : new String[] {"bam:w1,a1,scalegrad", "bam:w2,a2,scalegrad", "bam:a32,scalegrad"}) {
            List<BinaryGroup> groups = new ArrayList<>();
            Layer chain = chainOfThree(Binarization.parse(spec), 3, 10, groups);
            smooth(groups);
            perturb(chain, 11);
            check(chain, GradCheck.random(2, 4, 4, 3, 12));
        }
    }

    /**
     * The input of the block gets gradient through three paths: the skip, conv1's own activation path and
     * conv2's accumulation of A_1 (conv2's sign input sums b_1 A_1 + b_2 A_2, and A_1 is the block input). Every
     * input element is checked against central differences, so a backward that dropped the accumulation share
     * (the input would then get only the skip and conv1's path) fails here.
     */
    @Test void blockInputReceivesTheSecondMembersShare() {
        List<BinaryGroup> groups = new ArrayList<>();
        Layer block = residualBlock(Binarization.parse("bam:scalegrad"), 3, true, 15, groups);
        smooth(groups);
        perturb(block, 16);
        Tensor x = GradCheck.random(1, 4, 4, 3, 13);
        GradCheck.of(block, true).step(1e-3).tolerance(5e-3).maxChecks(x.size() + 1000).run(x);
    }

    @Test void membersMustRunInOrder() {
        List<BinaryGroup> groups = new ArrayList<>();
        Random rng = new Random(1);
        BinaryGroup g = Binarization.parse("bam").group("g", 2);
        BinaryConv2d c1 = g.conv("c1", 2, 2, 3, true, rng), c2 = g.conv("c2", 2, 2, 3, true, rng);
        Tensor x = GradCheck.random(1, 3, 3, 2, 1);
        assertThrows(IllegalStateException.class, () -> c2.forward(x, true));
        c1.forward(x, true);
        c2.forward(x, true);
        assertThrows(IllegalStateException.class, () -> c2.forward(x, true));
    }

    /** In sign mode the group's gradient is finite and the latent weights stay finite over many steps. */
    @Test void signModeTrainingKeepsLatentWeightsFinite() {
        List<BinaryGroup> groups = new ArrayList<>();
        Layer block = residualBlock(Binarization.parse("bam"), 4, true, 16, groups);
        Tensor x = GradCheck.random(2, 6, 6, 4, 17), target = GradCheck.random(2, 6, 6, 4, 18);
        for (int step = 0; step < 30; step++) {
            for (Param p : block.params()) p.zeroGrad();
            Tensor y = block.forward(x, true);
            Tensor dy = new Tensor(y.n, y.h, y.w, y.c);
            for (int j = 0; j < y.size(); j++) dy.data[j] = Math.signum(y.data[j] - target.data[j]) / y.size();
            block.backward(dy);
            for (Param p : block.params())
                for (int j = 0; j < p.size(); j++) {
                    if (!Float.isFinite(p.grad[j])) throw new AssertionError(p.name + " grad not finite");
                    p.value[j] -= 0.05f * p.grad[j];
                }
        }
        for (Param p : block.params()) for (float v : p.value) assertEquals(true, Float.isFinite(v), p.name);
    }
}
