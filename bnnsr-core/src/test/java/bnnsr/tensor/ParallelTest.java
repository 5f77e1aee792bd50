package bnnsr.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParallelTest {
    /** A copy split over threads (big) or not (small) equals System.arraycopy's, and leaves the rest alone. */
    @Test void copyEqualsArraycopyWhateverTheSize() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                for (int length : new int[] {0, 5, Parallel.PARALLEL_COPY - 1, Parallel.PARALLEL_COPY + 7}) {
                    float[] src = new float[length + 11];
                    for (int i = 0; i < src.length; i++) src[i] = i * 0.5f;
                    float[] want = new float[length + 20], got = new float[length + 20];
                    Arrays.fill(want, -1f);
                    Arrays.fill(got, -1f);
                    System.arraycopy(src, 3, want, 9, length);
                    Parallel.copy(src, 3, got, 9, length);
                    assertArrayEquals(want, got, threads + " threads, " + length + " floats");
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
        float[] a = new float[10];
        assertThrows(IllegalArgumentException.class, () -> Parallel.copy(a, 0, a, 1, 5));
    }

    /**
     * forRange through the spinning team and through the fork-join pool: every index once, in the chunks
     * {@link Chunks#start} gives (so float sums do not depend on the path), for 1..4 threads and fewer items than
     * threads; nested calls run inline on the thread that makes them.
     */
    @Test void forRangeRunsEachChunkOnceOnEitherPath() {
        int before = Parallel.threads();
        try {
            for (boolean spin : new boolean[] {true, false})
                for (int threads = 1; threads <= 4; threads++) {
                    Parallel.setThreads(threads);
                    Parallel.setSpinning(spin);
                    for (int n : new int[] {1, 2, 3, 1000}) {
                        for (int rep = 0; rep < 200; rep++) {
                            int[] hits = new int[n];
                            java.util.Set<String> chunks = java.util.concurrent.ConcurrentHashMap.newKeySet();
                            Parallel.forRange(n, (a, b) -> {
                                chunks.add(a + ".." + b);
                                for (int i = a; i < b; i++) hits[i]++;
                            });
                            int[] ones = new int[n];
                            Arrays.fill(ones, 1);
                            assertArrayEquals(ones, hits, spin + ", " + threads + " threads, n " + n);
                            int k = Math.min(threads, n);
                            java.util.Set<String> want = new java.util.HashSet<>();
                            for (int i = 0; i < k; i++) want.add(Chunks.start(n, k, i) + ".." + Chunks.start(n, k, i + 1));
                            org.junit.jupiter.api.Assertions.assertEquals(want, chunks);
                        }
                        // nested in a parallel section: the inner call runs on the thread of the outer chunk
                        if (n < 2 || threads < 2) continue;
                        java.util.Set<Boolean> sameThread = java.util.concurrent.ConcurrentHashMap.newKeySet();
                        Parallel.forRange(n, (a, b) -> {
                            Thread outer = Thread.currentThread();
                            Parallel.forRange(10, (c, d) -> sameThread.add(Thread.currentThread() == outer));
                        });
                        org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of(true), sameThread, spin + ", " + threads + " threads, n " + n);
                    }
                }
        } finally {
            Parallel.setSpinning(true);
            Parallel.setThreads(before);
        }
    }

    /** An exception in any chunk (the caller's own or a worker's) reaches the caller, and the team stays usable. */
    @Test void exceptionsInAnyChunkReachTheCaller() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            for (int failing = 0; failing < 2; failing++) {
                int f = failing;
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(2, (a, b) -> {
                    if (a == f) throw new IllegalStateException("chunk " + f);
                }));
                org.junit.jupiter.api.Assertions.assertEquals("chunk " + f, e.getMessage());
                int[] hits = new int[2];
                Parallel.forRange(2, (a, b) -> hits[a]++);
                assertArrayEquals(new int[] {1, 1}, hits);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * Several threads calling at once (serve's requests, Spark's tasks): one gets the spinning team, the others the
     * fork-join pool; every call still sees each of its indices once.
     */
    @Test void concurrentCallersEachGetTheirWholeRange() throws Exception {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
                for (int c = 0; c < 4; c++)
                    results.add(callers.submit(() -> {
                        for (int rep = 0; rep < 300; rep++) {
                            long[] sum = new long[1];
                            Parallel.forRange(1000, (a, b) -> {
                                long s = 0;
                                for (int i = a; i < b; i++) s += i;
                                synchronized (sum) { sum[0] += s; }
                            });
                            if (sum[0] != 999L * 1000 / 2) return false;
                        }
                        return true;
                    }));
                for (java.util.concurrent.Future<Boolean> r : results) org.junit.jupiter.api.Assertions.assertTrue(r.get(60, java.util.concurrent.TimeUnit.SECONDS));
            } finally {
                callers.shutdownNow();
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
