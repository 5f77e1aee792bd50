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
    private final List<BinaryGroup> groups;
    private final List<WeightAccumulation> weightGroups;

    public GroupOwner(Layer body, List<BinaryGroup> groups, List<WeightAccumulation> weightGroups) {
        this.body = body;
        this.groups = List.copyOf(groups);
        this.weightGroups = weightGroups.stream().filter(java.util.Objects::nonNull).toList();
    }

    public GroupOwner(Layer body, BinaryGroup... groups) { this(body, List.of(groups), List.of()); }

    public Layer body() { return body; }

    @Override public Tensor forward(Tensor x, boolean training) { return body.forward(x, training); }

    @Override public Tensor backward(Tensor dy) { return body.backward(dy); }

    @Override public List<Param> params() {
        List<Param> p = new ArrayList<>(body.params());
        for (BinaryGroup g : groups) p.addAll(g.params());
        for (WeightAccumulation g : weightGroups) p.addAll(g.params());
        return p;
    }

    @Override public List<Param> buffers() { return body.buffers(); }
}
