package bnnsr.engine;

import bnnsr.arch.ModelInput;
import bnnsr.nn.BilinearUpsample;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Elementwise;
import bnnsr.nn.Layer;
import bnnsr.nn.PixelShuffle;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link PackedModel}: full-precision nodes through the same {@code nn} layers training uses (so they give
 * the training forward's floats), binary convs through {@link BinaryConvOps#fast()}, and the float work around
 * them (BAM's accumulation and statistics, activations, XNOR's scale) through {@link EngineKernels}, fused but with
 * the training code's float operations: the output equals the training forward's bit for bit
 * ({@code ExportParityTest}). A ReLU that alone reads a binary conv's output runs in that conv's epilogue.
 * <p>
 * Buffers belong to the steps and are reused across calls of the same input size, so one instance serves one
 * caller at a time (create one per thread; they share nothing mutable but the thread pool). The returned tensor
 * is overwritten by the next call.
 */
public final class EngineModel {
    private interface Step { Tensor run(Map<String, Tensor> values); }

    public final PackedModel model;
    private final MeanAbsCache stats = new MeanAbsCache();
    private final List<Step> steps = new ArrayList<>();
    private final List<String> outs = new ArrayList<>();

    public EngineModel(PackedModel model) {
        this.model = model;
        Map<String, Integer> readers = new HashMap<>();
        for (Node n : model.nodes) for (String in : n.inputs()) readers.merge(in, 1, Integer::sum);
        List<Node> nodes = model.nodes;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            // a ReLU that alone reads a binary conv's output runs in the conv's epilogue and passes the tensor on
            if (n instanceof Node.BinaryConv b && b.residual() == null && i + 1 < nodes.size()
                    && nodes.get(i + 1) instanceof Node.Activation a && a.slope() == 0f && a.in().equals(b.out())
                    && readers.get(b.out()) == 1) {
                steps.add(new BinaryStep(b, model, stats, true));
                steps.add(v -> v.get(a.in()));
                outs.add(b.out());
                outs.add(a.out());
                i++;
                continue;
            }
            steps.add(step(n));
            outs.add(n.out());
        }
    }

    /** The network output (NHWC, {@code scale} times larger) for an NHWC RGB input. */
    public Tensor forward(Tensor input) {
        if (input.c != PackedModel.IMAGE_CHANNELS) throw new IllegalArgumentException("expected " + PackedModel.IMAGE_CHANNELS + " channels, got " + input.shape());
        Map<String, Tensor> values = new HashMap<>();
        values.put(PackedModel.INPUT, input);
        stats.newPass();
        for (int i = 0; i < steps.size(); i++) values.put(outs.get(i), steps.get(i).run(values));
        return values.get(PackedModel.OUTPUT);
    }

    /**
     * One forward with each step timed: milliseconds in binary conv steps, in FP conv steps, and in the rest
     * (for the benchmark's breakdown; the output is the same as {@link #forward}'s).
     */
    public double[] profile(Tensor input) {
        Map<String, Tensor> values = new HashMap<>();
        values.put(PackedModel.INPUT, input);
        stats.newPass();
        double[] ms = new double[3];
        for (int i = 0; i < steps.size(); i++) {
            long t0 = System.nanoTime();
            values.put(outs.get(i), steps.get(i).run(values));
            Node n = model.nodes.get(i);
            ms[n instanceof Node.BinaryConv ? 0 : n instanceof Node.Conv ? 1 : 2] += (System.nanoTime() - t0) * 1e-6;
        }
        return ms;
    }

    /**
     * The packed input signs a binary conv node used in the last {@link #forward} (parity checks against the
     * training forward's signs); null for an unknown name. Valid until the next forward.
     */
    public PackedActivations packedInput(String binaryConv) {
        for (Step s : steps)
            if (s instanceof BinaryStep b && b.node.name().equals(binaryConv)) return b.packed;
        return null;
    }

    private Step step(Node n) {
        return switch (n) {
            case Node.Conv c -> {
                Conv2d conv = new Conv2d(c.name(), c.cin(), c.cout(), c.k(), c.bias());
                System.arraycopy(model.floats(c.name() + ".weight"), 0, conv.weight.value, 0, conv.weight.size());
                if (c.bias()) System.arraycopy(model.floats(c.name() + ".bias"), 0, conv.bias.value, 0, c.cout());
                yield layer(conv, c.in());
            }
            case Node.Activation a -> new Step() {
                Tensor y;
                @Override public Tensor run(Map<String, Tensor> v) {
                    Tensor x = v.get(a.in());
                    y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
                    EngineKernels.activation(x, a.slope(), y);
                    return y;
                }
            };
            case Node.PixelShuffle p -> layer(new PixelShuffle(p.r()), p.in());
            case Node.Scale c -> layer(new bnnsr.nn.Scale(c.factor()), c.in());
            case Node.Nearest c -> layer(new bnnsr.nn.NearestUpsample(c.scale()), c.in());
            case Node.RPReLU r -> {
                bnnsr.nn.RPReLU l = new bnnsr.nn.RPReLU(r.name(), r.channels());
                List<bnnsr.nn.Param> ps = l.params();
                for (int i = 0; i < ps.size(); i++)
                    System.arraycopy(model.floats(r.name() + "." + PackedModel.RPRELU_TENSORS[i]), 0, ps.get(i).value, 0, r.channels());
                yield layer(l, r.in());
            }
            case Node.Bilinear b -> layer(new BilinearUpsample(b.scale()), b.in());
            case Node.Bicubic b -> v -> ModelInput.bicubic(v.get(b.in()), b.scale());
            case Node.Add a -> new Step() {
                Tensor y;
                @Override public Tensor run(Map<String, Tensor> v) {
                    Tensor x = v.get(a.a());
                    y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
                    Elementwise.add(x, v.get(a.b()), y);
                    return y;
                }
            };
            case Node.BinaryConv b -> new BinaryStep(b, model, stats, false);
            case Node.BoxScale b -> new Step() {
                final float[] bias = model.floats(b.name() + ".bias");
                Tensor k, y;
                @Override public Tensor run(Map<String, Tensor> v) {
                    Tensor x = v.get(b.in()), src = v.get(b.source());
                    k = Tensor.reuse(k, x.n, x.h, x.w, 1);
                    EngineKernels.boxScale(stats.get(b.source(), src), b.k(), k);
                    y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
                    EngineKernels.scaleBias(x, k, bias, y);
                    return y;
                }
            };
        };
    }

    private static Step layer(Layer l, String in) { return v -> l.forward(v.get(in), false); }

    /**
     * BAM's per-pixel statistics of the tensors of one forward, each computed once however many binary convs
     * accumulate that tensor (an LB's input feeds all three of its convs); buffers kept across forwards.
     */
    private static final class MeanAbsCache {
        private final Map<String, Tensor> buffers = new HashMap<>();
        private final java.util.Set<String> fresh = new java.util.HashSet<>();

        void newPass() { fresh.clear(); }

        /** The map of tensor {@code name} (values {@code a}), computed now unless this pass has it already. */
        Tensor get(String name, Tensor a) {
            boolean known = has(name);
            Tensor e = buffer(name, a);
            if (!known) EngineKernels.meanAbs(a, e);
            return e;
        }

        boolean has(String name) { return fresh.contains(name); }

        /** The buffer of tensor {@code name}'s map, which the caller fills if not {@link #has} it yet this pass. */
        Tensor buffer(String name, Tensor a) {
            Tensor e = buffers.get(name);
            if (fresh.contains(name)) return e;
            e = Tensor.reuse(e, a.n, a.h, a.w, 1);
            buffers.put(name, e);
            fresh.add(name);
            return e;
        }
    }

    /** Activation accumulation and sign packing (fused), popcount conv with the residual fused in the epilogue. */
    private static final class BinaryStep implements Step {
        private final Node.BinaryConv node;
        private final PackedWeights weights;
        private final float[] alpha, beta, s;
        private final SignThresholds signs;
        private final MeanAbsCache cache;
        private final float[][] sources, statistics;
        private final boolean[] computeStat;
        /** The ReLU that follows runs in the epilogue. */
        private final boolean relu;
        private Tensor y;
        private PackedActivations packed;

        BinaryStep(Node.BinaryConv node, PackedModel m, MeanAbsCache cache, boolean relu) {
            this.node = node;
            this.relu = relu;
            this.cache = cache;
            this.sources = new float[node.sources().size()][];
            this.statistics = new float[node.sources().size()][];
            this.computeStat = new boolean[node.sources().size()];
            String p = node.name() + ".";
            weights = PackedWeights.fromFileLayout(m.words(p + "weight_bits"), node.cout(), node.cin(), node.k());
            if (node.levels()) {
                // the kernels then give 2 * exact: (2 e) * (alpha / 2) is the float e * alpha, bit for bit
                weights.addValidWeightSums();
                float[] a = m.floats(p + "alpha");
                alpha = new float[a.length];
                for (int o = 0; o < a.length; o++) {
                    alpha[o] = a[o] / 2;
                    if (alpha[o] * 2 != a[o]) throw new IllegalArgumentException(node.name() + ": alpha " + a[o] + " too small to halve exactly");
                }
            } else {
                alpha = m.floats(p + "alpha");
            }
            beta = m.floats(p + "beta");
            s = node.statistic() ? m.floats(p + "s") : null;
            signs = SignThresholds.of(m.floats(p + "sign_below"), m.floats(p + "sign_above"));
        }

        @Override public Tensor run(Map<String, Tensor> v) {
            List<String> src = node.sources();
            Tensor x0 = v.get(src.get(0));
            packed = PackedActivations.reuse(packed, x0.n, x0.h, x0.w, node.cin(), node.k() / 2);
            BinaryConvOps ops = BinaryConvOps.fast();
            if (src.size() == 1 && s == null) {
                ops.pack(x0, signs, packed);
            } else {
                for (int i = 0; i < sources.length; i++) {
                    Tensor a = v.get(src.get(i));
                    sources[i] = a.data;
                    if (s == null) continue;
                    // a statistic not computed yet this pass (this conv's own input) is computed while accumulating
                    computeStat[i] = !cache.has(src.get(i));
                    statistics[i] = cache.buffer(src.get(i), a).data;
                }
                EngineKernels.accumulatePack(x0, sources, s, statistics, computeStat, signs, packed);
            }
            y = Tensor.reuse(y, x0.n, x0.h, x0.w, node.cout());
            if (node.residual() != null) System.arraycopy(v.get(node.residual()).data, 0, y.data, 0, y.size());
            if (relu) ops.convRelu(packed, weights, alpha, beta, y);
            else ops.conv(packed, weights, alpha, beta, node.residual() != null, y);
            return y;
        }
    }
}
