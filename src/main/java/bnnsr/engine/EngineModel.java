package bnnsr.engine;

import bnnsr.nn.BilinearUpsample;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Elementwise;
import bnnsr.nn.Layer;
import bnnsr.nn.LeakyReLU;
import bnnsr.nn.PixelShuffle;
import bnnsr.nn.ReLU;
import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link PackedModel}: full-precision nodes through the same {@code nn} layers training uses (so they give
 * the training forward's floats), binary convs through {@link BinaryConvOps#fast()}.
 * <p>
 * Buffers belong to the steps and are reused across calls of the same input size, so one instance serves one
 * caller at a time (create one per thread; they share nothing mutable but the thread pool). The returned tensor
 * is overwritten by the next call.
 */
public final class EngineModel {
    private interface Step { Tensor run(Map<String, Tensor> values); }

    public final PackedModel model;
    private final List<Step> steps = new ArrayList<>();
    private final List<String> outs = new ArrayList<>();

    public EngineModel(PackedModel model) {
        this.model = model;
        for (Node n : model.nodes) {
            steps.add(step(n));
            outs.add(n.out());
        }
    }

    /** The network output (NHWC, {@code scale} times larger) for an NHWC RGB input. */
    public Tensor forward(Tensor input) {
        if (input.c != PackedModel.IMAGE_CHANNELS) throw new IllegalArgumentException("expected " + PackedModel.IMAGE_CHANNELS + " channels, got " + input.shape());
        Map<String, Tensor> values = new HashMap<>();
        values.put(PackedModel.INPUT, input);
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
            case Node.Activation a -> layer(a.slope() == 0 ? new ReLU() : new LeakyReLU(a.slope()), a.in());
            case Node.PixelShuffle p -> layer(new PixelShuffle(p.r()), p.in());
            case Node.Bilinear b -> layer(new BilinearUpsample(b.scale()), b.in());
            case Node.Add a -> new Step() {
                Tensor y;
                @Override public Tensor run(Map<String, Tensor> v) {
                    Tensor x = v.get(a.a());
                    y = Tensor.reuse(y, x.n, x.h, x.w, x.c);
                    Elementwise.add(x, v.get(a.b()), y);
                    return y;
                }
            };
            case Node.BinaryConv b -> new BinaryStep(b, model);
        };
    }

    private static Step layer(Layer l, String in) { return v -> l.forward(v.get(in), false); }

    /** Activation accumulation, sign packing by thresholds, popcount conv with the residual fused in the epilogue. */
    private static final class BinaryStep implements Step {
        private final Node.BinaryConv node;
        private final PackedWeights weights;
        private final float[] alpha, beta, s;
        private final SignThresholds signs;
        private Tensor acc, y;
        private Tensor[] stats;
        private PackedActivations packed;

        BinaryStep(Node.BinaryConv node, PackedModel m) {
            this.node = node;
            String p = node.name() + ".";
            weights = PackedWeights.fromFileLayout(m.words(p + "weight_bits"), node.cout(), node.cin(), node.k());
            alpha = m.floats(p + "alpha");
            beta = m.floats(p + "beta");
            s = node.statistic() ? m.floats(p + "s") : null;
            signs = SignThresholds.of(m.floats(p + "sign_below"), m.floats(p + "sign_above"));
        }

        @Override public Tensor run(Map<String, Tensor> v) {
            List<String> src = node.sources();
            Tensor x0 = v.get(src.get(0));
            Tensor in = src.size() == 1 && s == null ? x0 : accumulate(v, x0);
            packed = PackedActivations.reuse(packed, x0.n, x0.h, x0.w, node.cin(), node.k() / 2);
            BinaryConvOps ops = BinaryConvOps.fast();
            ops.pack(in, signs, packed);
            y = Tensor.reuse(y, x0.n, x0.h, x0.w, node.cout());
            if (node.residual() != null) System.arraycopy(v.get(node.residual()).data, 0, y.data, 0, y.size());
            ops.conv(packed, weights, alpha, beta, node.residual() != null, y);
            return y;
        }

        /**
         * S = sum_i b_i * A_i with b_i = s_i * mean_c |A_i| (or 1), in the float order of the training code
         * ({@code bnnsr.binarize.ActivationAccumulation}): the statistic summed in double over channels then
         * rounded, b_i = s_i * e as a float product, S accumulated from 0 by {@code S += b_i * A_i}.
         */
        private Tensor accumulate(Map<String, Tensor> v, Tensor x0) {
            int n = node.sources().size(), c = x0.c, pixels = x0.n * x0.h * x0.w;
            Tensor[] a = new Tensor[n];
            for (int i = 0; i < n; i++) a[i] = v.get(node.sources().get(i));
            if (s != null) {
                if (stats == null) stats = new Tensor[n];
                for (int i = 0; i < n; i++) {
                    Tensor e = stats[i] = Tensor.reuse(stats[i], x0.n, x0.h, x0.w, 1);
                    float[] xs = a[i].data, es = e.data;
                    Parallel.forRange(pixels, (p0, p1) -> {
                        for (int p = p0; p < p1; p++) {
                            double sum = 0;
                            for (int j = p * c, end = j + c; j < end; j++) sum += Math.abs(xs[j]);
                            es[p] = (float) (sum / c);
                        }
                    });
                }
            }
            acc = Tensor.reuse(acc, x0.n, x0.h, x0.w, c);
            float[] o = acc.data;
            Parallel.forRange(pixels, (p0, p1) -> {
                java.util.Arrays.fill(o, p0 * c, p1 * c, 0f);
                for (int i = 0; i < n; i++) {
                    float[] ai = a[i].data;
                    float si = s == null ? 1f : s[i];
                    float[] e = s == null ? null : stats[i].data;
                    for (int p = p0; p < p1; p++) {
                        float b = e == null ? 1f : si * e[p];
                        for (int j = p * c, end = j + c; j < end; j++) o[j] += b * ai[j];
                    }
                }
            });
            return acc;
        }
    }
}
