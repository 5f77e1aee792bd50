package bnnsr.nn;

import bnnsr.tensor.Parallel;

/**
 * Splits an index range into a fixed number of chunks run on {@link Parallel}'s pool. The chunk boundaries depend
 * only on the range and the grain, never on the thread count, so per-chunk partial sums reduced in chunk order
 * give the same float result on any number of threads.
 */
final class Chunks {
    /** Upper bound on chunks per call: enough to balance 2-16 threads, few enough to keep partials tiny. */
    static final int MAX = 16;

    private Chunks() {}

    @FunctionalInterface
    interface Body { void run(int chunk, int from, int to); }

    /** How many chunks [0, n) is cut into when each should hold at least {@code grain} items. */
    static int count(int n, int grain) {
        return Math.max(1, Math.min(MAX, n / Math.max(1, grain)));
    }

    static int start(int n, int chunks, int i) { return (int) ((long) n * i / chunks); }

    /** Runs {@code body} over [0, n) cut into {@code chunks} fixed pieces. */
    static void run(int n, int chunks, Body body) {
        if (n <= 0) return;
        if (chunks == 1) { body.run(0, 0, n); return; }
        Parallel.forRange(chunks, (a, b) -> {
            for (int i = a; i < b; i++) body.run(i, start(n, chunks, i), start(n, chunks, i + 1));
        });
    }

    /** Element-wise work over [0, n): parallel only when there is enough of it to pay for the hand-off. */
    static void elements(int n, Parallel.Range body) {
        run(n, count(n, 1 << 15), (chunk, from, to) -> body.run(from, to));
    }

    /** Sum over chunks of {@code partial[chunk * stride + index]}, in chunk order. */
    static double sum(double[] partial, int chunks, int stride, int index) {
        double s = 0;
        for (int i = 0; i < chunks; i++) s += partial[i * stride + index];
        return s;
    }
}
