package bnnsr.train;

/**
 * Learning rate as a function of the iteration: constant, step (multiply by {@code gamma} every {@code period}
 * iterations, e.g. the paper's halving), or cosine annealing from the base rate to {@code minLr} over the run
 * (BasicSR's CosineAnnealingRestartLR with one period).
 */
public sealed interface LrSchedule {
    double lr(long iteration);

    record Constant(double base) implements LrSchedule {
        @Override public double lr(long iteration) { return base; }
    }

    record Step(double base, long period, double gamma) implements LrSchedule {
        public Step {
            if (period < 1) throw new IllegalArgumentException("step schedule period must be >= 1");
        }
        @Override public double lr(long iteration) { return base * Math.pow(gamma, iteration / period); }
    }

    record Cosine(double base, long total, double minLr) implements LrSchedule {
        @Override public double lr(long iteration) {
            double t = Math.min(1.0, (double) iteration / Math.max(1, total));
            return minLr + 0.5 * (base - minLr) * (1 + Math.cos(Math.PI * t));
        }
    }

    /** Builds a schedule by name: {@code constant}, {@code step}, {@code cosine}. */
    static LrSchedule of(String name, double base, long totalIters, long period, double gamma, double minLr) {
        return switch (name) {
            case "constant" -> new Constant(base);
            case "step" -> new Step(base, period, gamma);
            case "cosine" -> new Cosine(base, totalIters, minLr);
            default -> throw new IllegalArgumentException("unknown LR schedule '" + name + "' (constant, step, cosine)");
        };
    }
}
