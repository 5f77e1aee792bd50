package bnnsr.train;

import java.util.Arrays;

/**
 * Learning rate as a function of t, the scheduler's {@code last_epoch} in PyTorch terms, for schedulers stepped once
 * per iteration. Plain PyTorch loops (optimizer.step() then scheduler.step()) train step k (0-based) with lr(k);
 * BasicSR steps the scheduler before each iteration, so its iteration k (1-based) trains with lr(k).
 */
@FunctionalInterface
public interface LrSchedule {
    double lr(long iteration);

    static LrSchedule constant(double lr) { return t -> lr; }

    /** torch StepLR: {@code base * gamma^(t / every)}. */
    static LrSchedule step(double base, long every, double gamma) {
        if (every < 1) throw new IllegalArgumentException("step schedule period must be >= 1");
        return t -> base * Math.pow(gamma, t / every);
    }

    /** torch MultiStepLR: {@code base * gamma^(number of milestones <= t)}; halving is gamma = 0.5. */
    static LrSchedule multiStep(double base, long[] milestones, double gamma) {
        long[] ms = milestones.clone();
        Arrays.sort(ms);
        return t -> {
            int passed = 0;
            while (passed < ms.length && ms[passed] <= t) passed++;
            return base * Math.pow(gamma, passed);
        };
    }

    /**
     * Cosine annealing from {@code base} to {@code etaMin} over {@code period} steps (torch CosineAnnealingLR's
     * closed form for t <= period), then held at etaMin.
     */
    static LrSchedule cosine(double base, long period, double etaMin) {
        return cosineRestarts(base, new long[] {period}, new double[] {1}, etaMin);
    }

    /**
     * BasicSR's CosineAnnealingRestartLR: consecutive cosine periods, the i-th starting from
     * {@code etaMin + weights[i] * (base - etaMin)}; held at etaMin after the last period.
     */
    static LrSchedule cosineRestarts(double base, long[] periods, double[] weights, double etaMin) {
        if (periods.length == 0 || periods.length != weights.length)
            throw new IllegalArgumentException("cosine restarts need one weight per period");
        long[] ps = periods.clone();
        double[] ws = weights.clone();
        for (long p : ps) if (p < 1) throw new IllegalArgumentException("cosine period must be >= 1");
        return t -> {
            long start = 0;
            for (int i = 0; i < ps.length; i++) {
                // as BasicSR's get_position_from_periods: t belongs to the first period whose cumulative end >= t
                if (t <= start + ps[i])
                    return etaMin + ws[i] * 0.5 * (base - etaMin) * (1 + Math.cos(Math.PI * (t - start) / ps[i]));
                start += ps[i];
            }
            return etaMin;
        };
    }
}
