package bnnsr;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checks of kernels that write a band's rows into a caller's array at a row shift (a band schedule's row store). */
public final class RowStores {
    private RowStores() {}

    /** An array of rows of {@code rowFloats}, big enough for rows [.., to) shifted by {@code shift}, filled with {@code fill}. */
    public static float[] filled(int to, int shift, int rowFloats, float fill) {
        float[] out = new float[(to + Math.max(shift, 0) + 1) * rowFloats];
        java.util.Arrays.fill(out, fill);
        return out;
    }

    /** Rows [from, to) of {@code whole} sit at their row + shift in {@code out}; every other float is still {@code fill}. */
    public static void assertShifted(float[] whole, float[] out, int rowFloats, int from, int to, int shift, float fill, String what) {
        for (int i = 0; i < out.length; i++) {
            int y = i / rowFloats - shift;
            assertEquals(y >= from && y < to ? whole[y * rowFloats + i % rowFloats] : fill, out[i],
                    what + ": row " + y + " of " + from + ".." + to + " shift " + shift);
        }
    }
}
