package bnnsr.engine.kernels;

import bnnsr.tensor.Parallel;
import bnnsr.tensor.ScalarConvOps;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class BinaryConvOpsTest {
    private static final BinaryConvOps FAST = BinaryConvOps.fast(), SCALAR = BinaryConvOps.scalar();

    /** n, h, w, cin, cout, k */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1, 64, 64, 3),
                Arguments.of(1, 3, 4, 64, 256, 3),     // BBCU-M's x2/x4 upsampler conv, C -> 4C
                Arguments.of(1, 2, 3, 64, 576, 3),     // its x3 upsampler conv, C -> 9C
                Arguments.of(1, 24, 20, 64, 64, 3),    // conv_hr on an HR-sized strip
                Arguments.of(1, 1, 1, 3, 5, 3),
                Arguments.of(1, 5, 7, 48, 48, 3),
                Arguments.of(2, 6, 4, 64, 64, 3),
                Arguments.of(1, 3, 9, 128, 64, 3),
                Arguments.of(1, 4, 5, 100, 100, 3),
                Arguments.of(1, 7, 3, 3, 48, 3),
                Arguments.of(1, 1, 6, 64, 32, 3),
                Arguments.of(1, 6, 1, 64, 33, 3),
                Arguments.of(1, 2, 2, 130, 40, 3),
                Arguments.of(1, 5, 5, 48, 48, 1),
                Arguments.of(2, 3, 7, 100, 64, 1),
                Arguments.of(1, 1, 1, 3, 3, 1),
                Arguments.of(1, 4, 4, 64, 128, 1),
                Arguments.of(1, 6, 6, 16, 8, 5));
    }

    static Tensor randomTensor(SplittableRandom rnd, int n, int h, int w, int c) {
        Tensor t = new Tensor(n, h, w, c);
        for (int i = 0; i < t.size(); i++) {
            int r = rnd.nextInt(20);
            // exact zeros of both signs check Sign(0) = +1
            t.data[i] = r == 0 ? 0f : r == 1 ? -0f : (float) rnd.nextGaussian();
        }
        return t;
    }

    static float[] randomArray(SplittableRandom rnd, int len, double mean, double std) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float) (mean + std * rnd.nextGaussian());
        return a;
    }

    static float[] oihwToHwio(float[] w, int cout, int cin, int k) {
        float[] r = new float[w.length];
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++)
                for (int t = 0; t < k * k; t++) r[(t * cin + i) * cout + o] = w[(o * cin + i) * k * k + t];
        return r;
    }

    @ParameterizedTest(name = "n{0} {1}x{2} {3}->{4} k{5}")
    @MethodSource("shapes")
    void exactResultsMatchFloatConvOfSignsWithZeroPadding(int n, int h, int w, int cin, int cout, int k) {
        SplittableRandom rnd = new SplittableRandom(h * 1000 + w * 100 + cin + cout + k);
        Tensor x = randomTensor(rnd, n, h, w, cin);
        float[] wf = randomArray(rnd, cout * cin * k * k, 0, 1);
        PackedWeights pw = PackedWeights.fromOihw(wf, cout, cin, k);
        PackedActivations pa = new PackedActivations(n, h, w, cin, k / 2);
        FAST.pack(x, null, pa);

        Tensor signs = new Tensor(n, h, w, cin);
        for (int i = 0; i < x.size(); i++) signs.data[i] = x.data[i] < 0 ? -1 : 1;
        float[] signW = new float[wf.length];
        for (int i = 0; i < wf.length; i++) signW[i] = wf[i] < 0 ? -1 : 1;
        Tensor ref = new Tensor(n, h, w, cout);
        new ScalarConvOps().forward(signs, oihwToHwio(signW, cout, cin, k), null, k, ref);

        int[] fast = new int[n * h * w * cout], scalar = new int[fast.length];
        FAST.convExact(pa, pw, fast);
        SCALAR.convExact(pa, pw, scalar);
        for (int i = 0; i < fast.length; i++) {
            assertEquals((int) ref.data[i], scalar[i], "scalar twin at " + i);
            assertEquals(scalar[i], fast[i], "vector kernel at " + i);
        }
    }

    @ParameterizedTest(name = "n{0} {1}x{2} {3}->{4} k{5}")
    @MethodSource("shapes")
    void fusedEpiloguesMatchScalarTwinBitForBit(int n, int h, int w, int cin, int cout, int k) {
        SplittableRandom rnd = new SplittableRandom(31L * h + w + cin * 7L + cout * 13L + k);
        Tensor x = randomTensor(rnd, n, h, w, cin);
        float[] wf = randomArray(rnd, cout * cin * k * k, 0, 1);
        float[] alpha = randomArray(rnd, cout, 0, 0.1), beta = randomArray(rnd, cout, 0, 1), thr = randomArray(rnd, cout, 0, 0.5);
        alpha[cout / 2] = 0f; // a dead channel: its bit is a constant
        PackedWeights pw = PackedWeights.fromOihw(wf, cout, cin, k);
        PackedActivations pa = new PackedActivations(n, h, w, cin, k / 2 + 1); // a wider border than needed is fine
        FAST.pack(x, null, pa);

        Tensor yf = new Tensor(n, h, w, cout), ys = new Tensor(n, h, w, cout);
        FAST.conv(pa, pw, alpha, beta, false, yf);
        SCALAR.conv(pa, pw, alpha, beta, false, ys);
        assertArrayEquals(ys.data, yf.data, "float epilogue");

        Tensor lf = new Tensor(n, h, w, cout), ls = new Tensor(n, h, w, cout);
        FAST.convRelu(pa, pw, alpha, beta, lf);
        SCALAR.convRelu(pa, pw, alpha, beta, ls);
        assertArrayEquals(ls.data, lf.data, "float epilogue with ReLU");
        assertArrayEquals(new bnnsr.nn.ReLU().forward(ys, false).data, lf.data, "conv then the nn ReLU");

        Tensor rf = randomTensor(rnd, n, h, w, cout), rs = rf.copy();
        FAST.conv(pa, pw, alpha, beta, true, rf);
        SCALAR.conv(pa, pw, alpha, beta, true, rs);
        assertArrayEquals(rs.data, rf.data, "accumulating epilogue");

        for (float[] t : new float[][] {null, thr}) {
            PackedActivations pf = new PackedActivations(n, h, w, cout, 1), ps = new PackedActivations(n, h, w, cout, 1);
            FAST.convPack(pa, pw, alpha, beta, t, pf);
            SCALAR.convPack(pa, pw, alpha, beta, t, ps);
            assertArrayEquals(ps.bits, pf.bits, "packing epilogue");
            // the same bits as storing floats and packing them against the thresholds
            PackedActivations viaFloat = new PackedActivations(n, h, w, cout, 1);
            FAST.pack(ys, t == null ? null : SignThresholds.below(t), viaFloat);
            assertArrayEquals(viaFloat.bits, pf.bits, "fused packing equals float output then pack");
        }
    }

    /** A band's rows: computed rows equal the whole conv's, the rows outside are not touched. */
    @Test
    void rowRangesEqualTheWholeConvAndLeaveOtherRowsAlone() {
        SplittableRandom rnd = new SplittableRandom(17);
        int h = 7, w = 5, cin = 64, cout = 48, k = 3;
        Tensor x = randomTensor(rnd, 1, h, w, cin);
        PackedWeights pw = PackedWeights.fromOihw(randomArray(rnd, cout * cin * k * k, 0, 1), cout, cin, k);
        float[] alpha = randomArray(rnd, cout, 0, 0.1), beta = randomArray(rnd, cout, 0, 1);
        PackedActivations pa = new PackedActivations(1, h, w, cin, 1);
        FAST.pack(x, null, pa);
        Tensor residual = randomTensor(rnd, 1, h, w, cout);
        for (boolean relu : new boolean[] {false, true})
            for (boolean acc : relu ? new boolean[] {false} : new boolean[] {false, true})
                for (int[] r : new int[][] {{0, 7}, {1, 6}, {2, 3}, {0, 1}, {6, 7}, {3, 3}}) {
                    Tensor whole = acc ? residual.copy() : new Tensor(1, h, w, cout);
                    if (relu) SCALAR.convRelu(pa, pw, alpha, beta, whole);
                    else SCALAR.conv(pa, pw, alpha, beta, acc, whole);
                    Tensor band = acc ? residual.copy() : new Tensor(1, h, w, cout);
                    java.util.Arrays.fill(band.data, r[1] * w * cout, band.size(), 42f);
                    if (!acc) java.util.Arrays.fill(band.data, 0, r[0] * w * cout, 42f);
                    Tensor before = band.copy();
                    FAST.convRows(pa, pw, alpha, beta, acc, relu, band, r[0], r[1]);
                    for (int y = 0; y < h; y++)
                        for (int i = y * w * cout; i < (y + 1) * w * cout; i++)
                            assertEquals((y >= r[0] && y < r[1] ? whole : before).data[i], band.data[i], "row " + y + " of " + r[0] + ".." + r[1]);
                }
    }

    /**
     * convRowsInto: a band's rows written at another row of a caller's array (a row store) equal the whole conv's
     * rows there, for the vector kernels and the scalar twin's default; nothing else of the array is written.
     */
    @Test
    void rowRangesGoShiftedIntoTheCallersArray() {
        SplittableRandom rnd = new SplittableRandom(19);
        int h = 7, w = 5, cin = 64, cout = 48, k = 3, row = w * cout;
        Tensor x = randomTensor(rnd, 1, h, w, cin);
        PackedWeights pw = PackedWeights.fromOihw(randomArray(rnd, cout * cin * k * k, 0, 1), cout, cin, k);
        float[] alpha = randomArray(rnd, cout, 0, 0.1), beta = randomArray(rnd, cout, 0, 1);
        PackedActivations pa = new PackedActivations(1, h, w, cin, 1);
        FAST.pack(x, null, pa);
        for (BinaryConvOps ops : new BinaryConvOps[] {FAST, SCALAR})
            for (boolean relu : new boolean[] {false, true}) {
                Tensor whole = new Tensor(1, h, w, cout);
                if (relu) SCALAR.convRelu(pa, pw, alpha, beta, whole);
                else SCALAR.conv(pa, pw, alpha, beta, false, whole);
                for (int[] r : new int[][] {{0, 7, 0}, {2, 5, -2}, {3, 6, 4}, {6, 7, -6}, {3, 3, 1}}) {
                    float[] out = bnnsr.RowStores.filled(r[1], r[2], row, 42f);
                    ops.convRowsInto(pa, pw, alpha, beta, relu, out, r[2], r[0], r[1]);
                    bnnsr.RowStores.assertShifted(whole.data, out, row, r[0], r[1], r[2], 42f, ops.getClass().getSimpleName() + " relu=" + relu);
                }
            }
        assertThrows(IllegalArgumentException.class, () -> FAST.convRowsInto(pa, pw, alpha, beta, false, new float[7 * row], 1, 0, 7));
        assertThrows(IllegalArgumentException.class, () -> FAST.convRowsInto(pa, pw, alpha, beta, false, new float[7 * row], -3, 2, 7));
    }

    @Test
    void packMatchesScalarTwinAndTheSignConvention() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int c : new int[] {1, 3, 15, 16, 17, 48, 63, 64, 65, 100, 128, 200}) {
            Tensor x = randomTensor(rnd, 2, 3, 5, c);
            float[] scale = randomArray(rnd, c, 0, 1), shift = randomArray(rnd, c, 0, 0.5);
            scale[0] = 0f;
            SignThresholds bn = SignThresholds.ofScaleShift(scale, shift);
            for (int pad : new int[] {0, 1, 2}) {
                for (SignThresholds signs : new SignThresholds[] {null, bn}) {
                    PackedActivations f = new PackedActivations(2, 3, 5, c, pad), s = new PackedActivations(2, 3, 5, c, pad);
                    FAST.pack(x, signs, f);
                    SCALAR.pack(x, signs, s);
                    assertArrayEquals(s.bits, f.bits, "c=" + c + " pad=" + pad + " thresholds=" + (signs != null));
                    for (int i = 0; i < x.size(); i++) {
                        int ch = i % c, px = (i / c) % 5, y = (i / c / 5) % 3, n = i / c / 15;
                        // what BatchNorm2d then Sign computes in training
                        float v = signs == null ? x.data[i] : x.data[i] * scale[ch] + shift[ch];
                        assertEquals(v < 0 ? -1 : 1, f.sign(n, y, px, ch));
                    }
                    assertBorderAndTailZero(f);
                }
            }
        }
    }

    static void assertBorderAndTailZero(PackedActivations p) {
        long tail = p.c % 64 == 0 ? 0L : -1L << (p.c % 64);
        for (int n = 0; n < p.n; n++)
            for (int y = 0; y < p.ph; y++)
                for (int x = 0; x < p.pw; x++) {
                    int i = ((n * p.ph + y) * p.pw + x) * p.words;
                    boolean border = y < p.pad || y >= p.pad + p.h || x < p.pad || x >= p.pad + p.w;
                    for (int j = 0; j < p.words; j++) {
                        if (border) assertEquals(0L, p.bits[i + j], "border word");
                        else if (j == p.words - 1) assertEquals(0L, p.bits[i + j] & tail, "channel bits past c");
                    }
                }
    }

    @Test
    void signZeroIsPlusOne() {
        Tensor x = new Tensor(1, 1, 1, 4, new float[] {0f, -0f, -1e-30f, Float.MIN_VALUE});
        PackedActivations p = new PackedActivations(1, 1, 1, 4, 0);
        FAST.pack(x, null, p);
        assertEquals(0b0100L, p.bits[0]);
    }

    /** Also several images stacked: the fused layer packs rows ahead of the conv across image boundaries. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 3})
    void resultsDoNotDependOnThreadCount(int n) {
        SplittableRandom rnd = new SplittableRandom(3);
        int h = 13, w = 11, c = 100;
        Tensor x = randomTensor(rnd, n, h, w, c);
        PackedWeights pw = PackedWeights.fromOihw(randomArray(rnd, c * c * 9, 0, 1), c, c, 3);
        float[] alpha = randomArray(rnd, c, 0, 0.1), beta = randomArray(rnd, c, 0, 1);
        int before = Parallel.threads();
        try {
            Tensor[] y = new Tensor[2];
            PackedActivations[] q = new PackedActivations[2];
            Tensor[] fused = new Tensor[2];
            for (int t = 1; t <= 2; t++) {
                Parallel.setThreads(t == 1 ? 1 : 2 + n % 2);
                PackedActivations pa = new PackedActivations(n, h, w, c, 1);
                FAST.pack(x, null, pa);
                y[t - 1] = new Tensor(n, h, w, c);
                FAST.conv(pa, pw, alpha, beta, false, y[t - 1]);
                q[t - 1] = new PackedActivations(n, h, w, c, 1);
                FAST.convPack(pa, pw, alpha, beta, null, q[t - 1]);
                fused[t - 1] = new Tensor(n, h, w, c);
                FAST.packConv(x, null, new PackedActivations(n, h, w, c, 1), pw, alpha, beta, false, fused[t - 1]);
            }
            assertArrayEquals(y[0].data, y[1].data);
            assertArrayEquals(q[0].bits, q[1].bits);
            assertArrayEquals(y[0].data, fused[0].data, "fused layer, 1 thread");
            assertArrayEquals(y[0].data, fused[1].data, "fused layer, 2 or 3 threads (halo rows packed by both)");
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void packedWeightsRoundTripTheFileLayoutAndRejectStrayBits() {
        SplittableRandom rnd = new SplittableRandom(11);
        float[] wf = randomArray(rnd, 40 * 100 * 9, 0, 1);
        PackedWeights a = PackedWeights.fromOihw(wf, 40, 100, 3);
        PackedWeights b = PackedWeights.fromFileLayout(a.toFileLayout(), 40, 100, 3);
        assertArrayEquals(a.bits, b.bits);
        float[] signs = b.toSignsOihw();
        for (int i = 0; i < wf.length; i++) assertEquals(wf[i] < 0 ? -1f : 1f, signs[i]);
        long[] bad = a.toFileLayout();
        bad[1] |= 1L << 40; // channel 104 of a 100-channel conv
        assertThrows(IllegalArgumentException.class, () -> PackedWeights.fromFileLayout(bad, 40, 100, 3));
    }

    @Test
    void rejectsMismatchedShapes() {
        PackedWeights pw = PackedWeights.fromOihw(new float[8 * 16 * 9], 8, 16, 3);
        PackedActivations noBorder = new PackedActivations(1, 4, 4, 16, 0);
        assertThrows(IllegalArgumentException.class, () -> FAST.convExact(noBorder, pw, new int[4 * 4 * 8]));
        PackedActivations wrongC = new PackedActivations(1, 4, 4, 17, 1);
        assertThrows(IllegalArgumentException.class, () -> FAST.convExact(wrongC, pw, new int[4 * 4 * 8]));
        PackedActivations ok = new PackedActivations(1, 4, 4, 16, 1);
        assertThrows(IllegalArgumentException.class, () -> FAST.conv(ok, pw, new float[8], new float[8], false, new Tensor(1, 4, 4, 9)));
    }
}
