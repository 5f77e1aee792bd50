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
