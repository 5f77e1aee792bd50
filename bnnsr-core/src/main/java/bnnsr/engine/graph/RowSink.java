package bnnsr.engine.graph;

import bnnsr.tensor.Tensor;

/**
 * Receives a streamed network output a band of rows at a time: image rows [from, to) are rows
 * [from - slabRow0, to - slabRow0) of {@code slab} (valid only during the call: copy what you keep).
 */
@FunctionalInterface
public interface RowSink {
    void rows(Tensor slab, int slabRow0, int from, int to);
}
