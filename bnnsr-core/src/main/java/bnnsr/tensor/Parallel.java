package bnnsr.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The project's one thread pool. Work is split into a fixed number of contiguous chunks (one per thread), so the
 * split, and hence float summation order, depends only on the thread count, never on scheduling.
 */
public final class Parallel {
    private static volatile int threads = Integer.getInteger("bnnsr.threads", Runtime.getRuntime().availableProcessors());
    private static volatile ForkJoinPool pool = new ForkJoinPool(threads);
    /** {@link #forRange}'s fast path (see {@link SpinTeam}); the pool serves {@link #forEach} and concurrent callers. */
    private static volatile SpinTeam team = new SpinTeam(threads);
    private static volatile boolean spinning = !"false".equals(System.getProperty("bnnsr.spin"));

    /** Whether {@link #forRange} uses its spinning workers (true unless -Dbnnsr.spin=false; benchmarks compare). */
    public static void setSpinning(boolean on) { spinning = on; }

    private Parallel() {}

    public static int threads() { return threads; }

    /** Sets the number of worker threads (the CLI's --threads). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads) return;
        ForkJoinPool old = pool;
        SpinTeam oldTeam = team;
        pool = new ForkJoinPool(n);
        team = new SpinTeam(n);
        threads = n;
        old.shutdown();
        oldTeam.shutdown();
    }

    /** A body run over the half-open index range [from, to). */
    @FunctionalInterface
    public interface Range { void run(int from, int to); }

    /** Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks. */
    public static void forRange(int n, Range body) { forRange(n, threads, body); }

    /** As {@link #forRange(int, Range)} with an explicit chunk count (results may depend on it; keep it fixed). */
    public static void forRange(int n, int chunks, Range body) {
        if (n <= 0) return;
        int k = Math.max(1, Math.min(chunks, n));
        if (k == 1 || threads == 1 || inPool()) {
            for (int i = 0; i < k; i++) body.run(Chunks.start(n, k, i), Chunks.start(n, k, i + 1));
            return;
        }
        SpinTeam t = team;
        if (spinning && k <= threads && t.run(n, k, body)) return;
        RecursiveAction[] tasks = new RecursiveAction[k];
        for (int i = 0; i < k; i++) {
            final int a = Chunks.start(n, k, i), b = Chunks.start(n, k, i + 1);
            tasks[i] = new RecursiveAction() { @Override protected void compute() { body.run(a, b); } };
        }
        pool.invoke(new RecursiveAction() {
            @Override protected void compute() { invokeAll(tasks); }
        });
    }

    /**
     * Runs {@code task} for each index in [0, n) on the pool's threads, several at once: independent jobs (images)
     * one per core. Inside a task, {@link #forRange} runs inline (one core per task), with the same chunks and
     * hence the same float results as when called from outside.
     */
    public static void forEach(int n, java.util.function.IntConsumer task) {
        if (n <= 0) return;
        if (n == 1 || threads == 1 || inPool()) {
            for (int i = 0; i < n; i++) task.accept(i);
            return;
        }
        RecursiveAction[] tasks = new RecursiveAction[n];
        for (int i = 0; i < n; i++) {
            final int j = i;
            tasks[i] = new RecursiveAction() { @Override protected void compute() { task.accept(j); } };
        }
        pool.invoke(new RecursiveAction() {
            @Override protected void compute() { invokeAll(tasks); }
        });
    }

    /** Floats below which {@link #copy} copies on the calling thread (a split costs more than it saves). */
    static final int PARALLEL_COPY = 1 << 18;

    /**
     * {@code System.arraycopy} of {@code length} floats between two different arrays, split over the threads when
     * it is big: one core alone does not reach the memory bandwidth the copies of the band schedule need.
     */
    public static void copy(float[] src, int srcPos, float[] dst, int dstPos, int length) {
        if (src == dst) throw new IllegalArgumentException("parallel copy within one array");
        if (length < PARALLEL_COPY || threads == 1) {
            System.arraycopy(src, srcPos, dst, dstPos, length);
            return;
        }
        forRange(length, (a, b) -> System.arraycopy(src, srcPos + a, dst, dstPos + a, b - a));
    }

    private static boolean inPool() {
        return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread t && t.getPool() == pool || team.inside();
    }

}
