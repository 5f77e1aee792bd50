package bnnsr.nn;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** BatchNorm2d's vectorised backward loops against their plain twins, for channel counts with and without tails. */
class BackwardSumsTest {
    private final Random rnd = new Random(3);

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    @Test void dxEqualsThePlainLoopExactly() {
        for (int c : new int[] {1, 3, 16, 48, 64, 70}) {
            int pixels = 37;
            float[] g = random(pixels * c), x = random(pixels * c), mu = random(c), is = random(c), gs = random(c),
                    mdy = random(c), mdx = random(c), out = new float[pixels * c], want = new float[pixels * c];
            for (int p = 0; p < pixels; p++)
                for (int ch = 0; ch < c; ch++) {
                    int i = p * c + ch;
                    float xhat = (x[i] - mu[ch]) * is[ch];
                    want[i] = gs[ch] * (g[i] - mdy[ch] - xhat * mdx[ch]);
                }
            BackwardSums.dx(g, x, out, c, 0, pixels, mu, is, gs, mdy, mdx);
            assertArrayEquals(want, out, "c = " + c);
        }
    }

    @Test void sumsMatchDoubleSumsOverPartialRanges() {
        for (int c : new int[] {1, 16, 48, 70}) {
            int pixels = 300, p0 = 7, p1 = 251;                          // several blocks, the last one partial
            float[] g = random(pixels * c), x = random(pixels * c), mu = random(c);
            double[] part = new double[5 + 2 * c];
            java.util.Arrays.fill(part, 99);                             // overwritten, not added to
            BackwardSums.run(g, x, mu, c, p0, p1, new float[3 + 2 * c], 3, part, 5);
            for (int ch = 0; ch < c; ch++) {
                double sg = 0, sgx = 0;
                for (int p = p0; p < p1; p++) { sg += g[p * c + ch]; sgx += (double) g[p * c + ch] * (x[p * c + ch] - mu[ch]); }
                assertEquals(sg, part[5 + ch], 1e-5, "sum g, c = " + c);
                assertEquals(sgx, part[5 + c + ch], 1e-5, "sum g (x - mu), c = " + c);
            }
        }
    }
}
