package bnnsr.binarize;

import bnnsr.nn.Param;

import java.util.List;

/**
 * Turns one binary conv's latent full-precision weights (a {@link Param} of PyTorch shape [cout, cin, k, k], OIHW)
 * into the weights the convolution actually uses (binary signs, possibly times scales), and carries the gradient
 * back to the latent weights through a straight-through estimator.
 * <p>
 * An instance is bound to one conv's latent weights at construction. {@link #forward} is called once per conv
 * forward; {@link #backward} once per conv backward, after a forward with the same latent values.
 */
public interface WeightBinarizer {
    /** Fills {@code out} (OIHW, {@code latent.size()} floats) with the effective weights. */
    void forward(float[] out);

    /**
     * Given {@code g} = dL/d(effective weights) (OIHW), accumulates dL/d(latent) into the latent weights' grad,
     * and the gradients of this binarizer's own parameters into theirs (and, for BAM, of every latent weight
     * tensor of the accumulation group).
     */
    void backward(float[] g);

    /** The latent weights this binarizer reads. */
    Param latent();

    /** This binarizer's own trainable parameters (scales, gains, weight-BN affine), with full names. */
    default List<Param> params() { return List.of(); }

    /**
     * When the effective weights of the last {@link #forward} are Sign(...) times one scale per output channel: those
     * scales (length cout; read-only, valid until the next forward). Null otherwise (several bases, surrogates).
     */
    default float[] channelScales() { return null; }

    /** Number of binary weight tensors the conv needs at inference (ABC-Net: one per base). */
    default int bases() { return 1; }

    /** Short, stable name of the scheme, for metadata and reports. */
    String kind();
}
