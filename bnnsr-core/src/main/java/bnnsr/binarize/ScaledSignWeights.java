package bnnsr.binarize;

import bnnsr.nn.Param;

/**
 * Sign(W) times the mean |W| of its scale group: XNOR-Net (one scale per output channel, the gradient of the scale
 * included) and DoReFa-Net 1-bit (one scale per layer, gradient passed straight through).
 */
public final class ScaledSignWeights implements WeightBinarizer {
    /** How the gradient reaches the latent weights. */
    public enum Gradient {
        /**
         * Autograd of Sign(W) * mean|W| with an unclipped STE for the sign:
         * dL/dW_j = alpha * g_j + sgn(W_j) / N * sum_k g_k Sign(W_k) (XNOR-Net).
         */
        STE_WITH_SCALE,
        /** dL/dW = dL/dW^B, the scale treated as a constant of magnitude one (DoReFa-Net's estimator). */
        STRAIGHT,
        /**
         * dL/dW = dL/dW^B where |W| &lt;= 1, else 0: the scale treated as a constant (detached) and Sign(W) replaced
         * by clip(W, -1, 1) in backward (ReActNet's and BBCU's HardBinaryConv).
         */
        CLIPPED
    }

    private final Param latent;
    private final boolean perChannel;
    private final Gradient gradient;
    private final int groups, groupSize;
    private final float[] scale, channelScale;

    public ScaledSignWeights(Param latent, boolean perChannel, Gradient gradient) {
        this.latent = latent;
        this.perChannel = perChannel;
        this.gradient = gradient;
        this.groups = perChannel ? latent.shape[0] : 1;
        this.groupSize = latent.size() / groups;
        this.scale = new float[groups];
        this.channelScale = new float[latent.shape[0]];
    }

    public static ScaledSignWeights xnor(Param latent) { return new ScaledSignWeights(latent, true, Gradient.STE_WITH_SCALE); }

    public static ScaledSignWeights dorefa(Param latent) { return new ScaledSignWeights(latent, false, Gradient.STRAIGHT); }

    /** BBCU: Sign(W) * mean|W| per output channel, the scale constant in backward, gradient clipped to |W| &lt;= 1. */
    public static ScaledSignWeights bbcu(Param latent) { return new ScaledSignWeights(latent, true, Gradient.CLIPPED); }

    @Override public void forward(float[] out) {
        float[] w = latent.value;
        for (int gi = 0; gi < groups; gi++) {
            int from = gi * groupSize, to = from + groupSize;
            double s = 0;
            for (int j = from; j < to; j++) s += Math.abs(w[j]);
            float a = (float) (s / groupSize);
            scale[gi] = a;
            for (int j = from; j < to; j++) out[j] = Sign.of(w[j]) * a;
        }
        for (int o = 0; o < channelScale.length; o++) channelScale[o] = scale[perChannel ? o : 0];
    }

    @Override public float[] channelScales() { return channelScale; }

    @Override public void backward(float[] g) {
        float[] w = latent.value, gw = latent.grad;
        if (gradient == Gradient.STRAIGHT) {
            for (int j = 0; j < gw.length; j++) gw[j] += g[j];
            return;
        }
        if (gradient == Gradient.CLIPPED) {
            for (int j = 0; j < gw.length; j++) gw[j] += Sign.clippedSte(w[j], g[j]);
            return;
        }
        for (int gi = 0; gi < groups; gi++) {
            int from = gi * groupSize, to = from + groupSize;
            double dScale = 0;
            for (int j = from; j < to; j++) dScale += g[j] * Sign.of(w[j]);
            float a = scale[gi], d = (float) (dScale / groupSize);
            for (int j = from; j < to; j++) gw[j] += a * g[j] + d * Sign.absGrad(w[j]);
        }
    }

    /** The scales of the last forward (one per output channel, or one for the layer). */
    public float[] scales() { return scale.clone(); }

    public boolean perChannel() { return perChannel; }

    @Override public Param latent() { return latent; }

    @Override public String kind() { return perChannel ? "sign*mean|W|/channel" : "sign*mean|W|/layer"; }
}
