package bnnsr.serve;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded job queue: {@code workers} threads run jobs, at most {@code capacity} wait; a job beyond that is
 * refused (the API answers 429) instead of piling up memory. Each job is cancelled {@code timeout} after it was
 * accepted, and is findable by id while it exists (for the page's progress display).
 */
final class JobQueue implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final Map<String, UpscaleJob> live = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong(), refused = new AtomicLong();

    JobQueue(int workers, int capacity, Duration timeout) {
        // capacity 0 is a hand-off: a job is taken only when a worker is free
        var queue = capacity == 0 ? new java.util.concurrent.SynchronousQueue<Runnable>() : new ArrayBlockingQueue<Runnable>(capacity);
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, queue,
                Thread.ofPlatform().name("bnnsr-upscale-", 0).daemon(true).factory(), new ThreadPoolExecutor.AbortPolicy());
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bnnsr-timeout").daemon(true).factory());
        this.timeout = timeout;
    }

    /** Queues the job, or throws ApiException 429 when the queue is full (503 when shutting down). */
    void submit(UpscaleJob job) {
        if (pool.isShutdown()) throw new ApiException(503, "the server is shutting down");
        live.put(job.id, job);
        try {
            pool.execute(job);
        } catch (RejectedExecutionException e) {
            live.remove(job.id, job);
            refused.incrementAndGet();
            if (pool.isShutdown()) throw new ApiException(503, "the server is shutting down");
            throw new ApiException(429, "busy: " + pool.getActiveCount() + " job(s) running and " + pool.getQueue().size()
                    + " waiting (the most allowed); try again shortly");
        }
        accepted.incrementAndGet();
        var t = timer.schedule(() -> job.cancel(503, "timed out after " + timeout.toSeconds() + " s (the server's limit per request)"),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        job.result.whenComplete((r, e) -> {
            t.cancel(false);
            live.remove(job.id, job);
            if (e != null) pool.remove(job);         // a cancelled job gives its queue place back at once
        });
    }

    UpscaleJob find(String id) { return live.get(id); }

    /** Jobs waiting ahead of this one (0 when it runs or is unknown). */
    int ahead(UpscaleJob job) {
        int n = 0;
        for (Runnable r : pool.getQueue()) {
            if (r == job) return n;
            n++;
        }
        return 0;
    }

    int running() { return pool.getActiveCount(); }

    int waiting() { return pool.getQueue().size(); }

    long accepted() { return accepted.get(); }

    long refused() { return refused.get(); }

    /** Refuses new jobs, lets the running and queued ones finish for up to {@code grace}, then cancels the rest. */
    @Override public void close() { close(Duration.ZERO); }

    void close(Duration grace) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                for (UpscaleJob j : live.values()) j.cancel(503, "the server is shutting down");
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            timer.shutdownNow();
        }
    }
}
