package bnnsr.train;

import bnnsr.nn.Param;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam exactly as {@code torch.optim.Adam} (L2 weight decay added to the gradient, bias-corrected moments,
 * eps outside the square root), except that weight decay applies only to parameters marked {@link Param#decay}
 * (conv and linear weights), not to biases, BN affine or learned scales, as BasicSR-style trainings do in practice.
 */
public final class Adam {
    public record Settings(double beta1, double beta2, double eps, double weightDecay) {
        public Settings {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("Adam betas must be in [0, 1)");
            if (!(eps > 0)) throw new IllegalArgumentException("Adam eps must be > 0");
            if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0");
        }
    }

    private final Settings s;
    private final List<Param> params;
    private final Map<String, float[]> m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
    private long step;

    public Adam(List<Param> params, Settings settings) {
        this.params = List.copyOf(params);
        this.s = settings;
        for (Param p : params) {
            if (m.put(p.name, new float[p.size()]) != null) throw new IllegalArgumentException("parameter " + p.name + " listed twice");
            v.put(p.name, new float[p.size()]);
        }
    }

    public long stepCount() { return step; }

    /** First and second moments by parameter name (for checkpoints). */
    public Map<String, float[]> firstMoments() { return m; }

    public Map<String, float[]> secondMoments() { return v; }

    /** Restores the step count (moments are restored by writing into {@link #firstMoments()} and {@link #secondMoments()}). */
    public void setStepCount(long steps) { this.step = steps; }

    /** One update with learning rate {@code lr} from the accumulated gradients; gradients are zeroed after. */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(s.beta1(), step), bc2 = 1 - Math.pow(s.beta2(), step);
        float b1 = (float) s.beta1(), b2 = (float) s.beta2();
        float stepSize = (float) (lr / bc1), invSqrtBc2 = (float) (1 / Math.sqrt(bc2)), eps = (float) s.eps();
        for (Param p : params) {
            float wd = p.decay ? (float) s.weightDecay() : 0f;
            float[] w = p.value, g = p.grad, mm = m.get(p.name), vv = v.get(p.name);
            for (int i = 0; i < w.length; i++) {
                float gi = g[i] + wd * w[i];
                mm[i] = b1 * mm[i] + (1 - b1) * gi;
                vv[i] = b2 * vv[i] + (1 - b2) * gi * gi;
                w[i] -= stepSize * mm[i] / ((float) Math.sqrt(vv[i]) * invSqrtBc2 + eps);
            }
            p.zeroGrad();
        }
    }
}
