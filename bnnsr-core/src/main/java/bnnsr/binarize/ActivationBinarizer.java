package bnnsr.binarize;

import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;

import java.util.List;

/**
 * Turns a binary conv's full-precision input A (NHWC) into what the convolution multiplies with its weights
 * (signs, {0,1} levels, or A itself for the weights-only schemes), and carries the gradient back.
 * <p>
 * Buffers are owned by the binarizer and reused (the {@link bnnsr.nn.Layer} contract): a returned tensor is valid
 * until the next call of the same method. The input tensor must stay unchanged until {@link #backward} returns.
 */
public interface ActivationBinarizer {
    /**
     * The binarized input of x. It may live in a per-thread scratch buffer shared by all binary convs: consume it
     * before the next binary layer runs, and get it again for the backward with {@link #binarized()}.
     */
    Tensor forward(Tensor x, boolean training);

    /** The binarized input of the last forward, recomputed (same values, same scratch rule as {@link #forward}). */
    Tensor binarized();

    /**
     * dL/d(binarized input) -> dL/d(input). {@code dScale} is dL/d({@link #outputScale()}) when the binarizer has
     * an output scale map, else null.
     */
    Tensor backward(Tensor dxb, Tensor dScale);

    /**
     * A per-pixel map [n, h, w, 1] that multiplies the conv output (XNOR-Net's K = box-filtered mean |A|), valid
     * after {@link #forward}; null when the scheme has none.
     */
    default Tensor outputScale() { return null; }

    default List<Param> params() { return List.of(); }

    default List<Param> buffers() { return List.of(); }

    /** True when the conv's input takes two values only, so its MACs are XNOR/popcount work. */
    boolean binary();

    /**
     * True when the scheme thresholds its input at zero without re-centring it first (BNN, XNOR, ABC): then
     * Sign(ReLU(x)) = +1 everywhere (Sign(0) = +1), so a backbone must not feed it from a ReLU.
     */
    boolean needsCenteredInput();

    String kind();
}
