package bnnsr.tensor;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The vector elementwise kernels equal their plain loops exactly, at every length and offset (tails included). */
class VectorMathTest {
    private final Random rnd = new Random(9);

    @Test void accumulateAddsIntoTheDestination() {
        forShapes((n, s, d) -> {
            float[] src = random(n + s), dst = random(n + d), want = dst.clone();
            for (int i = 0; i < n; i++) want[d + i] += src[s + i];
            VectorMath.accumulate(src, s, dst, d, n);
            assertArrayEquals(want, dst);
        });
    }

    @Test void axpyIsOneFusedMultiplyAddPerElement() {
        forShapes((n, s, d) -> {
            float a = rnd.nextFloat() * 4 - 2;
            float[] x = random(n + s), y = random(n + d), want = y.clone();
            for (int i = 0; i < n; i++) want[d + i] = Math.fma(x[s + i], a, want[d + i]);
            VectorMath.axpy(a, x, s, y, d, n);
            assertArrayEquals(want, y);
        });
    }

    @Test void addWritesTheSum() {
        forShapes((n, s, d) -> {
            float[] a = random(n + s), b = random(n + d), out = random(n + s + d), want = out.clone();
            for (int i = 0; i < n; i++) want[s + d + i] = a[s + i] + b[d + i];
            VectorMath.add(a, s, b, d, out, s + d, n);
            assertArrayEquals(want, out);
        });
    }

    @Test void addMayWriteOverAnOperand() {
        float[] a = random(37), b = random(37), want = new float[37];
        for (int i = 0; i < 37; i++) want[i] = a[i] + b[i];
        VectorMath.add(a, 0, b, 0, a, 0, 37);
        assertArrayEquals(want, a);
    }

    @Test void scaleMultipliesInPlace() {
        forShapes((n, s, d) -> {
            float a = rnd.nextFloat() * 4 - 2;
            float[] x = random(n + s), want = x.clone();
            for (int i = 0; i < n; i++) want[s + i] *= a;
            VectorMath.scale(x, s, a, n);
            assertArrayEquals(want, x);
        });
    }

    @Test void reluBackwardPassesTheGradientWherePositive() {
        forShapes((n, s, d) -> {
            float[] x = random(n + s), g = random(n + d), out = random(n + s + d), want = out.clone();
            if (n > 3) { x[s] = 0f; x[s + 1] = -0f; x[s + 2] = Float.NaN; x[s + 3] = Float.MIN_VALUE; }
            for (int i = 0; i < n; i++) want[s + d + i] = x[s + i] > 0 ? g[d + i] : 0f;
            VectorMath.reluBackward(x, s, g, d, out, s + d, n);
            assertArrayEquals(want, out);
        });
    }

    @Test void dotIsCloseToTheDoubleSumAndRepeatable() {
        forShapes((n, s, d) -> {
            float[] a = random(n + s), b = random(n + d);
            double exact = 0, size = 0;
            for (int i = 0; i < n; i++) { exact += (double) a[s + i] * b[d + i]; size += Math.abs((double) a[s + i] * b[d + i]); }
            double got = VectorMath.dot(a, s, b, d, n);
            org.junit.jupiter.api.Assertions.assertEquals(exact, got, 1e-6 * (1 + size));
            org.junit.jupiter.api.Assertions.assertEquals(got, VectorMath.dot(a.clone(), s, b.clone(), d, n));
        });
    }

    @Test void scaledPlusSignumMatchesThePlainLoop() {
        for (boolean add : new boolean[] {false, true})
            forShapes((n, s, d) -> {
                float p = rnd.nextFloat() * 4 - 2, q = rnd.nextFloat() * 4 - 2;
                float[] g = random(n + d), a = random(n + s), out = random(n + s + d), want = out.clone();
                if (n > 2) { a[s] = 0f; a[s + 1] = -0f; }
                for (int i = 0; i < n; i++) {
                    float v = p * g[d + i] + q * Math.signum(a[s + i]);
                    want[s + d + i] = add ? want[s + d + i] + v : v;
                }
                VectorMath.scaledPlusSignum(p, g, d, q, a, s, out, s + d, n, add);
                assertArrayEquals(want, out);
            });
    }

    @Test void positiveOrScaledIsLeakyReluBothWays() {
        forShapes((n, s, d) -> {
            float slope = 0.1f;
            float[] x = random(n + s), g = random(n + d), out = random(n + s + d), want = out.clone();
            if (n > 3) { x[s] = 0f; x[s + 1] = -0f; x[s + 2] = Float.NaN; x[s + 3] = -Float.MIN_VALUE; }
            for (int i = 0; i < n; i++) want[s + d + i] = x[s + i] > 0 ? g[d + i] : g[d + i] * slope;
            VectorMath.positiveOrScaled(x, s, g, d, slope, out, s + d, n);
            assertArrayEquals(want, out);
        });
    }

    @Test void channelSumsAreOnePassPerChannelSums() {
        for (int c : new int[] {1, 5, 16, 48, 70}) {
            int pixels = 200;
            float[] g = random(pixels * c);
            double[] part = new double[3 + c];
            VectorMath.channelSums(g, c, 7, 190, new float[c + 1], 1, part, 3);
            for (int ch = 0; ch < c; ch++) {
                double want = 0;
                for (int p = 7; p < 190; p++) want += g[p * c + ch];
                org.junit.jupiter.api.Assertions.assertEquals(want, part[3 + ch], 1e-5, "c = " + c);
            }
        }
    }

    @Test void approxSignBackwardMatchesBiRealsDerivative() {
        for (int c : new int[] {1, 16, 48, 70}) {
            int pixels = 9;
            float[] x = new float[pixels * c], b = random(c), g = random(pixels * c), out = new float[pixels * c], want = new float[pixels * c];
            for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat() * 3 - 1.5f;
            x[0] = -1 - b[0];
            if (c > 2) { x[1] = 1 - b[1]; x[2] = Float.NaN; }
            for (int p = 0; p < pixels; p++)
                for (int ch = 0; ch < c; ch++) {
                    int i = p * c + ch;
                    float v = x[i] + b[ch];
                    float d = v < -1f || v >= 1f || Float.isNaN(v) ? 0f : v < 0f ? 2f + 2f * v : 2f - 2f * v;
                    want[i] = g[i] * d;
                }
            VectorMath.approxSignBackward(x, b, g, out, c, 0, pixels);
            assertArrayEquals(want, out, "c = " + c);
        }
    }

    private interface Case { void run(int n, int srcOff, int dstOff); }

    private static void forShapes(Case c) {
        for (int n = 0; n <= 70; n++)
            for (int[] off : new int[][] {{0, 0}, {3, 0}, {0, 5}, {17, 33}}) c.run(n, off[0], off[1]);
    }

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }
}
