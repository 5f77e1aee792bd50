package bnnsr.engine.graph;

import bnnsr.engine.kernels.EngineKernels;
import bnnsr.tensor.Tensor;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * BAM's per-pixel statistics of the tensors of one forward, each computed once however many binary convs
 * accumulate that tensor (an LB's input feeds all three of its convs); buffers kept across forwards.
 */
final class MeanAbsCache {
    private final Map<String, Tensor> buffers = new HashMap<>();
    private final Set<String> fresh = new HashSet<>();

    void newPass() { fresh.clear(); }

    /** The map of tensor {@code name} (values {@code a}), computed now unless this pass has it already. */
    Tensor get(String name, Tensor a) {
        boolean known = has(name);
        Tensor e = buffer(name, a);
        if (!known) EngineKernels.meanAbs(a, e);
        return e;
    }

    boolean has(String name) { return fresh.contains(name); }

    /** The buffer of tensor {@code name}'s map, which the caller fills if not {@link #has} it yet this pass. */
    Tensor buffer(String name, Tensor a) {
        Tensor e = buffers.get(name);
        if (fresh.contains(name)) return e;
        e = Tensor.reuse(e, a.n, a.h, a.w, 1);
        buffers.put(name, e);
        fresh.add(name);
        return e;
    }
}
