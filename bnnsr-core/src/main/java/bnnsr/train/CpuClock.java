package bnnsr.train;

import java.lang.management.ManagementFactory;

/**
 * A training run's cumulative CPU time: the CPU seconds of earlier sittings (from the checkpoint) plus this
 * process's CPU time since the clock started (all threads: the kernels' workers, the batch prefetcher, validation).
 * Summed over cores, so CPU seconds / 3600 are core-hours, the budget unit of issue 9's recipes.
 */
final class CpuClock {
    private final double base;
    private final long start;

    /** Starts now, {@code earlierSeconds} already spent. */
    CpuClock(double earlierSeconds) {
        this.base = earlierSeconds;
        this.start = processCpuNanos();
    }

    /** CPU seconds spent by the run so far. */
    double seconds() { return base + (processCpuNanos() - start) / 1e9; }

    /** This process's CPU time in nanoseconds (all threads). */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long t = os.getProcessCpuTime();
            if (t >= 0) return t;
        }
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }
}
