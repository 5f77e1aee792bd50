package bnnsr.nn;

import bnnsr.tensor.Tensor;

import java.util.List;

/**
 * A differentiable layer, llm.c style: {@code forward} caches what {@code backward} needs; {@code backward}
 * takes dL/d(output), accumulates dL/d(params) into {@link Param#grad} and returns dL/d(input).
 * Output and gradient buffers belong to the layer and are reused across calls of the same shape, so a caller
 * must consume (or copy) a returned tensor before calling the same layer again.
 */
public interface Layer {
    Tensor forward(Tensor x, boolean training);

    Tensor backward(Tensor dy);

    /** The parameters, in a stable order, with their full (prefixed) names. */
    default List<Param> params() { return List.of(); }

    /** Non-trainable state saved with the model (e.g. BN running statistics), as name -> tensor. */
    default List<Param> buffers() { return List.of(); }
}
