package bnnsr.binarize;

import bnnsr.tensor.Tensor;

import java.util.EnumMap;
import java.util.Map;

/**
 * Per-thread scratch tensors for values that live only within one layer call (never returned to a caller, never
 * kept between calls): the binarized conv input (recomputed in backward from what the layer keeps anyway), the
 * conv's input gradient before the activation STE, the gradient after the sign. Sharing them across the binary
 * convs of a network saves three activation-sized buffers per conv, which bounds the memory of deep binary bodies
 * (BSRN has 120 binary convs).
 */
final class Scratch {
    enum Slot { BINARIZED, CONV_INPUT_GRAD, SIGN_GRAD }

    private static final ThreadLocal<Map<Slot, float[]>> ARRAYS = ThreadLocal.withInitial(() -> new EnumMap<>(Slot.class));

    private Scratch() {}

    /** A tensor of this shape over the thread's array for {@code slot} (grown when too small; contents undefined). */
    static Tensor get(Slot slot, int n, int h, int w, int c) {
        int size = Math.multiplyExact(Math.multiplyExact(n, h), Math.multiplyExact(w, c));
        Map<Slot, float[]> m = ARRAYS.get();
        float[] a = m.get(slot);
        if (a == null || a.length < size) {
            a = new float[size];
            m.put(slot, a);
        }
        return new Tensor(n, h, w, c, a);
    }

    static Tensor like(Slot slot, Tensor t) { return get(slot, t.n, t.h, t.w, t.c); }
}
