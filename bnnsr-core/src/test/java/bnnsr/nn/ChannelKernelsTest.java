package bnnsr.nn;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vectorised RPReLU and BatchNorm backward loops against their plain twins, for channel counts with and without a tail. */
class ChannelKernelsTest {
    private final Random rnd = new Random(5);

    private float[] random(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    @Test void rpreluForwardAndBackwardMatchThePlainLoops() {
        for (int c : new int[] {1, 3, 16, 48, 64, 70}) {
            int pixels = 150, p0 = 5, p1 = 141;                         // several blocks, the last partial
            float[] in = random(pixels * c), g = random(pixels * c), s1 = random(c), a = random(c), s2 = random(c);
            in[p0 * c] = -s1[0];                                         // t = 0 exactly: the negative side
            float[] y = new float[pixels * c], wantY = new float[pixels * c], dx = new float[pixels * c], wantDx = new float[pixels * c];
            double[] want = new double[3 * c];
            for (int p = p0; p < p1; p++)
                for (int ch = 0; ch < c; ch++) {
                    int i = p * c + ch;
                    float t = in[i] + s1[ch];
                    wantY[i] = (t > 0 ? t : a[ch] * t) + s2[ch];
                    float gt = t > 0 ? g[i] : a[ch] * g[i];
                    wantDx[i] = gt;
                    want[ch] += gt;
                    if (!(t > 0)) want[c + ch] += (double) t * g[i];
                    want[2 * c + ch] += g[i];
                }
            ChannelKernels.rprelu(in, y, c, p0, p1, s1, a, s2);
            assertArrayEquals(wantY, y, "forward, c = " + c);
            double[] part = new double[2 + 3 * c];
            ChannelKernels.rpreluBackward(in, g, dx, c, p0, p1, s1, a, new float[2 + 3 * c], part, 2);
            assertArrayEquals(wantDx, dx, "dx, c = " + c);
            for (int j = 0; j < 3 * c; j++) assertEquals(want[j], part[2 + j], 1e-5, "parameter sum " + j + ", c = " + c);
        }
    }

    @Test void bnDxEqualsThePlainLoopExactly() {
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
            ChannelKernels.bnDx(g, x, out, c, 0, pixels, mu, is, gs, mdy, mdx);
            assertArrayEquals(want, out, "c = " + c);
        }
    }

    @Test void bnSumsMatchDoubleSumsOverPartialRanges() {
        for (int c : new int[] {1, 16, 48, 70}) {
            int pixels = 300, p0 = 7, p1 = 251;                          // several blocks, the last one partial
            float[] g = random(pixels * c), x = random(pixels * c), mu = random(c);
            double[] part = new double[5 + 2 * c];
            java.util.Arrays.fill(part, 99);                             // overwritten, not added to
            ChannelKernels.bnSums(g, x, mu, c, p0, p1, new float[3 + 2 * c], 3, part, 5);
            for (int ch = 0; ch < c; ch++) {
                double sg = 0, sgx = 0;
                for (int p = p0; p < p1; p++) { sg += g[p * c + ch]; sgx += (double) g[p * c + ch] * (x[p * c + ch] - mu[ch]); }
                assertEquals(sg, part[5 + ch], 1e-5, "sum g, c = " + c);
                assertEquals(sgx, part[5 + c + ch], 1e-5, "sum g (x - mu), c = " + c);
            }
        }
    }
}
