package bnnsr.engine.graph;

import bnnsr.engine.kernels.PackedWeights;
import bnnsr.engine.kernels.SignThresholds;
import bnnsr.arch.BSRN;
import bnnsr.arch.BinaryOptions;
import bnnsr.arch.MSRResNet;
import bnnsr.arch.Model;
import bnnsr.binarize.ActivationAccumulation;
import bnnsr.binarize.ActivationBinarizer;
import bnnsr.binarize.BamActivations;
import bnnsr.binarize.BamOptions;
import bnnsr.binarize.BbcuUnit;
import bnnsr.binarize.BinaryConv2d;
import bnnsr.binarize.DorefaActivations;
import bnnsr.binarize.GroupOwner;
import bnnsr.binarize.RSignActivations;
import bnnsr.binarize.SignActivations;
import bnnsr.binarize.XnorActivations;
import bnnsr.nn.BatchNorm2d;
import bnnsr.nn.BilinearUpsample;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Layer;
import bnnsr.nn.LeakyReLU;
import bnnsr.nn.Param;
import bnnsr.nn.PixelShuffle;
import bnnsr.nn.RPReLU;
import bnnsr.nn.Scale;
import bnnsr.nn.ReLU;
import bnnsr.nn.Residual;
import bnnsr.nn.Sequential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a float {@link Model} into a {@link PackedModel} by tracing its layer tree into graph nodes:
 * <ul>
 *   <li>FP layers (Conv2d, ReLU, LeakyReLU, PixelShuffle, the bilinear skip, identity skips) become the same
 *       operations with float32 weights;</li>
 *   <li>a binary conv's weights are resolved once (BAM's weight accumulation, standardisation and sign become
 *       constant signs packed 1 bit each; E(|W_n|) or the scheme's scale becomes the per-channel {@code alpha}; the
 *       bias {@code beta}), exactly the factorisation the training forward multiplies by
 *       ({@link BinaryConv2d#binaryWeights});</li>
 *   <li>its activation binarizer becomes the node's sources (BAM: the inputs of the group members accumulated so
 *       far, with the s_i of the beta maps s_i * mean_c|A_i|, computed at inference) and sign thresholds (the
 *       eval-mode BatchNorm then Sign folded exactly, {@link SignThresholds#ofScaleShift}; BNN: plain Sign);</li>
 *   <li>a residual add right after a binary conv is fused into its epilogue.</li>
 * </ul>
 * Supported: {@code srresnet}, {@code vdsr} and {@code bsrn} and their bnn, xnor, dorefa and bam variants (BAM
 * with binary activations and E = mean |A|), and BBCU's {@code srresnet-bbcu} and {@code bbcu-m} (each unit a binary
 * conv with its RSign folded into exact thresholds, an {@link Node.RPReLU}, the skip add; k and 1 / k as
 * {@link Node.Scale}s); VDSR's bicubic input becomes a {@link Node.Bicubic} node. XNOR's per-pixel output scale K becomes a {@link Node.BoxScale} after the conv; DoReFa's {0, 1}
 * activations a {@link Node.BinaryConv#levels} conv. Anything else is an {@link IllegalArgumentException} with one line.
 */
public final class Exporter {
    private final Model model;
    private final String arch;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, BinaryConstants> binaries = new java.util.HashMap<>();
    private final Map<String, float[]> boxBiases = new java.util.HashMap<>();
    private final Map<String, RPReLU> rprelus = new java.util.HashMap<>();
    private final Map<ActivationAccumulation, String[]> groupInputs = new IdentityHashMap<>();
    private PackedModel.Builder builder;
    private int tensors;

    private Exporter(Model model) {
        this.model = model;
        this.arch = model.options().arch();
    }

    /** The packed deployment model of {@code model} (its current weights and BN running statistics). */
    public static PackedModel export(Model model) {
        return new Exporter(model).run();
    }

    private PackedModel run() {
        Layer net = model.net();
        String input = PackedModel.INPUT;
        if (BinaryOptions.takesUpsampledInput(model.options())) {
            input = fresh();
            nodes.add(new Node.Bicubic(PackedModel.INPUT, input, model.options().scale()));
        }
        String out = switch (net) {
            case BSRN b -> {
                String f = trace(b.head(), input);
                yield trace(b.tail(), add(trace(b.body(), f), f));
            }
            default -> trace(net, input);   // VDSR: a residual around a sequence
        };
        Node last = nodes.getLast();
        if (!last.out().equals(out)) throw new IllegalStateException("traced graph does not end in its output");
        nodes.set(nodes.size() - 1, renameOut(last, PackedModel.OUTPUT));
        builder = new PackedModel.Builder(arch, model.options().scale(), model.options().toJson());
        for (Node n : nodes) emit(n);
        return builder.build();
    }

    private IllegalArgumentException unsupported(String what) {
        return new IllegalArgumentException("cannot export " + arch + ": " + what + " not supported by the packed engine "
                + "(supported: srresnet, vdsr, bsrn and their bnn, xnor, dorefa and bam variants; srresnet-bbcu, bbcu-m)");
    }

    private String fresh() { return "t" + tensors++; }

    private String add(String a, String b) {
        String out = fresh();
        nodes.add(new Node.Add(a, b, out));
        return out;
    }

    /** Appends the nodes of {@code l} applied to tensor {@code in}; returns its output tensor's name. */
    private String trace(Layer l, String in) {
        switch (l) {
            case Sequential s -> {
                String x = in;
                for (Layer c : s.layers()) x = trace(c, x);
                return x;
            }
            case GroupOwner g -> { return trace(g.body(), in); }
            case MSRResNet m -> {
                String t = trace(m.tail(), trace(m.upsample(), trace(m.body(), trace(m.head(), in))));
                String base = fresh();
                nodes.add(new Node.Bilinear(in, base, m.base().scale));
                return add(t, base);
            }
            case Scale s -> {
                String out = fresh();
                nodes.add(new Node.Scale(in, out, s.s));
                return out;
            }
            case BbcuUnit u -> { return bbcu(u, in); }
            case Residual r -> {
                if (r.resScale != 1f) throw unsupported("a residual scale of " + r.resScale);
                String y = trace(r.body, in);
                Node last = nodes.getLast();
                // a binary conv's epilogue computes residual + (exact * alpha + beta), the same float add
                if (last instanceof Node.BinaryConv b && b.residual() == null && b.out().equals(y)) {
                    nodes.set(nodes.size() - 1, b.withResidual(in));
                    return y;
                }
                return add(in, y);
            }
            case Conv2d c -> {
                String out = fresh();
                nodes.add(new Node.Conv(stem(c.weight), in, out, c.cin, c.cout, c.k, c.bias != null));
                return out;
            }
            case ReLU r -> { return activation(in, 0f); }
            case LeakyReLU r -> { return activation(in, r.slope); }
            case PixelShuffle p -> {
                String out = fresh();
                nodes.add(new Node.PixelShuffle(in, out, p.r));
                return out;
            }
            case BilinearUpsample b -> {
                String out = fresh();
                nodes.add(new Node.Bilinear(in, out, b.scale));
                return out;
            }
            case BinaryConv2d b -> { return binary(b, in); }
            default -> throw unsupported("layer " + l.getClass().getSimpleName());
        }
    }

    private String activation(String in, float slope) {
        String out = fresh();
        nodes.add(new Node.Activation(in, out, slope));
        return out;
    }

    private static String stem(Param weight) {
        if (!weight.name.endsWith(".weight")) throw new IllegalStateException("conv weight named " + weight.name);
        return weight.name.substring(0, weight.name.length() - ".weight".length());
    }

    /** The binary conv's node; its constants are resolved now, emitted with the node. */
    private String binary(BinaryConv2d conv, String in) {
        int cin = conv.inChannels(), cout = conv.outChannels(), k = conv.kernel();
        float[] signs = new float[cout * cin * k * k], alpha = new float[cout];
        if (!conv.binaryWeights(signs, alpha))
            throw unsupported(conv.weightBinarizer().kind() + " weights (" + conv.name() + ")");
        float[] beta = conv.bias() == null ? new float[cout] : conv.bias().value.clone();
        PackedWeights weights = PackedWeights.fromOihw(signs, cout, cin, k);
        ActivationBinarizer act = conv.activationBinarizer();
        List<String> sources;
        SignThresholds thresholds;
        float[] s = null;
        switch (act) {
            case SignActivations a -> {
                sources = List.of(in);
                thresholds = SignThresholds.sign(cin);
            }
            case RSignActivations a -> {
                // Sign(A + b): the float add is Sign(A * 1 + b), exactly (A * 1 = A)
                sources = List.of(in);
                float[] one = new float[cin];
                Arrays.fill(one, 1f);
                thresholds = SignThresholds.ofScaleShift(one, a.bias().value.clone());
            }
            case DorefaActivations a -> {
                // levels round(clip(A, 0, 1)) = A >= 0.5 (see DorefaActivations): bit 1 (level 0) where A < 0.5
                float[] half = new float[cin];
                Arrays.fill(half, 0.5f);
                String out = fresh();
                nodes.add(new Node.BinaryConv(conv.name(), List.of(in), null, out, cin, cout, k, false, true));
                binaries.put(conv.name(), new BinaryConstants(weights, alpha, beta, SignThresholds.below(half), null));
                return out;
            }
            case XnorActivations a -> {
                // conv then out * K + bias: the conv's epilogue keeps exact * alpha, the bias moves after K
                sources = List.of(in);
                thresholds = SignThresholds.sign(cin);
                String conv0 = fresh(), scaled = fresh();
                nodes.add(new Node.BinaryConv(conv.name(), sources, null, conv0, cin, cout, k, false));
                binaries.put(conv.name(), new BinaryConstants(weights, alpha, new float[cout], thresholds, null));
                String box = conv.name() + ".xnor";
                nodes.add(new Node.BoxScale(box, conv0, in, scaled, cout, k));
                boxBiases.put(box, beta);
                return scaled;
            }
            case BamActivations a -> {
                ActivationAccumulation group = a.group();
                BamOptions o = group.options();
                if (o.learnedBeta() && o.statistic() != BamOptions.Statistic.MEAN_ABS)
                    throw unsupported("BAM's statistic " + o.statistic().name().toLowerCase() + " (" + conv.name() + ")");
                if (!(a.bn() instanceof BatchNorm2d bn)) throw unsupported("BAM without BatchNorm (" + conv.name() + ")");
                String[] inputs = groupInputs.computeIfAbsent(group, g -> new String[g.size()]);
                int n = a.index(), first = o.activationAccumulation() ? 0 : n;
                inputs[n] = in;
                sources = Arrays.asList(Arrays.copyOfRange(inputs, first, n + 1));
                if (sources.contains(null)) throw new IllegalStateException(conv.name() + ": group members traced out of order");
                if (o.learnedBeta()) s = Arrays.copyOfRange(group.params().getFirst().value, first, n + 1);
                float[] scale = new float[cin], shift = new float[cin];
                bn.inferenceAffine(scale, shift);
                thresholds = SignThresholds.ofScaleShift(scale, shift);
            }
            default -> throw unsupported(act.kind() + " activations (" + conv.name() + ")");
        }
        String out = fresh();
        Node.BinaryConv node = new Node.BinaryConv(conv.name(), sources, null, out, cin, cout, k, s != null);
        nodes.add(node);
        binaries.put(conv.name(), new BinaryConstants(weights, alpha, beta, thresholds, s));
        return out;
    }

    /**
     * A BBCU unit as its parts: binary conv (RSign folded into thresholds, no bias), RPReLU, then the identity skip
     * added, or PixelShuffle(r) plus the nearest-upsampled input (the float adds in the training code's order).
     */
    private String bbcu(BbcuUnit u, String in) {
        String c = binary(u.conv(), in), a = fresh();
        Node.RPReLU node = new Node.RPReLU(u.conv().name(), c, a, u.rprelu().channels);
        nodes.add(node);
        rprelus.put(node.name(), u.rprelu());
        if (u.r() == 1) return add(a, in);
        String shuffled = fresh(), near = fresh();
        nodes.add(new Node.PixelShuffle(a, shuffled, u.r()));
        nodes.add(new Node.Nearest(in, near, u.r()));
        return add(shuffled, near);
    }

    private record BinaryConstants(PackedWeights weights, float[] alpha, float[] beta, SignThresholds signs, float[] s) {}

    private void emit(Node n) {
        switch (n) {
            case Node.Conv c -> {
                Map<String, Param> state = model.state();
                Param w = state.get(c.name() + ".weight"), b = state.get(c.name() + ".bias");
                builder.conv(c, w.value.clone(), b == null ? null : b.value.clone());
            }
            case Node.BinaryConv b -> {
                BinaryConstants k = binaries.get(b.name());
                builder.binaryConv(b, k.weights, k.alpha, k.beta, k.signs, k.s);
            }
            case Node.BoxScale b -> builder.boxScale(b, boxBiases.get(b.name()));
            case Node.RPReLU r -> {
                RPReLU l = rprelus.get(r.name());
                builder.rprelu(r, l.shift1.value.clone(), l.slope.value.clone(), l.shift2.value.clone());
            }
            default -> builder.node(n);
        }
    }

    private static Node renameOut(Node n, String out) {
        return switch (n) {
            case Node.Conv c -> new Node.Conv(c.name(), c.in(), out, c.cin(), c.cout(), c.k(), c.bias());
            case Node.Activation a -> new Node.Activation(a.in(), out, a.slope());
            case Node.PixelShuffle p -> new Node.PixelShuffle(p.in(), out, p.r());
            case Node.Bilinear b -> new Node.Bilinear(b.in(), out, b.scale());
            case Node.Bicubic b -> new Node.Bicubic(b.in(), out, b.scale());
            case Node.Add a -> new Node.Add(a.a(), a.b(), out);
            case Node.Scale c -> new Node.Scale(c.in(), out, c.factor());
            case Node.RPReLU r -> new Node.RPReLU(r.name(), r.in(), out, r.channels());
            case Node.Nearest c -> new Node.Nearest(c.in(), out, c.scale());
            case Node.BinaryConv b -> b.withOut(out);
            case Node.BoxScale b -> new Node.BoxScale(b.name(), b.in(), b.source(), out, b.channels(), b.k());
        };
    }
}
