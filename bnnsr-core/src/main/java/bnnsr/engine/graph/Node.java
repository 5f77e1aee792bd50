package bnnsr.engine.graph;

import bnnsr.engine.kernels.SignThresholds;
import java.util.List;

/**
 * One step of a packed model's graph: reads named tensors, writes one named tensor. The graph is a list of nodes in
 * execution order; {@code "input"} is the network input (NHWC RGB in [0, 1]) and {@code "output"} must be written
 * last. Parameters live in the file's tensors under the node's name (see each record).
 */
public sealed interface Node {
    /** The tensors this node reads. */
    List<String> inputs();

    String out();

    /** Full-precision conv, PyTorch's Conv2d: {@code name.weight} F32 [cout, cin, k, k], {@code name.bias} F32 [cout]. */
    record Conv(String name, String in, String out, int cin, int cout, int k, boolean bias) implements Node {
        public List<String> inputs() { return List.of(in); }
    }

    /** ReLU (slope 0) or LeakyReLU. */
    record Activation(String in, String out, float slope) implements Node {
        public List<String> inputs() { return List.of(in); }
    }

    record PixelShuffle(String in, String out, int r) implements Node {
        public List<String> inputs() { return List.of(in); }
    }

    /** PyTorch's bilinear upsampling (align_corners=False), the global skip of MSRResNet. */
    record Bilinear(String in, String out, int scale) implements Node {
        public List<String> inputs() { return List.of(in); }
    }

    /**
     * MATLAB's bicubic {@code imresize} by an integer factor ({@code bnnsr.resample.MatlabBicubic}, float, no
     * clamping): the input of networks defined on the bicubic-upsampled image (VDSR).
     */
    record Bicubic(String in, String out, int scale) implements Node {
        public List<String> inputs() { return List.of(in); }
    }

    /** {@code out = factor * in} elementwise (BBCU's input amplification k and its output factor 1 / k). */
    record Scale(String in, String out, float factor) implements Node {
        public List<String> inputs() { return List.of(in); }
    }

    /**
     * ReActNet's RPReLU ({@code bnnsr.nn.RPReLU}), per channel c: {@code (t > 0 ? t : a[c] * t) + s2[c]} with
     * {@code t = in + s1[c]}. Tensors: {@code name.move1.bias} (s1), {@code name.prelu.weight} (a),
     * {@code name.move2.bias} (s2), F32 [channels].
     */
    record RPReLU(String name, String in, String out, int channels) implements Node {
        public List<String> inputs() { return List.of(in); }
    }

    /** Nearest-neighbour upsampling by an integer factor (BBCU-M's upsampler skip). */
    record Nearest(String in, String out, int scale) implements Node {
        public List<String> inputs() { return List.of(in); }
    }

    record Add(String a, String b, String out) implements Node {
        public List<String> inputs() { return List.of(a, b); }
    }

    /**
     * XNOR-Net's output scale after a binary conv: {@code out[p, o] = in[p, o] * K[p] + bias[o]}, K the mean over
     * channels of |source| (the conv's FP input) box-averaged over the conv's k x k window with zero padding, in
     * the float order of {@code bnnsr.binarize.XnorActivations}. Tensor: {@code name.bias} F32 [channels].
     */
    record BoxScale(String name, String in, String source, String out, int channels, int k) implements Node {
        public List<String> inputs() { return List.of(in, source); }
    }

    /**
     * A binary conv: its input signs come from the activation accumulation
     * {@code S = sum_i b_i * A_i} over {@code sources} A_i (b_i = s_i * mean_c |A_i| per pixel when
     * {@code statistic}, else 1; one source without statistic is plain Sign(A)), then per-channel thresholds
     * (BatchNorm then Sign folded exactly, {@link SignThresholds}); output
     * {@code exact * alpha + beta}, plus {@code residual} when not null.
     * Tensors: {@code name.weight_bits} I64 [cout, k, k, ceil(cin / 64)] (bit 1 = -1, channel c at bit c % 64),
     * {@code name.alpha}, {@code name.beta} F32 [cout], {@code name.sign_below}, {@code name.sign_above} F32 [cin],
     * and {@code name.s} F32 [sources] when {@code statistic}.
     * <p>
     * {@code levels} (DoReFa-Net's 1-bit activations): the conv's inputs are {0, 1}, bit 1 meaning 0 and bit 0
     * meaning 1, zero padding adding 0; {@code exact} is then the integer conv of those levels with the +-1 weights.
     */
    record BinaryConv(String name, List<String> sources, String residual, String out, int cin, int cout, int k,
                      boolean statistic, boolean levels) implements Node {
        public BinaryConv { sources = List.copyOf(sources); }

        /** +-1 inputs ({@code levels} false). */
        public BinaryConv(String name, List<String> sources, String residual, String out, int cin, int cout, int k, boolean statistic) {
            this(name, sources, residual, out, cin, cout, k, statistic, false);
        }

        public BinaryConv withResidual(String r) { return new BinaryConv(name, sources, r, out, cin, cout, k, statistic, levels); }

        public BinaryConv withOut(String o) { return new BinaryConv(name, sources, residual, o, cin, cout, k, statistic, levels); }

        public List<String> inputs() {
            if (residual == null) return sources;
            java.util.ArrayList<String> all = new java.util.ArrayList<>(sources);
            all.add(residual);
            return all;
        }
    }
}
