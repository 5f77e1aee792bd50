package bnnsr.train;

import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;
import bnnsr.io.SafeTensorsWriter;
import bnnsr.io.TensorEntry;
import bnnsr.nn.Param;
import bnnsr.tensor.Parallel;

import java.util.List;

/**
 * torch.optim.Adam (non-AMSGrad), with the same float32 operation order so results track PyTorch's to rounding:
 * <pre>
 *   g = grad + wd * p                       (L2 form: decay added to the gradient, NOT AdamW's decoupled decay)
 *   m = b1 * m + (1 - b1) * g;   v = b2 * v + (1 - b2) * g * g
 *   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * Weight decay applies only to parameters whose {@link Param#decay} is set (weights, not biases), as PyTorch does
 * with two parameter groups. The moments and step count save into checkpoints as {@code optimizer.exp_avg.NAME},
 * {@code optimizer.exp_avg_sq.NAME} and {@code optimizer.step}.
 */
public final class Adam {
    public static final String PREFIX = bnnsr.arch.Model.OPTIMIZER_PREFIX;

    public final double beta1, beta2, eps, weightDecay;
    private final List<Param> params;
    private final float[][] m, v;
    private long step;

    public Adam(List<Param> params, double beta1, double beta2, double eps, double weightDecay) {
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) throw new IllegalArgumentException("Adam betas must be in [0, 1)");
        if (eps < 0 || weightDecay < 0) throw new IllegalArgumentException("Adam eps and weight decay must be >= 0");
        this.params = List.copyOf(params);
        this.beta1 = beta1; this.beta2 = beta2; this.eps = eps; this.weightDecay = weightDecay;
        m = new float[this.params.size()][];
        v = new float[this.params.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[this.params.get(i).size()];
            v[i] = new float[this.params.get(i).size()];
        }
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Param> params) { this(params, 0.9, 0.999, 1e-8, 0); }

    /** Steps taken so far (PyTorch's {@code state['step']}). */
    public long steps() { return step; }

    public void zeroGrad() { for (Param p : params) p.zeroGrad(); }

    /** One update of every parameter from its accumulated gradient, at learning rate {@code lr}. */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(beta1, step), bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        float stepSize = (float) (lr / bc1), b1 = (float) beta1, b2 = (float) beta2;
        float c1 = (float) (1 - beta1), c2 = (float) (1 - beta2), e = (float) eps, bc2 = (float) bc2Sqrt;
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            float wd = p.decay ? (float) weightDecay : 0f;
            float[] w = p.value, g = p.grad, mk = m[k], vk = v[k];
            Parallel.forRange(p.size(), p.size() < (1 << 15) ? 1 : Parallel.threads(), (a, b) -> {
                for (int i = a; i < b; i++) {
                    float gi = wd == 0f ? g[i] : g[i] + wd * w[i];
                    mk[i] = mk[i] * b1 + c1 * gi;
                    vk[i] = vk[i] * b2 + c2 * gi * gi;
                    float denom = (float) Math.sqrt(vk[i]) / bc2 + e;
                    w[i] -= stepSize * (mk[i] / denom);
                }
            });
        }
    }

    /** Adds the optimizer state to a checkpoint writer. */
    public SafeTensorsWriter addTo(SafeTensorsWriter w) {
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            w.putF32(PREFIX + "exp_avg." + p.name, p.shape, m[k]);
            w.putF32(PREFIX + "exp_avg_sq." + p.name, p.shape, v[k]);
        }
        return w.putI64(PREFIX + "step", new int[0], new long[] {step});
    }

    /** Restores the state written by {@link #addTo}; every moment must be present with its parameter's shape. */
    public void load(SafeTensors st) throws SafeTensorsException {
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            copy(st, PREFIX + "exp_avg." + p.name, p, m[k]);
            copy(st, PREFIX + "exp_avg_sq." + p.name, p, v[k]);
        }
        step = st.longs(PREFIX + "step")[0];
    }

    private static void copy(SafeTensors st, String name, Param p, float[] into) throws SafeTensorsException {
        TensorEntry e = st.entry(name);
        if (e.elements() != p.size())
            throw new SafeTensorsException(name + ": " + e.describe() + " does not fit parameter of " + p.size() + " elements");
        System.arraycopy(st.floats(name), 0, into, 0, into.length);
    }
}
