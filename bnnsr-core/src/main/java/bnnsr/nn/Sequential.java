package bnnsr.nn;

import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Layers applied in order; backward runs them in reverse. */
public final class Sequential implements Layer {
    private final List<Layer> layers;

    public Sequential(List<? extends Layer> layers) { this.layers = List.copyOf(layers); }

    public Sequential(Layer... layers) { this(List.of(layers)); }

    public List<Layer> layers() { return layers; }

    @Override public Tensor forward(Tensor x, boolean training) {
        for (Layer l : layers) x = l.forward(x, training);
        return x;
    }

    @Override public Tensor backward(Tensor dy) {
        for (int i = layers.size() - 1; i >= 0; i--) dy = layers.get(i).backward(dy);
        return dy;
    }

    @Override public List<Param> params() {
        List<Param> ps = new ArrayList<>();
        for (Layer l : layers) ps.addAll(l.params());
        return ps;
    }

    @Override public List<Param> buffers() {
        List<Param> bs = new ArrayList<>();
        for (Layer l : layers) bs.addAll(l.buffers());
        return bs;
    }
}
