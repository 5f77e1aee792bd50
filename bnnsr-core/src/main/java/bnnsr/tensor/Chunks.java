package bnnsr.tensor;

/**
 * The project's one chunked-parallel helper: an index range cut into a fixed number of chunks run on
 * {@link Parallel}'s pool. Chunk boundaries ({@link #start}) depend only on the range and the chunk count, never on
 * the thread count, so per-chunk partial sums reduced in chunk order give the same float result on any number of
 * threads.
 */
public final class Chunks {
    /** Upper bound on chunks per call: enough to balance 2-16 threads, few enough to keep partials tiny. */
    public static final int MAX = 16;
    /** Below this many elements, work runs on the calling thread (the hand-off would cost more). */
    private static final int MIN_PARALLEL = 1 << 14;

    private Chunks() {}

    @FunctionalInterface
    public interface Body { void run(int chunk, int from, int to); }

    @FunctionalInterface
    public interface PartialSum { double run(int from, int to); }

    /** How many chunks [0, n) is cut into when each should hold at least {@code grain} items. */
    public static int count(int n, int grain) {
        return Math.max(1, Math.min(MAX, n / Math.max(1, grain)));
    }

    /** The first index of chunk {@code i} of {@code chunks} over [0, n). */
    public static int start(int n, int chunks, int i) { return (int) ((long) n * i / chunks); }

    /** Runs {@code body} over [0, n) cut into {@code chunks} fixed pieces. */
    public static void run(int n, int chunks, Body body) {
        if (n <= 0) return;
        if (chunks == 1) { body.run(0, 0, n); return; }
        Parallel.forRange(chunks, (a, b) -> {
            for (int i = a; i < b; i++) body.run(i, start(n, chunks, i), start(n, chunks, i + 1));
        });
    }

    /** Element-wise work over [0, n): parallel only when there is enough of it to pay for the hand-off. */
    public static void elements(int n, Parallel.Range body) {
        run(n, count(n, 1 << 15), (chunk, from, to) -> body.run(from, to));
    }

    /** Work without reductions over [0, n), split across the threads when there are enough elements. */
    public static void range(int n, Parallel.Range body) {
        if (n < MIN_PARALLEL) body.run(0, n);
        else Parallel.forRange(n, body);
    }

    /** Sum over chunks of {@code partial[chunk * stride + index]}, in chunk order. */
    public static double sum(double[] partial, int chunks, int stride, int index) {
        double s = 0;
        for (int i = 0; i < chunks; i++) s += partial[i * stride + index];
        return s;
    }

    /** Sum over [0, n) of {@code body}'s partial sums on min({@link #MAX}, n) fixed chunks, added in chunk order. */
    public static double sum(int n, PartialSum body) {
        if (n <= 0) return 0;
        int k = Math.min(MAX, n);
        double[] part = new double[k];
        Parallel.forRange(k, n < MIN_PARALLEL ? 1 : k, (a, b) -> {
            for (int c = a; c < b; c++) part[c] = body.run(start(n, k, c), start(n, k, c + 1));
        });
        double s = 0;
        for (double p : part) s += p;
        return s;
    }

    /**
     * out[ch] = sum over the n pixels of g[p * c + ch] (NHWC): one pass per fixed chunk (vectorised over channels),
     * the chunks added in order, so it does not depend on the thread count.
     */
    public static void channelSums(float[] g, int n, int c, double[] out) {
        int k = Math.max(1, Math.min(MAX, n));
        double[] part = new double[k * c];
        float[] acc = new float[k * c];
        Parallel.forRange(k, n * c < MIN_PARALLEL ? 1 : k, (a, b) -> {
            for (int ch = a; ch < b; ch++)
                VectorMath.channelSums(g, c, start(n, k, ch), start(n, k, ch + 1), acc, ch * c, part, ch * c);
        });
        java.util.Arrays.fill(out, 0, c, 0);
        for (int i = 0; i < k; i++) for (int ch = 0; ch < c; ch++) out[ch] += part[i * c + ch];
    }
}
