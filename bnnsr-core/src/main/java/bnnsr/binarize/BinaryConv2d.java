package bnnsr.binarize;

import bnnsr.tensor.Chunks;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Layer;
import bnnsr.nn.Names;
import bnnsr.nn.Param;
import bnnsr.tensor.ConvOps;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.function.Function;

/**
 * A k x k convolution (stride 1, same size) on binarized inputs with binarized weights:
 * y = conv(B_A(x), B_W(W)) (.) K + bias, where B_W is a {@link WeightBinarizer} over the latent weights W
 * ({@code <name>.weight}, OIHW), B_A an {@link ActivationBinarizer}, and K its optional per-pixel output scale.
 * <p>
 * <b>Padding convention</b> ({@link #PADDING}): the binarized input is padded with zeros, so a padded tap adds
 * nothing to the sum (what PyTorch's conv does after a sign). A deployment engine computing in +-1 arithmetic
 * must subtract the padded taps' contribution at the borders to reproduce it exactly.
 * <p>
 * The convolution itself runs through {@link ConvOps#get()} on the float values of the binarized operands (the
 * training path); gradients go back through ConvOps and the binarizers' STEs. When both operands are signs
 * ({@link ActivationBinarizer#signs()} and per-channel-scaled sign weights), the forward runs on the popcount
 * kernels instead ({@link SignConv}, bit-identical), except while a {@link BinaryConvProbe} counts the convolutions
 * (the complexity count sees the float formulation).
 * <p>
 * <b>Rounding.</b> When the effective weights are signs times one scale per output channel
 * ({@link WeightBinarizer#channelScales()}: BNN, XNOR, DoReFa, Ma, BAM), the forward convolves with the +-1 signs
 * (on +-1 inputs an exact integer in float, |sum| &lt; 2^24) and then computes {@code exact * |scale[o]| + bias[o]}
 * (a float multiply, then a float add): what the packed engine computes, so deployment reproduces the training
 * forward's floats and hence its signs bit for bit. Mathematically it is the same function, so the backward keeps
 * using the effective weights.
 */
public final class BinaryConv2d implements Layer {
    /** What a padded tap of a binary conv's input contributes: zero. Recorded in model metadata. */
    public static final String PADDING = "zero";
    /** Metadata key under which {@link #PADDING} is recorded. */
    public static final String PADDING_KEY = "binary_padding";

    private final String name;
    private final int cin, cout, k;
    private final Param weight, bias;
    private final WeightBinarizer weights;
    private final ActivationBinarizer activations;
    private final float[] wEff, wHwio, dwHwio, dwOihw, db, signHwio, signOihw, channelScale;
    private Tensor conv, y, dConv, dScale, dxb;
    private SignConv signConvImpl;
    private SignConv.Instance signConv;

    /**
     * @param weights builds the weight binarizer from this conv's latent weights (e.g. {@code WeightAccumulation::join})
     * @param init    initialises W and the bias as PyTorch's Conv2d does, U(-1/sqrt(fan_in), 1/sqrt(fan_in))
     */
    public BinaryConv2d(String name, int cin, int cout, int k, boolean hasBias, RandomGenerator init,
                        Function<Param, WeightBinarizer> weights, ActivationBinarizer activations) {
        if (k % 2 == 0) throw new IllegalArgumentException("kernel size must be odd, got " + k);
        this.name = name;
        this.cin = cin;
        this.cout = cout;
        this.k = k;
        this.weight = new Param(Names.join(name, "weight"), new int[] {cout, cin, k, k}, true);
        this.bias = hasBias ? new Param(Names.join(name, "bias"), new int[] {cout}, false) : null;
        float bound = (float) (1 / Math.sqrt(cin * k * k));
        for (int i = 0; i < weight.size(); i++) weight.value[i] = (init.nextFloat() * 2 - 1) * bound;
        if (bias != null) for (int i = 0; i < cout; i++) bias.value[i] = (init.nextFloat() * 2 - 1) * bound;
        this.weights = weights.apply(weight);
        if (this.weights.latent() != weight) throw new IllegalArgumentException("weight binarizer bound to other weights");
        this.activations = activations;
        int size = weight.size();
        wEff = new float[size];
        wHwio = new float[size];
        dwHwio = new float[size];
        dwOihw = new float[size];
        db = new float[cout];
        signHwio = new float[size];
        signOihw = new float[size];
        channelScale = new float[cout];
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        if (x.c != cin) throw new IllegalArgumentException(name + ": expected " + cin + " channels, got " + x.shape());
        Tensor xb = activations.forward(x, training);
        weights.forward(wEff);
        Conv2d.oihwToHwio(wEff, wHwio, cout, cin, k);
        boolean factored = factor(wEff, signOihw, channelScale);
        y = Tensor.reuse(y, x.n, x.h, x.w, cout);
        Tensor scale = activations.outputScale();
        float[] b = bias == null ? null : bias.value;
        ConvOps ops = ConvOps.get();
        if (ops instanceof BinaryConvProbe probe) probe.binaryConv(this, xb);
        SignConv.Instance popcount = factored && activations.signs() && !(ops instanceof BinaryConvProbe) ? signConv() : null;
        if (factored && popcount == null) Conv2d.oihwToHwio(signOihw, signHwio, cout, cin, k);
        if (scale == null && !factored) {
            ops.forward(xb, wHwio, b, k, y);
            return y;
        }
        if (scale == null && popcount != null) {
            popcount.forward(xb, signOihw, channelScale, b, y);
            return y;
        }
        conv = Tensor.reuse(conv, x.n, x.h, x.w, cout);
        if (popcount != null) popcount.exact(xb, signOihw, conv);
        else ops.forward(xb, factored ? signHwio : wHwio, null, k, conv);
        float[] cs = channelScale, cv = conv.data, out = y.data;
        if (scale == null) {
            Chunks.range(x.n * x.h * x.w, (p0, p1) -> {
                for (int p = p0; p < p1; p++)
                    for (int o = 0, j = p * cout; o < cout; o++, j++) out[j] = cv[j] * cs[o] + (b == null ? 0f : b[o]);
            });
            return y;
        }
        float[] sc = scale.data;
        Chunks.range(x.n * x.h * x.w, (p0, p1) -> {
            for (int p = p0; p < p1; p++)
                for (int o = 0, j = p * cout; o < cout; o++, j++) {
                    // the backward's dScale needs conv with the effective weights: keep exact * scale
                    if (factored) cv[j] *= cs[o];
                    out[j] = cv[j] * sc[p] + (b == null ? 0f : b[o]);
                }
        });
        return y;
    }

    /** This conv's popcount buffers, or null when no {@link SignConv} is installed. */
    private SignConv.Instance signConv() {
        SignConv impl = SignConv.get();
        if (impl == null) return null;
        if (impl != signConvImpl) {
            signConv = impl.create(cin, cout, k);
            signConvImpl = impl;
        }
        return signConv;
    }

    /**
     * Splits effective weights that are Sign times one scale per output channel into +-1 signs (OIHW) and
     * non-negative scales, so that {@code signs[j] * scales[o] == eff[j]} exactly; false (outputs untouched) when
     * the weight binarizer has no such form. The sign of a negative scale (Ma's gain may turn negative) moves into
     * the signs; a zero scale keeps the sign bit of its +-0 weights.
     */
    private boolean factor(float[] eff, float[] signs, float[] scales) {
        float[] s = weights.channelScales();
        if (s == null) return false;
        int cols = eff.length / cout;
        for (int o = 0; o < cout; o++) {
            scales[o] = Math.abs(s[o]);
            for (int j = o * cols; j < (o + 1) * cols; j++) signs[j] = Math.copySign(1f, eff[j]);
        }
        return true;
    }

    /**
     * The weights a deployment engine needs: runs the weight binarizer and writes the +-1 signs (OIHW) and the
     * per-output-channel scales the forward multiplies the exact sign convolution by (see the class comment).
     * False when the weights are not of that form (ABC-Net's several bases, the gradient-check surrogates).
     */
    public boolean binaryWeights(float[] signsOihw, float[] scales) {
        float[] eff = new float[weight.size()];
        weights.forward(eff);
        return factor(eff, signsOihw, scales);
    }

    @Override public Tensor backward(Tensor dy) {
        Tensor scale = activations.outputScale();
        Tensor g = dy;
        dScale = null;
        if (scale != null) {
            dConv = Tensor.reuse(dConv, dy.n, dy.h, dy.w, cout);
            dScale = Tensor.reuse(dScale, dy.n, dy.h, dy.w, 1);
            float[] sc = scale.data, cv = conv.data, gy = dy.data, gc = dConv.data, gs = dScale.data;
            Chunks.range(dy.n * dy.h * dy.w, (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    double d = 0;
                    for (int j = p * cout, end = j + cout; j < end; j++) {
                        gc[j] = gy[j] * sc[p];
                        d += gy[j] * cv[j];
                    }
                    gs[p] = (float) d;
                }
            });
            g = dConv;
        }
        ConvOps ops = ConvOps.get();
        Tensor xb = activations.binarized();
        // the bias sees dy itself, the conv sees dy scaled by K: one kernel call gives both only without K
        ops.backwardWeight(xb, g, k, dwHwio, bias != null && scale == null ? db : null);
        if (bias != null) {
            if (scale != null) biasGradient(dy);
            for (int o = 0; o < cout; o++) bias.grad[o] += db[o];
        }
        hwioToOihw(dwHwio, dwOihw);
        weights.backward(dwOihw);
        // FP activations hand this gradient back to the caller: then it needs a buffer of its own
        Tensor dIn = activations instanceof FpActivations ? (dxb = Tensor.reuse(dxb, dy.n, dy.h, dy.w, cin))
                : Scratch.get(Scratch.Slot.CONV_INPUT_GRAD, dy.n, dy.h, dy.w, cin);
        ops.backwardInput(g, wHwio, k, dIn);
        return activations.backward(dIn, dScale);
    }

    @Override public List<Param> params() {
        List<Param> p = new ArrayList<>();
        p.add(weight);
        if (bias != null) p.add(bias);
        p.addAll(weights.params());
        p.addAll(activations.params());
        return p;
    }

    @Override public List<Param> buffers() { return activations.buffers(); }

    private void biasGradient(Tensor dy) {
        float[] gy = dy.data;
        int pixels = dy.n * dy.h * dy.w;
        for (int o = 0; o < cout; o++) {
            int oc = o;
            db[o] = (float) Chunks.sum(pixels, (p0, p1) -> {
                double s = 0;
                for (int p = p0; p < p1; p++) s += gy[p * cout + oc];
                return s;
            });
        }
    }

    /** HWIO -> OIHW, overwriting (the binarizer takes the effective weights' gradient in PyTorch order). */
    private void hwioToOihw(float[] hwio, float[] oihw) {
        int kk = k * k;
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++)
                for (int t = 0; t < kk; t++) oihw[(o * cin + i) * kk + t] = hwio[(t * cin + i) * cout + o];
    }

    public String name() { return name; }

    public int inChannels() { return cin; }

    public int outChannels() { return cout; }

    public int kernel() { return k; }

    public Param weight() { return weight; }

    /** The bias, or null. */
    public Param bias() { return bias; }

    public WeightBinarizer weightBinarizer() { return weights; }

    public ActivationBinarizer activationBinarizer() { return activations; }

    /** The effective (binarized, scaled) weights of the last forward, OIHW. */
    public float[] effectiveWeights() { return wEff.clone(); }

    /** The conv's input as the kernels saw it in the last forward (binarized; recomputed into a scratch buffer). */
    public Tensor binarizedInput() { return activations.binarized(); }
}
