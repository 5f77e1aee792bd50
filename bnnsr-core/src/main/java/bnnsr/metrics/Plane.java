package bnnsr.metrics;

/**
 * A height x width plane of doubles (a Y channel on the 0..255 scale), row-major, the unit the metrics work on.
 * Metrics measure the plane without {@code shave} pixels at each border (the SR papers' border crop).
 */
public record Plane(int height, int width, double[] values) {
    public Plane {
        if (height <= 0 || width <= 0 || values.length != height * width)
            throw new IllegalArgumentException("plane " + height + "x" + width + " with " + values.length + " values");
    }

    /** Checks that two planes can be compared after shaving and returns the shaved size {height, width}. */
    static int[] shavedSize(Plane a, Plane b, int shave, int minSide, String metric) {
        if (a.height != b.height || a.width != b.width)
            throw new IllegalArgumentException(metric + " of planes of different sizes: " + a.width + "x" + a.height
                    + " and " + b.width + "x" + b.height);
        if (shave < 0) throw new IllegalArgumentException("shave must be >= 0, got " + shave);
        int h = a.height - 2 * shave, w = a.width - 2 * shave;
        if (h < minSide || w < minSide)
            throw new IllegalArgumentException(metric + " needs at least " + minSide + "x" + minSide + " pixels after shaving "
                    + shave + " from a " + a.width + "x" + a.height + " plane");
        return new int[] {h, w};
    }
}
