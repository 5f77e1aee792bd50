package bnnsr.binarize;

import bnnsr.tensor.Chunks;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import bnnsr.tensor.VectorMath;

import java.util.Arrays;
import java.util.List;

/**
 * A BAM activation-accumulation group (paper Eq. 9-10): n binary convs whose inputs A_1..A_n (full precision,
 * same shape) are accumulated as S_n = b_1 A_1 + ... + b_n A_n before member n's BN and sign, with
 * b_i = s_i E(A_i): E a per-pixel statistic along channels (mean |A| by default) and s_i learned scalars
 * ({@code <name>.s}, shape [n], initialised to 1, shared by all members).
 * <p>
 * <b>The graph.</b> A_i is member i's own input tensor, kept by reference (not copied) from member i's forward
 * until the group's backward is done, so the layers that produce A_i must not overwrite it in between (the
 * {@link bnnsr.nn.Layer} contract: a layer's output lives until that layer runs again). Member n's backward
 * computes dL/dA_i for every i it accumulated: its own share is returned as usual, the shares of earlier
 * members i < n are parked in the group and added to what member i's backward returns. Since A_i is exactly
 * member i's input, the layer upstream of member i then receives the full dL/dA_i (all later members' uses
 * included) with no extra wiring: in a residual block conv1 -> ReLU -> conv2, conv1's backward returns
 * conv1's own path plus conv2's use of the block input, and the block adds its skip. Members must run forward in
 * order 0..n-1 (checked) and backward in reverse order, as any sequential graph does.
 */
public final class ActivationAccumulation {
    private final String name;
    private final int size;
    private final BamOptions options;
    private final Param s;
    private final Tensor[] inputs, stats, pending;
    private final boolean[] hasPending;
    private final long[] generation;
    private long current;
    /** The member recorded last in the current pass. */
    private int last = -1;
    private int joined;
    private boolean surrogate;

    public ActivationAccumulation(String name, int size, BamOptions options) {
        if (size < 1) throw new IllegalArgumentException("group size must be >= 1");
        this.name = name;
        this.size = size;
        this.options = options;
        if (options.learnedBeta()) {
            s = new Param(name + ".s", new int[] {size}, false);
            Arrays.fill(s.value, 1f);
        } else {
            s = null;
        }
        inputs = new Tensor[size];
        stats = new Tensor[size];
        pending = new Tensor[size];
        hasPending = new boolean[size];
        generation = new long[size];
        Arrays.fill(generation, -1);
    }

    /** Adds the next member (in inference order); {@code bn} is its BatchNorm2d over the accumulated activation. */
    public BamActivations join(bnnsr.nn.Layer bn) {
        if (joined == size) throw new IllegalStateException("group " + name + " already has " + size + " members");
        return new BamActivations(this, joined++, bn);
    }

    public String name() { return name; }

    public int size() { return size; }

    public BamOptions options() { return options; }

    public List<Param> params() { return s == null ? List.of() : List.of(s); }

    /**
     * For gradient checks only: replaces the Sign by hardtanh = clip(x, -1, 1), the primitive of its clipped STE,
     * so the STE-defined backward becomes the exact gradient of the forward and finite differences can check it.
     */
    void smoothSurrogate(boolean on) { surrogate = on; }

    boolean surrogate() { return surrogate; }

    private int first(int n) { return options.activationAccumulation() ? 0 : n; }

    /** Records member i's input for this pass (member 0 starts a new pass) and computes its statistic map. */
    void record(int i, Tensor x) {
        if (i == 0) {
            current++;
            Arrays.fill(hasPending, false);
        } else {
            if (last != i - 1 || generation[i - 1] != current)
                throw new IllegalStateException(name + ": member " + i + " ran without member " + (i - 1) + " just before it");
            for (int j = first(i); j < i; j++)
                if (!inputs[j].sameShape(x))
                    throw new IllegalArgumentException(name + ": member inputs differ in shape, " + inputs[j].shape() + " vs " + x.shape());
        }
        last = i;
        generation[i] = current;
        inputs[i] = x;
        if (s == null) return;
        Tensor e = stats[i] = Tensor.reuse(stats[i], x.n, x.h, x.w, 1);
        boolean abs = options.statistic() == BamOptions.Statistic.MEAN_ABS;
        int c = x.c;
        float[] xs = x.data, es = e.data;
        Chunks.range(x.n * x.h * x.w, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                double sum = 0;
                for (int j = p * c, end = j + c; j < end; j++) sum += abs ? Math.abs(xs[j]) : xs[j];
                es[p] = (float) (sum / c);
            }
        });
    }

    /** out = sum over the accumulated members i of b_i (.) A_i, b_i = s_i E(A_i) or 1. */
    void accumulate(int n, Tensor out) {
        int c = out.c, from = first(n);
        float[] o = out.data;
        Chunks.range(out.n * out.h * out.w, (p0, p1) -> {
            java.util.Arrays.fill(o, p0 * c, p1 * c, 0f);
            for (int i = from; i <= n; i++) {
                float[] a = inputs[i].data;
                float si = s == null ? 1f : s.value[i];
                float[] e = s == null ? null : stats[i].data;
                for (int p = p0; p < p1; p++) {
                    float b = e == null ? 1f : si * e[p];
                    for (int j = p * c, end = j + c; j < end; j++) o[j] += b * a[j];
                }
            }
        });
    }

    /**
     * Given dS = dL/dS_n, writes member n's dL/dA_n into {@code dx} (plus what later members parked for it) and
     * parks dL/dA_i for the earlier members; accumulates dL/ds_i.
     */
    void backprop(int n, Tensor dS, Tensor dx) {
        for (int i = first(n); i <= n; i++) {
            Tensor target;
            boolean add;
            if (i == n) {
                target = dx;
                add = false;
            } else {
                pending[i] = Tensor.reuse(pending[i], dS.n, dS.h, dS.w, dS.c);
                target = pending[i];
                add = hasPending[i];
                hasPending[i] = true;
            }
            inputGradient(i, dS, target, add);
        }
        if (hasPending[n]) {
            float[] p = pending[n].data, d = dx.data;
            Chunks.range(dx.size(), (a, b) -> { for (int j = a; j < b; j++) d[j] += p[j]; });
            hasPending[n] = false;
        }
    }

    /**
     * dL/dA_i of S = ... + s_i E(A_i) (.) A_i: s_i E_i dS + s_i (sum_c dS A_i) dE/dA_i, written or added to t;
     * also dL/ds_i = sum dS E_i A_i.
     */
    private void inputGradient(int i, Tensor dS, Tensor t, boolean add) {
        float[] g = dS.data, out = t.data;
        if (s == null) {
            Chunks.range(t.size(), (a, b) -> { for (int j = a; j < b; j++) out[j] = (add ? out[j] : 0f) + g[j]; });
            return;
        }
        boolean abs = options.statistic() == BamOptions.Statistic.MEAN_ABS;
        float si = s.value[i];
        float[] a = inputs[i].data, e = stats[i].data;
        int c = dS.c;
        double ds = Chunks.sum(dS.n * dS.h * dS.w, (p0, p1) -> {
            double partial = 0;
            for (int p = p0; p < p1; p++) {
                int j0 = p * c;
                double dotA = VectorMath.dot(g, j0, a, j0, c);
                partial += dotA * e[p];
                float viaMap = (float) (si * dotA / c), direct = si * e[p];
                if (abs) {
                    // vectorised: as plain loops the double dot and the sign branch were 13% of a bsrn step
                    VectorMath.scaledPlusSignum(direct, g, j0, viaMap, a, j0, out, j0, c, add);
                } else {
                    for (int j = j0, end = j0 + c; j < end; j++) {
                        float v = direct * g[j] + viaMap;
                        out[j] = add ? out[j] + v : v;
                    }
                }
            }
            return partial;
        });
        s.grad[i] += (float) ds;
    }
}
