package bnnsr.tensor;

import java.util.Arrays;

/**
 * A small ring of zero-padded copies of a tensor's rows, so convolution kernels never test borders: each row gets
 * {@code pad} zero pixels on both sides, is at least {@code minWidth} pixels wide inside (zeros beyond the image),
 * and has pixel stride {@code stride >= c} (channels beyond {@code c} zero). A thread walking output rows in order
 * copies each input row once, while it is hot in cache, instead of padding the whole tensor up front.
 */
final class PaddedRows {
    private float[] buf = new float[0];
    private int[] tagImage = new int[0], tagRow = new int[0];
    private Tensor t;
    private int slots, pad, stride, rowLen;

    /** Starts a pass over {@code t} with room for {@code slots} rows at a time; forgets all cached rows. */
    void reset(Tensor t, int slots, int pad, int stride, int minWidth) {
        if (stride < t.c) throw new IllegalArgumentException("stride " + stride + " < channels " + t.c);
        this.t = t;
        this.slots = slots;
        this.pad = pad;
        this.stride = stride;
        this.rowLen = (Math.max(t.w, minWidth) + 2 * pad) * stride;
        if (buf.length < slots * rowLen) buf = new float[slots * rowLen];
        if (tagImage.length < slots) { tagImage = new int[slots]; tagRow = new int[slots]; }
        Arrays.fill(tagImage, 0, slots, -1);
    }

    float[] data() { return buf; }

    /** Pixel stride of the padded rows. */
    int stride() { return stride; }

    /** Offset in {@link #data()} of padded row {@code y} of image {@code n}, copying it in when not cached. */
    int row(int n, int y) {
        int slot = y % slots, base = slot * rowLen;
        if (tagImage[slot] == n && tagRow[slot] == y) return base;
        tagImage[slot] = n;
        tagRow[slot] = y;
        int c = t.c, w = t.w, src = t.index(n, y, 0, 0), left = base + pad * stride;
        Arrays.fill(buf, base, left, 0f);
        if (stride == c) {
            System.arraycopy(t.data, src, buf, left, w * c);
        } else {
            for (int x = 0, d = left; x < w; x++, d += stride, src += c) {
                System.arraycopy(t.data, src, buf, d, c);
                Arrays.fill(buf, d + c, d + stride, 0f);
            }
        }
        Arrays.fill(buf, left + w * stride, base + rowLen, 0f);
        return base;
    }
}
