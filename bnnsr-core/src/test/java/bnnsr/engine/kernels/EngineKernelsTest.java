package bnnsr.engine.kernels;

import bnnsr.nn.LeakyReLU;
import bnnsr.nn.ReLU;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The engine's fused float kernels against their scalar twins and the nn layers, bit for bit. */
class EngineKernelsTest {
    static Tensor random(SplittableRandom r, int h, int w, int c) {
        Tensor t = new Tensor(1, h, w, c);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) r.nextGaussian();
        t.data[0] = 0f;
        t.data[1] = -0f;
        return t;
    }

    /** BatchNorm-like thresholds: random scales (either sign) and shifts. */
    private static SignThresholds thresholds(SplittableRandom r, int c) {
        float[] scale = new float[c], shift = new float[c];
        for (int j = 0; j < c; j++) {
            scale[j] = (float) r.nextGaussian();
            shift[j] = (float) r.nextGaussian() * 0.3f;
        }
        return SignThresholds.ofScaleShift(scale, shift);
    }

    @Test void meanAbsMatchesTheScalarTwin() {
        SplittableRandom r = new SplittableRandom(1);
        for (int c : new int[] {1, 3, 48, 64, 70}) {
            Tensor a = random(r, 5, 7, c), fast = new Tensor(1, 5, 7, 1), slow = new Tensor(1, 5, 7, 1);
            EngineKernels.meanAbs(a, fast);
            ScalarEngineKernels.meanAbs(a, slow);
            assertArrayEquals(slow.data, fast.data, "c=" + c);
        }
    }

    /**
     * Pixels whose vector sum would round differently from the channel-order sum (values spanning up to 2^60, with
     * denormals, zeros, -0, infinities, NaN, and sums built so that the order changes the float result): the kernel
     * still gives the channel-order sum's bits, at channel counts with and without a vector tail.
     */
    @Test void meanAbsEqualsTheChannelOrderSumOnHardValues() {
        SplittableRandom r = new SplittableRandom(6);
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, 1e-30f, Float.POSITIVE_INFINITY, Float.NaN, Float.MAX_VALUE};
        int checked = 0, orderMatters = 0;
        for (int c : new int[] {1, 8, 13, 48, 64, 70})
            for (int trial = 0; trial < 400; trial++) {
                Tensor a = new Tensor(1, 3, 7, c);          // 21 pixels: groups of 8 or 4 pixels and a tail
                int spread = trial % 61;       // exponents spread over [0, spread]
                for (int i = 0; i < a.size(); i++) {
                    float v = (float) ((1 + r.nextDouble()) * Math.scalb(1.0, -r.nextInt(spread + 1)));
                    a.data[i] = r.nextBoolean() ? v : -v;
                }
                if (trial % 7 == 0) a.data[r.nextInt(a.size())] = special[r.nextInt(special.length)];
                if (trial % 11 == 0) a.data[r.nextInt(a.size())] = special[r.nextInt(special.length)];
                if (trial % 5 == 0 && c > 2) {
                    // pixel 1 or 18 (in a group, in the tail): a sum at a float rounding midpoint (c (1 + 2^-24)) plus tiny values that channel order
                    // loses (each half a double ulp, rounding to even) and other orders keep: the float result differs
                    float tiny = (float) (Math.ulp((double) c) / 2);
                    int at = (trial % 2 == 0 ? 1 : 18) * c, big = r.nextInt(c / 2);
                    for (int j = 0; j < c; j++) a.data[at + j] = r.nextBoolean() ? tiny : -tiny;
                    a.data[at + big] = c;
                    a.data[at + big + 1 + r.nextInt(c - big - 1)] = c * 0x1p-24f;
                }
                Tensor fast = new Tensor(1, 3, 7, 1), slow = new Tensor(1, 3, 7, 1);
                EngineKernels.meanAbs(a, fast);
                ScalarEngineKernels.meanAbs(a, slow);
                for (int p = 0; p < a.h * a.w; p++) {
                    assertEquals(Float.floatToRawIntBits(slow.data[p]), Float.floatToRawIntBits(fast.data[p]), "c=" + c + " trial " + trial + " pixel " + p);
                    double reversed = 0;
                    for (int j = c - 1; j >= 0; j--) reversed += Math.abs(a.data[p * c + j]);
                    if (Float.floatToRawIntBits((float) (reversed / c)) != Float.floatToRawIntBits(slow.data[p]) && !Float.isNaN(slow.data[p])) orderMatters++;
                    checked++;
                }
            }
        // such pixels cannot pass the kernel's exactness check: they test its channel-order fallback
        assertTrue(orderMatters >= 20, "the data must include pixels whose sum depends on the order: " + orderMatters + " of " + checked);
    }

    @Test void accumulatePackMatchesTheScalarTwin() {
        SplittableRandom r = new SplittableRandom(2);
        for (int c : new int[] {5, 16, 48, 64, 100, 128})
            for (int n = 1; n <= 3; n++)
                for (boolean statistic : new boolean[] {true, false}) {
                    Tensor[] a = new Tensor[n], e = new Tensor[n];
                    float[][] src = new float[n][], stat = new float[n][];
                    float[] s = statistic ? new float[n] : null;
                    for (int i = 0; i < n; i++) {
                        a[i] = random(r, 4, 6, c);
                        e[i] = new Tensor(1, 4, 6, 1);
                        ScalarEngineKernels.meanAbs(a[i], e[i]);
                        src[i] = a[i].data;
                        stat[i] = e[i].data;
                        if (statistic) s[i] = (float) r.nextGaussian();
                    }
                    SignThresholds t = thresholds(r, c);
                    PackedActivations fast = new PackedActivations(1, 4, 6, c, 1), slow = new PackedActivations(1, 4, 6, c, 1);
                    ScalarEngineKernels.accumulatePack(a, s, e, t, slow);
                    // the last source's statistic computed on the fly, as for a conv's own input
                    boolean[] compute = new boolean[n];
                    compute[n - 1] = true;
                    stat[n - 1] = new float[4 * 6];
                    EngineKernels.accumulatePack(a[0], src, s, stat, compute, t, fast);
                    assertArrayEquals(slow.bits, fast.bits, "c=" + c + " n=" + n + " statistic=" + statistic);
                    if (statistic) assertArrayEquals(e[n - 1].data, stat[n - 1]);
                }
    }

    /**
     * Rows of two stacked images, sources 1.. as band buffers holding only those rows (their statistics computed on
     * the fly), source 0 whole: the bits of those rows equal the scalar twin's whole-tensor packing, and the other
     * rows are not written.
     */
    @Test void accumulatePackRowsFromBandBuffersMatchesTheScalarTwin() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 2, h = 5, w = 6;
        for (int c : new int[] {5, 48, 64, 100})
            for (int sources = 1; sources <= 3; sources++)
                for (boolean statistic : new boolean[] {true, false}) {
                    Tensor[] a = new Tensor[sources], e = new Tensor[sources];
                    float[] s = statistic ? new float[sources] : null;
                    for (int i = 0; i < sources; i++) {
                        a[i] = new Tensor(n, h, w, c);
                        for (int j = 0; j < a[i].size(); j++) a[i].data[j] = (float) r.nextGaussian();
                        e[i] = new Tensor(n, h, w, 1);
                        ScalarEngineKernels.meanAbs(a[i], e[i]);
                        if (statistic) s[i] = (float) r.nextGaussian();
                    }
                    SignThresholds t = thresholds(r, c);
                    PackedActivations want = new PackedActivations(n, h, w, c, 1), got = new PackedActivations(n, h, w, c, 1);
                    ScalarEngineKernels.accumulatePack(a, s, e, t, want);
                    for (int r0 = 0; r0 < n * h; r0 += 3) {
                        int r1 = Math.min(n * h, r0 + 3);
                        float[][] src = new float[sources][], stat = new float[sources][];
                        int[] origin = new int[sources];
                        boolean[] compute = new boolean[sources];
                        src[0] = a[0].data;
                        stat[0] = e[0].data;
                        for (int i = 1; i < sources; i++) {
                            src[i] = java.util.Arrays.copyOfRange(a[i].data, r0 * w * c, r1 * w * c);
                            stat[i] = new float[(r1 - r0) * w];
                            origin[i] = r0 * w;
                            compute[i] = true;
                        }
                        got.clear();
                        EngineKernels.accumulatePackRows(h, w, c, src, origin, s, stat, compute, t, got, r0, r1);
                        String what = "c=" + c + " sources " + sources + " statistic " + statistic + " rows " + r0;
                        for (int row = 0; row < n * h; row++) {
                            int from = want.index(row / h, row % h, 0), to = from + w * want.words;
                            long[] expected = row >= r0 && row < r1 ? java.util.Arrays.copyOfRange(want.bits, from, to) : new long[to - from];
                            assertArrayEquals(expected, java.util.Arrays.copyOfRange(got.bits, from, to), what + " row " + row);
                        }
                        for (int i = 1; i < sources && statistic; i++)
                            assertArrayEquals(java.util.Arrays.copyOfRange(e[i].data, r0 * w, r1 * w), stat[i], what + " statistic " + i);
                    }
                }
    }

    @Test void activationsEqualTheNnLayers() {
        SplittableRandom r = new SplittableRandom(3);
        Tensor x = random(r, 7, 9, 19);
        x.data[2] = Float.NaN;
        Tensor y = new Tensor(1, 7, 9, 19);
        EngineKernels.activation(x, 0f, y);
        assertArrayEquals(new ReLU().forward(x, false).data, y.data);
        EngineKernels.activation(x, 0.1f, y);
        assertArrayEquals(new LeakyReLU(0.1f).forward(x, false).data, y.data);
    }
}
