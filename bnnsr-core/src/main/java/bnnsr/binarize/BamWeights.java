package bnnsr.binarize;

import bnnsr.nn.Param;

import java.util.List;

/**
 * Member n of a {@link WeightAccumulation}: W_n^B = Sign(WS(sum_i a_i W_i)) * E(|W_n|).
 * Gradient: an unclipped STE through the sign; exact through the scale E(|W_n|), the standardisation
 * (with its affine) and the accumulation (to every W_i and a_i of the group).
 */
public final class BamWeights implements WeightBinarizer {
    private final WeightAccumulation group;
    private final int index, cout, cols;
    private final WeightStandardization standardization;
    private final float[] acc, std, scale, dStd, dAcc;

    BamWeights(WeightAccumulation group, int index, String convName) {
        this.group = group;
        this.index = index;
        Param w = group.latent(index);
        this.cout = w.shape[0];
        this.cols = w.size() / cout;
        this.standardization = new WeightStandardization(convName + ".weight_bn", cout, cols, group.options().weightBnAffine());
        this.acc = new float[w.size()];
        this.std = new float[w.size()];
        this.dStd = new float[w.size()];
        this.dAcc = new float[w.size()];
        this.scale = new float[cout];
    }

    @Override public void forward(float[] out) {
        java.util.Arrays.fill(acc, 0f);
        for (int i = group.first(index); i <= index; i++) {
            float a = group.alpha(i);
            float[] wi = group.latent(i).value;
            for (int j = 0; j < acc.length; j++) acc[j] += a * wi[j];
        }
        standardization.forward(acc, std);
        float[] w = latent().value;
        for (int o = 0; o < cout; o++) {
            double s = 0;
            for (int j = o * cols; j < (o + 1) * cols; j++) s += Math.abs(w[j]);
            scale[o] = (float) (s / cols);
            for (int j = o * cols; j < (o + 1) * cols; j++) out[j] = sign(std[j]) * scale[o];
        }
    }

    @Override public void backward(float[] g) {
        float[] w = latent().value, gw = latent().grad;
        for (int o = 0; o < cout; o++) {
            double dScale = 0;
            for (int j = o * cols; j < (o + 1) * cols; j++) {
                dScale += g[j] * sign(std[j]);
                dStd[j] = g[j] * scale[o];
            }
            float d = (float) (dScale / cols);
            for (int j = o * cols; j < (o + 1) * cols; j++) gw[j] += d * Sign.absGrad(w[j]);
        }
        standardization.backward(dStd, dAcc);
        for (int i = group.first(index); i <= index; i++) {
            Param pi = group.latent(i);
            float a = group.alpha(i);
            double da = 0;
            for (int j = 0; j < dAcc.length; j++) {
                pi.grad[j] += a * dAcc[j];
                da += dAcc[j] * pi.value[j];
            }
            group.addAlphaGrad(i, (float) da);
        }
    }

    /** E(|W_n|) per output channel; none for the gradient-check surrogate, whose "signs" are not +-1. */
    @Override public float[] channelScales() { return group.surrogate() ? null : scale; }

    private float sign(float v) { return group.surrogate() ? v : Sign.of(v); }

    /** The per-output-channel scales E(|W_n|) of the last forward. */
    public float[] scales() { return scale.clone(); }

    /** The standardised accumulation (before its affine) of the last forward. */
    public float[] standardized() { return standardization.standardized().clone(); }

    public int index() { return index; }

    public WeightAccumulation group() { return group; }

    @Override public Param latent() { return group.latent(index); }

    /** The weight standardisation's affine (the group's a_i are listed by the group). */
    @Override public List<Param> params() { return standardization.params(); }

    @Override public String kind() { return "bam"; }
}
