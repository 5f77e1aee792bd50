package bnnsr.binarize;

import bnnsr.tensor.Parallel;

/**
 * The element-wise loops of the binarizers on the project's thread pool. Sums are taken over a fixed number of
 * chunks and added in chunk order, so they do not depend on the thread count.
 */
final class Work {
    static final int CHUNKS = 16;
    private static final int MIN_PARALLEL = 1 << 14;

    private Work() {}

    /** Runs {@code body} over [0, n) split across the threads (work without reductions). */
    static void range(int n, Parallel.Range body) {
        if (n < MIN_PARALLEL) body.run(0, n);
        else Parallel.forRange(n, body);
    }

    @FunctionalInterface
    interface PartialSum { double run(int from, int to); }

    /** Sum over [0, n) of {@code body}'s partial sums on {@link #CHUNKS} fixed chunks. */
    static double sum(int n, PartialSum body) {
        if (n <= 0) return 0;
        int k = Math.min(CHUNKS, n);
        double[] part = new double[k];
        Parallel.forRange(k, n < MIN_PARALLEL ? 1 : k, (a, b) -> {
            for (int c = a; c < b; c++) part[c] = body.run(start(n, k, c), start(n, k, c + 1));
        });
        double s = 0;
        for (double p : part) s += p;
        return s;
    }

    private static int start(int n, int k, int i) { return (int) ((long) n * i / k); }
}
