package bnnsr.binarize;

import bnnsr.nn.Param;

import java.util.List;

/**
 * Ma et al. 2019: Sign(W) times a learnable gain per output filter, initialised to that filter's mean |W|.
 * Gradient: unclipped STE to W (times the gain), exact to the gain.
 */
public final class GainWeights implements WeightBinarizer {
    private final Param latent, gain;
    private final int groupSize;

    public GainWeights(Param latent, String convName) {
        this.latent = latent;
        int cout = latent.shape[0];
        this.gain = new Param(convName + ".gain", new int[] {cout}, false);
        this.groupSize = latent.size() / cout;
        for (int o = 0; o < cout; o++) {
            double s = 0;
            for (int j = o * groupSize; j < (o + 1) * groupSize; j++) s += Math.abs(latent.value[j]);
            gain.value[o] = (float) (s / groupSize);
        }
    }

    @Override public void forward(float[] out) {
        float[] w = latent.value;
        for (int j = 0; j < w.length; j++) out[j] = Sign.of(w[j]) * gain.value[j / groupSize];
    }

    @Override public void backward(float[] g) {
        float[] w = latent.value, gw = latent.grad;
        for (int j = 0; j < w.length; j++) {
            int o = j / groupSize;
            gw[j] += gain.value[o] * g[j];
            gain.grad[o] += g[j] * Sign.of(w[j]);
        }
    }

    @Override public float[] channelScales() { return gain.value; }

    public Param gain() { return gain; }

    @Override public Param latent() { return latent; }

    @Override public List<Param> params() { return List.of(gain); }

    @Override public String kind() { return "sign*gain"; }
}
