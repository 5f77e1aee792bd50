package bnnsr.binarize;

import bnnsr.tensor.Tensor;

/** Full-precision activations (Ma et al., BAM's W1/A32 mode): the input passes unchanged, so does the gradient. */
public final class FpActivations implements ActivationBinarizer {
    private Tensor x;

    @Override public Tensor forward(Tensor x, boolean training) { return this.x = x; }

    @Override public Tensor binarized() { return x; }

    @Override public Tensor backward(Tensor dxb, Tensor dScale) { return dxb; }

    @Override public boolean binary() { return false; }

    @Override public boolean needsCenteredInput() { return false; }

    @Override public String kind() { return "fp"; }
}
