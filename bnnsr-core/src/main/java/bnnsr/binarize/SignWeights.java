package bnnsr.binarize;

import bnnsr.nn.Param;

/** BNN weights: Sign(W), no scale. Gradient: unclipped straight-through estimator (dL/dW = dL/dW^B). */
public final class SignWeights implements WeightBinarizer {
    private final Param latent;

    private final float[] ones;

    public SignWeights(Param latent) {
        this.latent = latent;
        this.ones = new float[latent.shape[0]];
        java.util.Arrays.fill(ones, 1f);
    }

    @Override public float[] channelScales() { return ones; }

    @Override public void forward(float[] out) {
        float[] w = latent.value;
        for (int j = 0; j < w.length; j++) out[j] = Sign.of(w[j]);
    }

    @Override public void backward(float[] g) {
        float[] gw = latent.grad;
        for (int j = 0; j < gw.length; j++) gw[j] += g[j];
    }

    @Override public Param latent() { return latent; }

    @Override public String kind() { return "sign"; }
}
