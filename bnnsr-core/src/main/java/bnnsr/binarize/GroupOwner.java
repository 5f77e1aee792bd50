package bnnsr.binarize;

import bnnsr.nn.Layer;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The layer that owns accumulation groups: runs its body and lists the groups' own parameters (a_i, s_i) after
 * the body's, so each appears exactly once in the model's state dict.
 */
public final class GroupOwner implements Layer {
    private final Layer body;
    private final List<Param> groupParams;

    /** {@code groupParams}: the owned groups' {@code params()} (fixed when the groups are made). */
    public GroupOwner(Layer body, List<Param> groupParams) {
        this.body = body;
        this.groupParams = List.copyOf(groupParams);
    }

    public GroupOwner(Layer body, BinaryGroup group) { this(body, group.params()); }

    public Layer body() { return body; }

    @Override public Tensor forward(Tensor x, boolean training) { return body.forward(x, training); }

    @Override public Tensor backward(Tensor dy) { return body.backward(dy); }

    @Override public List<Param> params() {
        List<Param> p = new ArrayList<>(body.params());
        p.addAll(groupParams);
        return p;
    }

    @Override public List<Param> buffers() { return body.buffers(); }
}
