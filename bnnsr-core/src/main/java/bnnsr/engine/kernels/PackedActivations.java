package bnnsr.engine.kernels;

import bnnsr.tensor.Tensor;

import java.util.Arrays;

/**
 * Sign-packed NHWC activations: 64 channel signs per {@code long} (bit 1 = -1, bit 0 = +1, channel c in bit
 * c % 64 of word c / 64), with a border of {@code pad} pixels on every side so a k x k binary conv (pad >= k / 2)
 * reads its taps without bounds tests.
 * <p>
 * Invariant every kernel relies on: border pixels and the channel bits past {@code c} are zero. A binary conv
 * then sees a known value (+1) there and removes its contribution exactly (zero padding semantics).
 */
public final class PackedActivations {
    public final int n, h, w, c, pad;
    /** Words per pixel: ceil(c / 64). */
    public final int words;
    /** Padded height and width. */
    public final int ph, pw;
    public final long[] bits;

    public PackedActivations(int n, int h, int w, int c, int pad) {
        if (n <= 0 || h <= 0 || w <= 0 || c <= 0 || pad < 0)
            throw new IllegalArgumentException("bad packed shape " + n + "x" + h + "x" + w + "x" + c + " pad " + pad);
        this.n = n; this.h = h; this.w = w; this.c = c; this.pad = pad;
        this.words = wordsFor(c);
        this.ph = h + 2 * pad;
        this.pw = w + 2 * pad;
        // two pixels of slack at the end: the 3-pixel kernels' phantom pixels past a row's end may read them
        long size = ((long) n * ph * pw + 2) * words;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("packed tensor too large");
        this.bits = new long[(int) size];
    }

    public static int wordsFor(int channels) { return (channels + 63) >>> 6; }

    /** Returns {@code p} when it already has this shape (keeping its zero border), else a new buffer. */
    public static PackedActivations reuse(PackedActivations p, int n, int h, int w, int c, int pad) {
        return p != null && p.hasShape(n, h, w, c, pad) ? p : new PackedActivations(n, h, w, c, pad);
    }

    public boolean hasShape(int n, int h, int w, int c, int pad) {
        return this.n == n && this.h == h && this.w == w && this.c == c && this.pad == pad;
    }

    /** Index of the first word of image pixel (y, x) of image {@code in} (unpadded coordinates). */
    public int index(int in, int y, int x) { return ((in * ph + y + pad) * pw + x + pad) * words; }

    /** The sign (+1 or -1) of channel {@code ch} at image pixel (y, x). */
    public int sign(int in, int y, int x, int ch) {
        return (bits[index(in, y, x) + (ch >>> 6)] >>> (ch & 63) & 1L) == 0 ? 1 : -1;
    }

    /** The signs as a +-1 float tensor (tests and parity checks). */
    public Tensor toSigns() {
        Tensor t = new Tensor(n, h, w, c);
        for (int in = 0; in < n; in++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++) t.set(in, y, x, ch, sign(in, y, x, ch));
        return t;
    }

    /** Clears everything (border included); only needed when a buffer is repurposed by hand. */
    public void clear() { Arrays.fill(bits, 0L); }

    public String shape() { return "packed[" + n + "," + h + "," + w + "," + c + " pad " + pad + "]"; }

    @Override public String toString() { return shape(); }
}
