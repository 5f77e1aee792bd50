package bnnsr.engine.graph;

import bnnsr.tensor.Parallel;

/**
 * Rows of a step in bands of a few rows, each band's float output first written to a per-thread buffer sized to
 * stay in L2 ({@link #BYTES}), then read back from there by a fused epilogue. Sized for the 1 MB L2 per core of
 * the Zen 5 (family 26) this ran on: the buffer, the band's input rows and its output rows (each about the
 * buffer's size for a C -> C conv) take ~3/4 of it; the Intel box's 2 MB L2 holds that twice. (Indicative,
 * shared machine: 80-960 KB buffers ran within the noise of each other at 320 and 1280 pixels wide.) Bands go to threads in contiguous
 * runs ({@link Parallel#forRange}); inside a band the kernels run on the calling thread. The rows each band covers
 * do not change a result (every output row is computed alone), so neither do the band height or thread count.
 */
final class Bands {
    /** Band buffer size the band height aims at. */
    static final int BYTES = 256 << 10;
    private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    /** One band: rows [from, to) with the buffer (at least (to - from) * rowFloats floats). */
    @FunctionalInterface
    interface Body { void run(int from, int to, float[] buffer); }

    private Bands() {}

    /** Runs rows [from, to) in bands of rows of {@code rowFloats} floats each. */
    static void run(int from, int to, int rowFloats, Body body) {
        int rows = Math.max(1, BYTES / (4 * rowFloats));
        Parallel.forRange((to - from + rows - 1) / rows, (b0, b1) -> {
            float[] buffer = buffer(rows * rowFloats);
            for (int b = b0; b < b1; b++) {
                int r0 = from + b * rows;
                body.run(r0, Math.min(to, r0 + rows), buffer);
            }
        });
    }

    private static float[] buffer(int size) {
        float[] b = BUFFER.get();
        if (b.length < size) BUFFER.set(b = new float[size]);
        return b;
    }
}
