package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

/** Element-wise tensor arithmetic shared by the composite layers (multithreaded for large tensors). */
public final class Elementwise {
    private Elementwise() {}

    /** out = a + s * b (out may be a or b). */
    public static void addScaled(Tensor a, float s, Tensor b, Tensor out) {
        requireSame(a, b);
        requireSame(a, out);
        float[] x = a.data, y = b.data, o = out.data;
        if (s == 1f) Chunks.elements(a.size(), (i0, i1) -> { for (int i = i0; i < i1; i++) o[i] = x[i] + y[i]; });
        else Chunks.elements(a.size(), (i0, i1) -> { for (int i = i0; i < i1; i++) o[i] = x[i] + s * y[i]; });
    }

    /** out = a + b (out may be a or b). */
    public static void add(Tensor a, Tensor b, Tensor out) { addScaled(a, 1f, b, out); }

    /** out = s * a (out may be a). */
    public static void scale(Tensor a, float s, Tensor out) {
        requireSame(a, out);
        float[] x = a.data, o = out.data;
        Chunks.elements(a.size(), (i0, i1) -> { for (int i = i0; i < i1; i++) o[i] = s * x[i]; });
    }

    private static void requireSame(Tensor a, Tensor b) {
        if (!a.sameShape(b)) throw new IllegalArgumentException("shape mismatch " + a.shape() + " vs " + b.shape());
    }
}
