package bnnsr.nn;

import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks a layer's backward against central finite differences of L = sum(y * r) for a random r, with respect to
 * the input and every parameter element (all of them for small tensors, a random sample plus both ends otherwise).
 * <p>
 * The layers compute in float; L is summed in double, so outputs a perturbation does not touch cancel exactly and
 * the difference carries only the rounding of the outputs (estimated as 4 float epsilons times |y * r|_2 over h,
 * the absolute floor of the tolerance, which matters only for near-zero gradients). An element failing at h may
 * sit within h of a kink (ReLU, LeakyReLU, |x|): it passes if, at h / 8, the central difference or one of the
 * one-sided differences (the smooth side of the kink) agrees; a wrong gradient agrees with none. Also checks that backward ACCUMULATES parameter gradients (a second
 * backward doubles them) and leaves its input untouched.
 */
public final class GradCheck {
    private final Layer layer;
    private final boolean training;
    private double h = 1e-2, rtol = 2e-3;
    private int maxChecks = 150;
    private long seed = 1;

    private GradCheck(Layer layer, boolean training) { this.layer = layer; this.training = training; }

    public static GradCheck of(Layer layer, boolean training) { return new GradCheck(layer, training); }

    public GradCheck step(double h) { this.h = h; return this; }

    public GradCheck tolerance(double rtol) { this.rtol = rtol; return this; }

    public GradCheck maxChecks(int n) { this.maxChecks = n; return this; }

    public GradCheck seed(long s) { this.seed = s; return this; }

    /** Runs the check on input x (not modified in the end); fails the test with the worst offenders. */
    public void run(Tensor x) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (Param p : layer.params()) p.zeroGrad();
        Tensor y = layer.forward(x, training);
        float[] r = new float[y.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) (rnd.nextDouble() * 2 - 1);
        Tensor rt = new Tensor(y.n, y.h, y.w, y.c, r);
        float[] xBefore = x.copy().data;
        Tensor dx = layer.backward(rt).copy();
        List<float[]> once = new ArrayList<>();
        for (Param p : layer.params()) once.add(p.grad.clone());
        layer.backward(rt);
        List<String> failures = new ArrayList<>();
        List<Param> params = layer.params();
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            float[] twice = new float[p.size()];
            for (int i = 0; i < twice.length; i++) twice[i] = once.get(k)[i] * 2;
            assertArrayEquals(twice, p.grad, 1e-6f * (1 + maxAbs(twice)), p.name + ": backward must accumulate into grad");
        }
        assertArrayEquals(xBefore, x.data, "backward must not modify the forward input");
        if (!dx.hasShape(x.n, x.h, x.w, x.c)) fail("dx shape " + dx.shape() + " != x shape " + x.shape());

        // float rounding of the outputs, a random walk over them: ~4 float epsilons times |y * r|_2; divided by
        // the step it is the finite difference's noise floor, which matters only for near-zero gradients
        Tensor y0 = layer.forward(x, training);
        double norm = 0;
        for (int i = 0; i < r.length; i++) norm += Math.pow((double) y0.data[i] * r[i], 2);
        double noise = 4 * 6e-8 * Math.sqrt(norm);
        compare("input", x.data, x.size(), dx.data, noise, x, r, rnd, failures);
        for (int k = 0; k < params.size(); k++)
            compare(params.get(k).name, params.get(k).value, params.get(k).size(), once.get(k), noise, x, r, rnd, failures);
        if (!failures.isEmpty())
            fail(failures.size() + " gradient mismatches, first ones:\n  " + String.join("\n  ", failures.subList(0, Math.min(8, failures.size()))));
    }

    private void compare(String what, float[] values, int size, float[] analytic, double noise, Tensor x, float[] r,
                         SplittableRandom rnd, List<String> failures) {
        double rms = 0;
        for (int i = 0; i < size; i++) rms += (double) analytic[i] * analytic[i];
        rms = Math.sqrt(rms / size);
        for (int i : indices(size, rnd)) {
            double ana = analytic[i];
            double[] at = differences(values, i, h, x, r);
            if (close(at[0], ana, rtol * rms + noise / h)) continue;
            // a kink within h of the point: the smooth side's one-sided difference (or a much smaller step) agrees
            double[] near = differences(values, i, h / 8, x, r);
            double tol = rtol * rms + noise / (h / 8);
            if (close(near[0], ana, tol) || close(near[1], ana, 2 * tol) || close(near[2], ana, 2 * tol)) continue;
            failures.add(String.format("%s[%d]: analytic %.6g, numeric %.6g (h/8: central %.6g, forward %.6g, backward %.6g)",
                    what, i, ana, at[0], near[0], near[1], near[2]));
        }
    }

    private boolean close(double num, double ana, double atol) {
        return Math.abs(num - ana) <= atol + rtol * Math.max(Math.abs(num), Math.abs(ana));
    }

    /** Central, forward and backward differences of the objective in {@code values[i]} with step {@code step}. */
    private double[] differences(float[] values, int i, double step, Tensor x, float[] r) {
        float orig = values[i];
        double mid = objective(x, r);
        values[i] = (float) (orig + step);
        double up = objective(x, r), hUp = values[i] - (double) orig;
        values[i] = (float) (orig - step);
        double down = objective(x, r), hDown = orig - (double) values[i];
        values[i] = orig;
        return new double[] {(up - down) / (hUp + hDown), (up - mid) / hUp, (mid - down) / hDown};
    }

    private double objective(Tensor x, float[] r) {
        Tensor y = layer.forward(x, training);
        double s = 0;
        for (int i = 0; i < r.length; i++) s += (double) y.data[i] * r[i];
        return s;
    }

    private int[] indices(int size, SplittableRandom rnd) {
        if (size <= maxChecks) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) all[i] = i;
            return all;
        }
        int[] some = new int[maxChecks];
        some[0] = 0;
        some[1] = size - 1;
        for (int i = 2; i < maxChecks; i++) some[i] = rnd.nextInt(size);
        return some;
    }

    private static float maxAbs(float[] a) {
        float m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** A tensor of uniform values in [-1, 1). */
    public static Tensor random(int n, int h, int w, int c, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Tensor t = new Tensor(n, h, w, c);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) (rnd.nextDouble() * 2 - 1);
        return t;
    }

    /** Moves values out of (-margin, margin), so finite differences do not straddle a kink at 0. */
    public static Tensor awayFromZero(Tensor t, float margin) {
        for (int i = 0; i < t.size(); i++) {
            float v = t.data[i];
            if (Math.abs(v) < margin) t.data[i] = v < 0 ? v - margin : v + margin;
        }
        return t;
    }

    /** Fills a parameter with uniform values in [lo, hi). */
    public static void fill(Param p, double lo, double hi, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < p.size(); i++) p.value[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
    }
}
