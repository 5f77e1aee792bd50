package bnnsr.binarize;

import java.util.function.DoubleSupplier;

/** Central finite differences of a scalar function of some float values (changed in place, then restored). */
final class Fd {
    private Fd() {}

    static double at(float[] values, int i, double h, DoubleSupplier f) {
        float orig = values[i];
        values[i] = (float) (orig + h);
        double up = f.getAsDouble(), hUp = values[i] - (double) orig;
        values[i] = (float) (orig - h);
        double down = f.getAsDouble(), hDown = orig - (double) values[i];
        values[i] = orig;
        return (up - down) / (hUp + hDown);
    }

    static double[] all(float[] values, double h, DoubleSupplier f) {
        double[] g = new double[values.length];
        for (int i = 0; i < values.length; i++) g[i] = at(values, i, h, f);
        return g;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    static float[] random(int n, long seed, double lo, double hi) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return v;
    }

    /** Moves values out of (-margin, margin). */
    static float[] awayFromZero(float[] v, float margin) {
        for (int i = 0; i < v.length; i++) if (Math.abs(v[i]) < margin) v[i] = v[i] < 0 ? v[i] - margin : v[i] + margin;
        return v;
    }

    static void assertClose(double[] expected, float[] actual, double atol, double rtol, String what) {
        for (int i = 0; i < expected.length; i++) {
            double tol = atol + rtol * Math.abs(expected[i]);
            if (Math.abs(expected[i] - actual[i]) > tol)
                org.junit.jupiter.api.Assertions.fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
