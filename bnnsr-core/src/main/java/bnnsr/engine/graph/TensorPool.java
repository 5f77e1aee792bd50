package bnnsr.engine.graph;

import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Float buffers handed out as tensors and taken back when their last reader is done, so a graph's memory is its
 * largest live set instead of the sum of all its tensors. A buffer is reused for any tensor that fits (the
 * smallest free one that does); tensors the pool did not make are ignored when given back. Not thread-safe: one
 * per network instance.
 */
final class TensorPool {
    private final List<float[]> free = new ArrayList<>();
    private final Set<float[]> lent = Collections.newSetFromMap(new IdentityHashMap<>());

    /** A tensor of this shape on a free buffer (contents undefined). */
    Tensor take(int n, int h, int w, int c) {
        long size = (long) n * h * w * c;
        int best = -1;
        for (int i = 0; i < free.size(); i++)
            if (free.get(i).length >= size && (best < 0 || free.get(i).length < free.get(best).length)) best = i;
        float[] data;
        if (best >= 0) {
            data = free.remove(best);
        } else {
            Tensor t = new Tensor(n, h, w, c);
            data = t.data;
        }
        lent.add(data);
        return new Tensor(n, h, w, c, data);
    }

    /** Takes back a tensor's buffer (ignored when this pool did not lend it, or has it back already). */
    void give(Tensor t) {
        if (lent.remove(t.data)) free.add(t.data);
    }

    /** Takes back everything lent (a new forward begins; earlier results become invalid). */
    void releaseAll() {
        free.addAll(lent);
        lent.clear();
    }

    /** Bytes held, free and lent (memory tests). */
    long bytes() {
        long b = 0;
        for (float[] f : free) b += 4L * f.length;
        for (float[] f : lent) b += 4L * f.length;
        return b;
    }
}
