package bnnsr.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Parallel#forRange}'s fast path: {@code threads - 1} worker threads that wait for the next parallel section
 * by spinning for a while before they park, with the calling thread running chunk 0 itself.
 * <p>
 * Why: a section through the fork-join pool costs 15-40 us here (Zen 5 VM, measured with trivial bodies): the
 * caller parks, a worker is unparked, and waking a halted vCPU goes through the hypervisor. The engine runs
 * thousands of sections per image in the band schedule (a few per step and band): srresnet-bam's binary part on a
 * 320x180 x4 image in 8-row bands took 145-229 ms through the pool, 101-143 ms with this team (interleaved runs in
 * one JVM). A worker that is still spinning starts
 * within a fraction of a microsecond; one that has parked (after {@link #SPIN_NANOS} without work) is unparked
 * as before. The chunks are {@link Chunks#start}'s, whoever runs them: results do not change.
 * <p>
 * One caller at a time: a second thread that finds the team busy (concurrent requests in {@code serve}, Spark
 * tasks) gets {@code false} from {@link #run} and takes the fork-join pool instead.
 */
final class SpinTeam {
    /** How long an idle worker spins before it parks: covers the gaps between a forward's sections. */
    static final long SPIN_NANOS = 50_000;
    /**
     * How long the caller, its chunk done, spins for the workers' before it parks: spinning longer costs the workers
     * speed when the VM's two vCPUs share a physical core (popcount-bound work measured ~1.8x slower in such spells).
     */
    static final long WAIT_NANOS = 20_000;

    /** One parallel section, published to the workers through {@link #section}. */
    private record Section(Parallel.Range body, int n, int k, AtomicInteger pending, AtomicReference<Throwable> failure, Thread caller,
                           AtomicBoolean callerParked) {}

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Section section;
    private volatile boolean shutdown;
    /** The thread running a section now: its nested calls run inline (its chunk is its share of the cores). */
    private volatile Thread owner;

    SpinTeam(int threads) {
        workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            Thread t = new Thread(workers[i], "bnnsr-spin-" + (i + 1));
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
    }

    /** True on this team's worker threads and on the thread whose section is running. */
    boolean inside() {
        Thread t = Thread.currentThread();
        if (t == owner) return true;
        for (Worker w : workers) if (w.thread == t) return true;
        return false;
    }

    /**
     * Runs {@code body} over [0, n) in {@code k} chunks ({@code 2 <= k <= threads}), chunk 0 on the calling thread;
     * false (nothing run) when another caller holds the team.
     */
    boolean run(int n, int k, Parallel.Range body) {
        if (shutdown || !busy.compareAndSet(false, true)) return false;
        Section s = new Section(body, n, k, new AtomicInteger(k - 1), new AtomicReference<>(), Thread.currentThread(), new AtomicBoolean());
        owner = Thread.currentThread();
        try {
            section = s;                                   // the volatile write publishes the section
            for (int i = 0; i < k - 1; i++) if (workers[i].parked) LockSupport.unpark(workers[i].thread);
            try {
                body.run(Chunks.start(n, k, 0), Chunks.start(n, k, 1));
            } catch (Throwable e) {
                s.failure.compareAndSet(null, e);
            }
            long spun = System.nanoTime();
            for (int spins = 0; s.pending.get() != 0; spins++) {
                if ((spins & 63) != 63 || System.nanoTime() - spun < WAIT_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                // the last worker to finish unparks us when it sees callerParked (volatile on both sides)
                s.callerParked.set(true);
                while (s.pending.get() != 0) LockSupport.park(this);
            }
        } finally {
            owner = null;
            busy.set(false);
        }
        Throwable e = s.failure.get();
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error r) throw r;
        if (e != null) throw new RuntimeException(e);
        return true;
    }

    /** Stops the workers (they finish the section they are in first). */
    void shutdown() {
        shutdown = true;
        for (Worker w : workers) LockSupport.unpark(w.thread);
    }

    private final class Worker implements Runnable {
        final int index;
        Thread thread;
        volatile boolean parked;

        Worker(int index) { this.index = index; }

        @Override public void run() {
            Section last = null;
            while (!shutdown) {
                Section s = awaitNext(last);
                if (s == null) return;
                last = s;
                if (index >= s.k) continue;                // a section with fewer chunks than threads
                try {
                    s.body.run(Chunks.start(s.n, s.k, index), Chunks.start(s.n, s.k, index + 1));
                } catch (Throwable e) {
                    s.failure.compareAndSet(null, e);
                } finally {
                    if (s.pending.decrementAndGet() == 0 && s.callerParked.get()) LockSupport.unpark(s.caller);
                }
            }
        }

        /** Spins, then parks, until a section other than {@code last} is published; null on shutdown. */
        private Section awaitNext(Section last) {
            long start = System.nanoTime();
            for (int spins = 0; ; spins++) {
                Section s = section;
                if (s != last) return s;
                if (shutdown) return null;
                if ((spins & 255) != 255 || System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                // park; the caller unparks a worker it sees parked after publishing (either we see its section
                // here, or it sees parked = true: both are volatile)
                parked = true;
                if (section == last && !shutdown) LockSupport.park(this);
                parked = false;
                start = System.nanoTime();
            }
        }
    }
}
