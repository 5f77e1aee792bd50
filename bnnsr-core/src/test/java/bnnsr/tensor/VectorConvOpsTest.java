package bnnsr.tensor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** The Vector API kernels against the scalar oracle, on shapes that reach every tile, tail and border path. */
class VectorConvOpsTest {
    private static final int THREADS = Parallel.threads();
    private final ConvOps fast = new VectorConvOps();
    private final ConvOps slow = new ScalarConvOps();

    @AfterEach void restoreThreads() { Parallel.setThreads(THREADS); }

    /** n, h, w, cin, cout, k, bias. */
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1, 3, 64, 3, true),      // a single pixel: every tap but the centre is padding
                Arguments.of(2, 1, 9, 5, 6, 3, false),      // one row high
                Arguments.of(2, 9, 1, 5, 6, 3, true),       // one pixel wide (narrower than any tile)
                Arguments.of(2, 5, 7, 5, 6, 3, true),
                Arguments.of(1, 7, 5, 5, 6, 1, false),
                Arguments.of(2, 6, 13, 3, 64, 3, true),     // RGB in (conv_first)
                Arguments.of(2, 6, 13, 64, 3, 3, true),     // RGB out (conv_last): the few-outputs kernels
                Arguments.of(1, 5, 3, 64, 3, 3, false),     // few outputs, row narrower than their tile
                Arguments.of(1, 4, 11, 64, 1, 3, true),     // one output channel
                Arguments.of(1, 4, 9, 1, 64, 3, true),
                Arguments.of(1, 4, 7, 20, 2, 5, true),
                Arguments.of(2, 5, 14, 48, 48, 3, true),    // three vectors of outputs
                Arguments.of(1, 6, 10, 48, 48, 1, false),
                Arguments.of(1, 3, 17, 64, 64, 3, true),
                Arguments.of(1, 4, 25, 64, 64, 1, true),     // 1x1 read in place
                Arguments.of(1, 3, 14, 32, 3, 1, true),     // 1x1 with few outputs, read in place
                Arguments.of(1, 3, 8, 64, 256, 3, true),    // upconv of x2/x4
                Arguments.of(1, 2, 7, 64, 576, 3, false),   // upconv of x3
                Arguments.of(2, 5, 7, 17, 19, 3, true),     // channel tails that are not whole vectors
                Arguments.of(1, 6, 5, 33, 40, 5, true),
                Arguments.of(1, 5, 13, 16, 32, 3, true),    // two vectors of outputs
                Arguments.of(1, 8, 9, 7, 12, 7, true),
                Arguments.of(1, 9, 10, 4, 5, 9, false),     // kernel larger than the image
                Arguments.of(3, 4, 6, 9, 8, 3, true));
    }

    @ParameterizedTest(name = "[{index}] n{0} {1}x{2} {3}->{4} k{5} bias={6}")
    @MethodSource("shapes")
    void matchesScalarOracle(int n, int h, int w, int cin, int cout, int k, boolean withBias) {
        Random rnd = new Random(31L * h + 7L * w + cin * 1009L + cout + k);
        Tensor x = random(rnd, n, h, w, cin), dy = random(rnd, n, h, w, cout);
        float[] wt = random(rnd, k * k * cin * cout), bias = withBias ? random(rnd, cout) : null;
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            checkAll(x, dy, wt, bias, k, "threads=" + threads);
        }
    }

    private void checkAll(Tensor x, Tensor dy, float[] wt, float[] bias, int k, String what) {
        int cin = x.c, cout = dy.c;
        Tensor yRef = new Tensor(x.n, x.h, x.w, cout), y = garbage(x.n, x.h, x.w, cout);
        slow.forward(x, wt, bias, k, yRef);
        fast.forward(x, wt, bias, k, y);
        Tensor mag = new Tensor(x.n, x.h, x.w, cout);
        slow.forward(abs(x), abs(wt), bias == null ? null : abs(bias), k, mag);
        assertClose(yRef.data, y.data, mag.data, k * k * cin, what + " forward");

        Tensor dxRef = new Tensor(x.n, x.h, x.w, cin), dx = garbage(x.n, x.h, x.w, cin);
        slow.backwardInput(dy, wt, k, dxRef);
        fast.backwardInput(dy, wt, k, dx);
        Tensor dxMag = new Tensor(x.n, x.h, x.w, cin);
        slow.backwardInput(abs(dy), abs(wt), k, dxMag);
        assertClose(dxRef.data, dx.data, dxMag.data, k * k * cout, what + " backwardInput");

        float[] dwRef = new float[wt.length], dbRef = new float[cout], dw = garbage(wt.length), db = garbage(cout);
        float[] dwMag = new float[wt.length], dbMag = new float[cout];
        slow.backwardWeight(x, dy, k, dwRef, dbRef);
        slow.backwardWeight(abs(x), abs(dy), k, dwMag, dbMag);
        fast.backwardWeight(x, dy, k, dw, bias == null ? null : db);
        int pixels = x.n * x.h * x.w;
        assertClose(dwRef, dw, dwMag, pixels, what + " backwardWeight dw");
        if (bias != null) assertClose(dbRef, db, dbMag, pixels, what + " backwardWeight db");
    }

    /** forwardRows: the rows asked equal forward's bit for bit (a band's kept rows); the others are not touched. */
    @Test void rowRangesEqualTheWholeForward() {
        Random rnd = new Random(5);
        for (int[] g : new int[][] {{9, 6, 16, 32, 3}, {5, 40, 64, 3, 3}, {6, 7, 3, 64, 3}, {4, 5, 48, 48, 1}}) {
            int h = g[0], w = g[1], cin = g[2], cout = g[3], k = g[4];
            Tensor x = random(rnd, 1, h, w, cin);
            float[] wt = random(rnd, k * k * cin * cout), b = random(rnd, cout);
            Tensor whole = new Tensor(1, h, w, cout);
            new VectorConvOps().forward(x, wt, b, k, whole);
            for (int[] r : new int[][] {{0, h}, {1, h - 1}, {0, 1}, {h - 1, h}, {2, 2}}) {
                Tensor band = new Tensor(1, h, w, cout);
                java.util.Arrays.fill(band.data, 7f);
                new VectorConvOps().forwardRows(x, wt, b, k, band, r[0], r[1]);
                for (int i = 0; i < band.size(); i++) {
                    int y = i / (w * cout);
                    assertEquals(y >= r[0] && y < r[1] ? whole.data[i] : 7f, band.data[i], "row " + y + " of " + r[0] + ".." + r[1]);
                }
            }
        }
    }

    /**
     * forwardEpilogue hands over every pixel of the rows asked once, equal to forward's bit for bit (the vector
     * kernels in pieces from one row down to two tiles, at every kernel family and channel tail; the scalar
     * default), at 1 and 2 threads.
     */
    @Test void epiloguePiecesEqualTheForward() {
        Random rnd = new Random(6);
        // n, h, w, cin, cout, k: tiles of 4/3/2/1 vectors, channel tails, the few-outputs kernels, 1x1 in place
        for (int[] g : new int[][] {{1, 3, 75, 64, 256, 3}, {2, 3, 61, 64, 3, 3}, {1, 3, 50, 17, 19, 3}, {1, 3, 49, 64, 64, 1},
                {2, 2, 130, 8, 40, 5}, {1, 4, 70, 16, 48, 3}, {1, 2, 30, 8, 32, 3}, {2, 3, 9, 5, 36, 3}, {1, 5, 100, 32, 2, 1}}) {
            int n = g[0], h = g[1], w = g[2], cin = g[3], cout = g[4], k = g[5];
            Tensor x = random(rnd, n, h, w, cin);
            float[] wt = random(rnd, k * k * cin * cout), b = random(rnd, cout);
            for (ConvOps ops : new ConvOps[] {new VectorConvOps(), new VectorConvOps(1000), new VectorConvOps(1), slow}) {
                Tensor whole = new Tensor(n, h, w, cout);
                ops.forward(x, wt, b, k, whole);
                for (int threads : new int[] {1, 2}) {
                    Parallel.setThreads(threads);
                    for (int[] r : new int[][] {{0, n * h}, {1, n * h - 1}, {n * h - 1, n * h}}) {
                        Tensor got = new Tensor(n, h, w, cout);
                        Arrays.fill(got.data, 7f);
                        int[] seen = new int[n * h * w];
                        ops.forwardEpilogue(x, wt, b, k, cout, r[0], r[1], (buf, off, row, x0, x1) -> {
                            System.arraycopy(buf, off, got.data, (row * w + x0) * cout, (x1 - x0) * cout);
                            for (int px = x0; px < x1; px++) seen[row * w + px]++;
                        });
                        String what = Arrays.toString(g) + " " + ops.getClass().getSimpleName() + " threads " + threads + " rows " + r[0] + ".." + r[1];
                        for (int p = 0; p < seen.length; p++) assertEquals(p / w >= r[0] && p / w < r[1] ? 1 : 0, seen[p], what + " pixel " + p);
                        for (int i = 0; i < got.size(); i++) {
                            int row = i / (w * cout);
                            assertEquals(row >= r[0] && row < r[1] ? whole.data[i] : 7f, got.data[i], what + " row " + row);
                        }
                    }
                }
            }
        }
    }

    /**
     * forwardRowsInto: the rows asked, written at another row of a caller's array (a band's row store), equal
     * forward's bit for bit, for the vector kernels and the interface's default (the scalar oracle's); nothing else
     * of the array is written.
     */
    @Test void rowRangesGoShiftedIntoTheCallersArray() {
        Random rnd = new Random(6);
        for (int[] g : new int[][] {{9, 6, 16, 32, 3}, {5, 40, 64, 3, 3}, {4, 5, 48, 48, 1}}) {
            int h = g[0], w = g[1], cin = g[2], cout = g[3], k = g[4], row = w * cout;
            Tensor x = random(rnd, 1, h, w, cin);
            float[] wt = random(rnd, k * k * cin * cout), b = random(rnd, cout);
            for (ConvOps ops : new ConvOps[] {new VectorConvOps(), new ScalarConvOps()}) {
                Tensor whole = new Tensor(1, h, w, cout);
                ops.forward(x, wt, b, k, whole);
                for (int[] r : new int[][] {{0, h, 0}, {1, h - 1, -1}, {2, 4, 3}, {h - 1, h, -(h - 1)}, {2, 2, 0}}) {
                    float[] out = bnnsr.RowStores.filled(r[1], r[2], row, 7f);
                    ops.forwardRowsInto(x, wt, b, k, cout, out, r[2], r[0], r[1]);
                    bnnsr.RowStores.assertShifted(whole.data, out, row, r[0], r[1], r[2], 7f, ops.getClass().getSimpleName());
                }
            }
            assertThrows(IllegalArgumentException.class, () -> new VectorConvOps().forwardRowsInto(x, wt, b, k, cout, new float[h * row], 1, 0, h));
        }
    }

    /** A tracer installed with using() serves this thread only, for the body only. */
    @Test void usingScopesAnImplementationToOneThreadAndBody() throws Exception {
        ConvOps counting = new CountingConvOps(ConvOps.get());
        ConvOps[] seen = new ConvOps[2];
        ConvOps.using(counting, () -> {
            seen[0] = ConvOps.get();
            Thread t = new Thread(() -> seen[1] = ConvOps.get());
            t.start();
            try { t.join(); } catch (InterruptedException e) { throw new IllegalStateException(e); }
        });
        assertSame(counting, seen[0]);
        assertInstanceOf(VectorConvOps.class, seen[1], "another thread keeps the default");
        assertInstanceOf(VectorConvOps.class, ConvOps.get(), "restored after the body");
    }

    @Test void isTheInstalledDefault() {
        assertInstanceOf(VectorConvOps.class, ConvOps.get());
    }

    @Test void givesTheSameBitsForTheSameThreadCount() {
        Random rnd = new Random(5);
        Tensor x = random(rnd, 2, 9, 11, 24), dy = random(rnd, 2, 9, 11, 40);
        float[] w = random(rnd, 9 * 24 * 40), b = random(rnd, 40);
        Parallel.setThreads(2);
        float[][] first = runAll(x, dy, w, b), second = runAll(x, dy, w, b);
        for (int i = 0; i < first.length; i++) assertArrayEquals(first[i], second[i], "output " + i);
    }

    private float[][] runAll(Tensor x, Tensor dy, float[] w, float[] b) {
        Tensor y = new Tensor(x.n, x.h, x.w, dy.c), dx = new Tensor(x.n, x.h, x.w, x.c);
        float[] dw = new float[w.length], db = new float[dy.c];
        fast.forward(x, w, b, 3, y);
        fast.backwardInput(dy, w, 3, dx);
        fast.backwardWeight(x, dy, 3, dw, db);
        return new float[][] {y.data, dx.data, dw, db};
    }

    /** Buffers grown for a big layer must not leak stale data into a smaller one, nor the reverse. */
    @Test void reusesWorkspacesAcrossShapes() {
        Random rnd = new Random(11);
        int[][] layers = {{2, 12, 12, 64, 64, 3}, {1, 3, 5, 6, 3, 1}, {2, 7, 9, 33, 50, 5}, {1, 2, 3, 64, 64, 3}};
        for (int round = 0; round < 2; round++)
            for (int[] s : layers) {
                Tensor x = random(rnd, s[0], s[1], s[2], s[3]), dy = random(rnd, s[0], s[1], s[2], s[4]);
                checkAll(x, dy, random(rnd, s[5] * s[5] * s[3] * s[4]), random(rnd, s[4]), s[5], "layer " + Arrays.toString(s));
            }
    }

    /** Callers on different threads share one instance (ConvOps.get()) without sharing buffers. */
    @Test void servesConcurrentCallers() throws Exception {
        Parallel.setThreads(2);
        int[][] layers = {{2, 9, 13, 24, 40, 3}, {1, 12, 7, 40, 24, 1}, {2, 5, 6, 64, 3, 3}};
        List<Callable<Void>> jobs = new ArrayList<>();
        for (int[] s : layers)
            jobs.add(() -> {
                Random rnd = new Random(s[3]);
                for (int round = 0; round < 5; round++) {
                    Tensor x = random(rnd, s[0], s[1], s[2], s[3]), dy = random(rnd, s[0], s[1], s[2], s[4]);
                    checkAll(x, dy, random(rnd, s[5] * s[5] * s[3] * s[4]), random(rnd, s[4]), s[5], "concurrent " + Arrays.toString(s));
                }
                return null;
            });
        ExecutorService pool = Executors.newFixedThreadPool(layers.length);
        try {
            for (Future<Void> f : pool.invokeAll(jobs)) f.get();
        } finally {
            pool.shutdown();
        }
    }

    /** The adjoint identity <dy, conv(x)> = <conv^T(dy), x> = <dW(x, dy), w> ties the three kernels together. */
    @Test void backwardKernelsAreTheAdjointsOfForward() {
        Random rnd = new Random(3);
        Tensor x = random(rnd, 2, 6, 7, 12), dy = random(rnd, 2, 6, 7, 20);
        float[] w = random(rnd, 9 * 12 * 20);
        Tensor y = new Tensor(2, 6, 7, 20), dx = new Tensor(2, 6, 7, 12);
        float[] dw = new float[w.length];
        fast.forward(x, w, null, 3, y);
        fast.backwardInput(dy, w, 3, dx);
        fast.backwardWeight(x, dy, 3, dw, null);
        double a = dot(dy.data, y.data), b = dot(dx.data, x.data), c = dot(dw, w);
        assertEquals(a, b, 1e-4 * Math.abs(a) + 1e-3);
        assertEquals(a, c, 1e-4 * Math.abs(a) + 1e-3);
    }

    @Test void rejectsBadGeometry() {
        Tensor x = new Tensor(1, 4, 4, 3), y = new Tensor(1, 4, 4, 5);
        assertThrows(IllegalArgumentException.class, () -> fast.forward(x, new float[4 * 9 * 3 * 5], null, 2, y));
        assertThrows(IllegalArgumentException.class, () -> fast.forward(x, new float[9 * 3 * 5 - 1], null, 3, y));
        assertThrows(IllegalArgumentException.class, () -> fast.forward(x, new float[9 * 3 * 5], null, 3, new Tensor(1, 4, 3, 5)));
        assertThrows(IllegalArgumentException.class, () -> fast.forward(x, new float[9 * 3 * 5], new float[4], 3, y));
        Tensor same = new Tensor(1, 4, 4, 3, x.data);
        assertThrows(IllegalArgumentException.class, () -> fast.forward(x, new float[9 * 3 * 3], null, 3, same));
    }

    // ---- helpers ----

    /**
     * |got - want| within a float-rounding bound: relative to the sum of the absolute values of the terms
     * ({@code mag}), growing with the square root of the number of terms; one missing or wrong term is far above it.
     */
    static void assertClose(float[] want, float[] got, float[] mag, int terms, String what) {
        double tol = 4e-7 * Math.sqrt(terms) + 1e-7;
        for (int i = 0; i < want.length; i++) {
            double bound = tol * mag[i] + 1e-30;
            if (!(Math.abs(want[i] - got[i]) <= bound))
                fail(what + ": element " + i + " is " + got[i] + ", expected " + want[i] + " (bound " + bound + ")");
        }
    }

    static Tensor random(Random rnd, int n, int h, int w, int c) {
        Tensor t = new Tensor(n, h, w, c);
        for (int i = 0; i < t.data.length; i++) t.data[i] = rnd.nextFloat() * 2 - 1;
        return t;
    }

    static float[] random(Random rnd, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = rnd.nextFloat() * 2 - 1;
        return a;
    }

    private static Tensor garbage(int n, int h, int w, int c) {
        Tensor t = new Tensor(n, h, w, c);
        Arrays.fill(t.data, Float.NaN);
        return t;
    }

    private static float[] garbage(int size) {
        float[] a = new float[size];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private static Tensor abs(Tensor t) { return new Tensor(t.n, t.h, t.w, t.c, abs(t.data)); }

    private static float[] abs(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) r[i] = Math.abs(a[i]);
        return r;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
