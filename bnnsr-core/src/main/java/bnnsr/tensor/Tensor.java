package bnnsr.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in NHWC layout: element (n, y, x, c) lives at ((n * h + y) * w + x) * c + c.
 * Activations are NHWC; the shape is fixed at construction, the data array is reused by callers.
 */
public final class Tensor {
    public final int n, h, w, c;
    public final float[] data;

    public Tensor(int n, int h, int w, int c) {
        this(n, h, w, c, new float[checkedSize(n, h, w, c)]);
    }

    public Tensor(int n, int h, int w, int c, float[] data) {
        if (data.length < checkedSize(n, h, w, c))
            throw new IllegalArgumentException("data too short for " + n + "x" + h + "x" + w + "x" + c);
        this.n = n; this.h = h; this.w = w; this.c = c;
        this.data = data;
    }

    private static int checkedSize(int n, int h, int w, int c) {
        if (n <= 0 || h <= 0 || w <= 0 || c <= 0) throw new IllegalArgumentException("bad shape " + n + "x" + h + "x" + w + "x" + c);
        long s = (long) n * h * w * c;
        if (s > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor too large: " + n + "x" + h + "x" + w + "x" + c);
        return (int) s;
    }

    public int size() { return n * h * w * c; }

    public int index(int in, int y, int x, int ch) { return ((in * h + y) * w + x) * c + ch; }

    public float get(int in, int y, int x, int ch) { return data[index(in, y, x, ch)]; }

    public void set(int in, int y, int x, int ch, float v) { data[index(in, y, x, ch)] = v; }

    public boolean sameShape(Tensor o) { return n == o.n && h == o.h && w == o.w && c == o.c; }

    public boolean hasShape(int n, int h, int w, int c) { return this.n == n && this.h == h && this.w == w && this.c == c; }

    public Tensor zero() { Arrays.fill(data, 0, size(), 0f); return this; }

    public Tensor copy() { return new Tensor(n, h, w, c, Arrays.copyOf(data, size())); }

    /**
     * Checks that rows [rowFrom, rowTo) of {@code rowFloats} floats each, written at row {@code row + shift} (a band
     * schedule's row store keeps rows where its readers want them), fit an array of {@code length} floats; else
     * {@code what + " " + rowFrom + ".." + rowTo + " shifted by " + shift + " do not fit the output array"}.
     */
    public static void checkShiftedRows(String what, int rowFrom, int rowTo, int shift, long rowFloats, int length) {
        if (rowFrom + shift < 0 || (rowTo + shift) * rowFloats > length)
            throw new IllegalArgumentException(what + " " + rowFrom + ".." + rowTo + " shifted by " + shift + " do not fit the output array");
    }

    /** Returns {@code t} when it already has this shape, else a new tensor: the reuse idiom for layer buffers. */
    public static Tensor reuse(Tensor t, int n, int h, int w, int c) {
        return t != null && t.hasShape(n, h, w, c) ? t : new Tensor(n, h, w, c);
    }

    public String shape() { return "[" + n + "," + h + "," + w + "," + c + "]"; }

    @Override public String toString() { return "Tensor" + shape(); }
}
