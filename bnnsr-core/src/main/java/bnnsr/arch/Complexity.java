package bnnsr.arch;

import bnnsr.binarize.BamWeights;
import bnnsr.binarize.BinaryConv2d;
import bnnsr.binarize.BinaryConvProbe;
import bnnsr.nn.Param;
import bnnsr.tensor.ConvOps;
import bnnsr.tensor.Tensor;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The cost of a model, in the papers' conventions:
 * <ul>
 *   <li>{@code params}: binary = weights of binary convs (times the bases, for ABC), fp = every other trainable
 *       value (FP convs, biases, BN affines, gains, scales, BAM's a_i / s_i and weight-BN affines);</li>
 *   <li>{@code macs_720p}: conv multiply-accumulates for a 1280x720 output (the BAM paper's Table 3), binary =
 *       convs whose inputs AND weights are binary (XNOR/popcount work), counted at full weight; a conv with binary
 *       weights but FP activations (Ma et al., BAM a32) counts as FP;</li>
 *   <li>{@code ops_320x180}: FP MACs + binary MACs / 64 on a 320x180 LR input (the later papers' convention; the
 *       same output size as above at x4);</li>
 *   <li>{@code params_paper}: the BBCU paper's parameter count, convolution weights only: the weights and biases
 *       of FP convs in full plus binary conv weights / 32 (biases, shifts, slopes, BN affines left out; {@code
 *       params} keeps counting them);</li>
 *   <li>{@code packed_bytes}: an estimate of the deployment file: binary weights at 1 bit, packed 64 input channels
 *       per long (bases x cout x k^2 x ceil(cin/64) x 8 bytes) plus one float scale per output channel and base,
 *       and every FP value the engine needs at 4 bytes (params except the training-only weight-BN affines and a_i,
 *       BN running statistics); container header excluded.</li>
 * </ul>
 * Elementwise work (BN, the accumulations, XNOR's K map, pixel shuffles, skips) is not counted, as in the papers.
 * Counting traces one forward pass of the real model on a small input with a measuring ConvOps installed, so it
 * follows whatever the builders built; MACs scale exactly with the input area (stride 1, same padding).
 */
public record Complexity(String arch, int scale, long fpParams, long binaryParams, double fpMacs720p,
                         double binaryMacs720p, double ops320x180, long packedBytes, long fpConvParams) {

    private static final int TRACE = 4;

    public long totalParams() { return fpParams + binaryParams; }

    public double totalMacs720p() { return fpMacs720p + binaryMacs720p; }

    /** The later papers' parameter count: FP + binary / 32. */
    public double paramsFpEquivalent() { return fpParams + binaryParams / 32.0; }

    /** The BBCU paper's count: FP conv weights and biases + binary conv weights / 32. */
    public double paramsPaper() { return fpConvParams + binaryParams / 32.0; }

    /** Measures a model (its trace forward runs with a tracing ConvOps on this thread only). */
    public static Complexity of(Model model) {
        ArchOptions o = model.options();
        int s = o.scale(), side = BinaryOptions.takesUpsampledInput(o) ? TRACE * s : TRACE;
        Tracer tracer = new Tracer(ConvOps.get());
        ConvOps.using(tracer, () -> model.forward(new Tensor(1, side, side, 3), false));
        long binaryParams = 0, packed = 0;
        Set<Param> binaryLatent = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Param> trainingOnly = Collections.newSetFromMap(new IdentityHashMap<>());
        for (BinaryConv2d c : tracer.convs) {
            int bases = c.weightBinarizer().bases();
            binaryLatent.add(c.weight());
            binaryParams += (long) c.weight().size() * bases;
            long words = (c.inChannels() + 63) / 64;
            packed += bases * ((long) c.outChannels() * c.kernel() * c.kernel() * words * 8 + 4L * c.outChannels());
            if (c.weightBinarizer() instanceof BamWeights bw) {
                trainingOnly.addAll(bw.params());
                trainingOnly.addAll(bw.group().params());
            }
        }
        long fpParams = 0, fpConv = 0;
        Map<String, Param> state = model.state();
        for (Param p : model.params()) {
            if (binaryLatent.contains(p)) continue;
            fpParams += p.size();
            if (p.shape.length == 4 && p.name.endsWith(".weight")) {   // an FP conv: its weight and bias
                fpConv += p.size();
                Param bias = state.get(p.name.substring(0, p.name.length() - "weight".length()) + "bias");
                if (bias != null) fpConv += bias.size();
            }
            if (!trainingOnly.contains(p)) packed += 4L * p.size();
        }
        for (Param p : model.buffers()) if (!p.integral) packed += 4L * p.size();
        double lrArea = TRACE * TRACE;
        double to720p = 1280.0 * 720.0 / ((double) s * s) / lrArea, toOps = 320.0 * 180.0 / lrArea;
        return new Complexity(o.arch(), s, fpParams, binaryParams, tracer.fp * to720p, tracer.binary * to720p,
                (tracer.fp + tracer.binary / 64.0) * toOps, packed, fpConv);
    }

    /** The JSON of {@code bnnsr info} (plain counts). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", arch);
        m.put("scale", scale);
        m.put("params", triple(fpParams, binaryParams, totalParams()));
        m.put("macs_720p", triple(Math.round(fpMacs720p), Math.round(binaryMacs720p), Math.round(totalMacs720p())));
        m.put("params_paper", Math.round(paramsPaper()));
        m.put("ops_320x180", Math.round(ops320x180));
        m.put("packed_bytes", packedBytes);
        return m;
    }

    private static Map<String, Long> triple(long fp, long binary, long total) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("fp", fp);
        m.put("binary", binary);
        m.put("total", total);
        return m;
    }

    /** Counts MACs of every forward conv; binary convs announce themselves first. */
    private static final class Tracer implements ConvOps, BinaryConvProbe {
        final ConvOps inner;
        final Set<BinaryConv2d> convs = Collections.newSetFromMap(new IdentityHashMap<>());
        double fp, binary;
        private BinaryConv2d pending;

        Tracer(ConvOps inner) { this.inner = inner; }

        @Override public void binaryConv(BinaryConv2d conv, Tensor input) {
            pending = conv;
            convs.add(conv);
        }

        @Override public void forward(Tensor x, float[] w, float[] bias, int k, Tensor y) {
            double macs = (double) x.n * x.h * x.w * k * k * x.c * y.c;
            if (pending != null && pending.activationBinarizer().binary())
                binary += macs * pending.weightBinarizer().bases();
            else
                fp += macs;
            pending = null;
            inner.forward(x, w, bias, k, y);
        }

        @Override public void backwardInput(Tensor dy, float[] w, int k, Tensor dx) { inner.backwardInput(dy, w, k, dx); }

        @Override public void backwardWeight(Tensor x, Tensor dy, int k, float[] dw, float[] db) { inner.backwardWeight(x, dy, k, dw, db); }
    }
}
