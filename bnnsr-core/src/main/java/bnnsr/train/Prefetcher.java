package bnnsr.train;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prepares the next batch on a background thread while the current step runs. Two buffers alternate: the one
 * being trained on is never written.
 */
public final class Prefetcher implements AutoCloseable {
    private final PatchSampler sampler;
    private final PatchSampler.Batch[] buffers;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bnnsr-batches");
        t.setDaemon(true);
        return t;
    });
    private Future<PatchSampler.Batch> next;
    private long nextIteration;

    public Prefetcher(PatchSampler sampler, long firstIteration) {
        this.sampler = sampler;
        this.buffers = new PatchSampler.Batch[] {sampler.newBatch(), sampler.newBatch()};
        schedule(firstIteration);
    }

    private void schedule(long iteration) {
        PatchSampler.Batch buf = buffers[(int) (iteration & 1)];
        nextIteration = iteration;
        next = worker.submit(() -> { sampler.fill(iteration, buf); return buf; });
    }

    /** The batch of {@code iteration} (which must follow the previous call's), and starts preparing the one after. */
    public PatchSampler.Batch take(long iteration) {
        if (iteration != nextIteration) throw new IllegalStateException("asked for batch " + iteration + ", prepared " + nextIteration);
        PatchSampler.Batch b;
        try {
            b = next.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("preparing batch " + iteration + " failed: " + e.getCause(), e.getCause());
        }
        schedule(iteration + 1);
        return b;
    }

    @Override public void close() { worker.shutdownNow(); }
}
