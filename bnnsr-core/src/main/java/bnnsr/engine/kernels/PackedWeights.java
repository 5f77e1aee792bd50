package bnnsr.engine.kernels;

/**
 * The signs of a binary conv's weights, packed for the popcount kernels, plus the constants that make its zero
 * padding exact.
 * <p>
 * Storage layout, 32-bit words (the popcount kernels read {@link InterleavedWeights}, derived from it once): half
 * h holds input channels 32h .. 32h+31 (bit i % 32), i.e. the low or high half of the activations' 64-channel long
 * word (there are always 2 halves per long, the high one zero past {@code cin}). Output channels are grouped in
 * blocks of 64 ({@link #BLOCK}), the last one narrower; a block of width B starting at channel b is stored
 * contiguously at {@code b * k*k*halves} as {@code [tap][half][B]}.
 * Output channels are padded to a multiple of {@link #COUT_BLOCK} with zero words (their results are never stored);
 * input channel bits past {@code cin} are zero, like the activations', so they never count in a popcount of XOR.
 * <p>
 * Zero padding: a kernel reads border pixels as all-zero words (+1) and sums popcounts over all k*k taps. For a
 * pixel whose window sticks out by (top, bottom, left, right) rows/columns, {@link #offset} holds
 * {@code validTaps * cin + 2 * (the -1 weights of the padded taps)}, so that the exact result, the one a float
 * conv of the +-1 input with zero padding gives, is {@code offset - 2 * popcountSum}.
 */
public final class PackedWeights {
    /** 32-bit lanes of the platform's preferred vector (16 with AVX-512): output channels per kernel vector. */
    public static final int LANES = jdk.incubator.vector.IntVector.SPECIES_PREFERRED.length();
    /** Output channels are padded to this. */
    public static final int COUT_BLOCK = LANES;
    /** Output channels per full weight block (the widest kernel tile). */
    public static final int BLOCK = 4 * LANES;

    /** words: 64-channel longs of the activations; halves: 32-channel words the kernels loop over. */
    public final int cout, cin, k, words, halves, coutPadded;
    public final int[] bits;
    /** Per border class (see {@link #borderClass}) and padded output channel: the exact-result offset. */
    private final int[] offsets;
    private final int classes;
    /** {@link InterleavedWeights} of these weights, built on the first conv (the bits never change after packing). */
    private volatile long[] interleaved;

    private PackedWeights(int cout, int cin, int k) {
        if (cout <= 0 || cin <= 0 || k <= 0 || k % 2 == 0)
            throw new IllegalArgumentException("bad binary conv shape " + cout + "x" + cin + "x" + k + "x" + k);
        this.cout = cout; this.cin = cin; this.k = k;
        this.words = PackedActivations.wordsFor(cin);
        this.halves = 2 * words;
        this.coutPadded = (cout + COUT_BLOCK - 1) / COUT_BLOCK * COUT_BLOCK;
        this.bits = new int[k * k * halves * coutPadded];
        int side = k / 2 + 1;
        this.classes = side * side * side * side;
        this.offsets = new int[classes * coutPadded];
    }

    /** Packs the signs of float weights in PyTorch order OIHW (w < 0 gives -1, zero gives +1). */
    public static PackedWeights fromOihw(float[] w, int cout, int cin, int k) {
        if (w.length != cout * cin * k * k) throw new IllegalArgumentException("weights have " + w.length + " values, want " + cout + "x" + cin + "x" + k + "x" + k);
        PackedWeights p = new PackedWeights(cout, cin, k);
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++)
                for (int t = 0; t < k * k; t++)
                    if (w[(o * cin + i) * k * k + t] < 0) p.bits[p.bitIndex(t, i >>> 5, o)] |= 1 << (i & 31);
        p.computeOffsets();
        return p;
    }

    /**
     * From the file layout: per output channel, per tap (row-major), {@code words} longs of input-channel signs
     * ({@code src[(o * k * k + tap) * words + word]}). Bits past {@code cin} must be zero.
     */
    public static PackedWeights fromFileLayout(long[] src, int cout, int cin, int k) {
        PackedWeights p = new PackedWeights(cout, cin, k);
        if (src.length != cout * k * k * p.words)
            throw new IllegalArgumentException("packed weights have " + src.length + " words, want " + cout * k * k * p.words);
        long tailMask = cin % 64 == 0 ? -1L : (1L << (cin % 64)) - 1;
        for (int o = 0; o < cout; o++)
            for (int t = 0; t < k * k; t++)
                for (int j = 0; j < p.words; j++) {
                    long v = src[(o * k * k + t) * p.words + j];
                    if (j == p.words - 1 && (v & ~tailMask) != 0)
                        throw new IllegalArgumentException("packed weights have bits set past channel " + cin);
                    p.setWord(t, j, o, v);
                }
        p.computeOffsets();
        return p;
    }

    /** The file layout of {@link #fromFileLayout}. */
    public long[] toFileLayout() {
        long[] dst = new long[cout * k * k * words];
        for (int o = 0; o < cout; o++)
            for (int t = 0; t < k * k; t++)
                for (int j = 0; j < words; j++) dst[(o * k * k + t) * words + j] = word(t, j, o);
        return dst;
    }

    /** Index in {@link #bits} of the 32-channel word {@code half} of a tap and output channel. */
    public int bitIndex(int tap, int half, int co) {
        int start = blockStart(co);
        return start * k * k * halves + (tap * halves + half) * blockWidth(start) + co - start;
    }

    /** The first output channel of the block holding {@code co}. */
    public static int blockStart(int co) { return co / BLOCK * BLOCK; }

    /** The width of the block starting at {@code start}: BLOCK, less for the last one. */
    public int blockWidth(int start) { return Math.min(BLOCK, coutPadded - start); }

    /** The 64 input-channel signs of word {@code j} (channels 64j ..) for a tap and output channel. */
    public long word(int tap, int j, int co) {
        long lo = Integer.toUnsignedLong(bits[bitIndex(tap, 2 * j, co)]);
        return lo | (long) bits[bitIndex(tap, 2 * j + 1, co)] << 32;
    }

    private void setWord(int tap, int j, int co, long v) {
        bits[bitIndex(tap, 2 * j, co)] = (int) v;
        bits[bitIndex(tap, 2 * j + 1, co)] = (int) (v >>> 32);
    }

    /** The weight sign (+1 or -1) for output o, input i, tap t. */
    public int sign(int o, int i, int tap) { return (bits[bitIndex(tap, i >>> 5, o)] >>> (i & 31) & 1) == 0 ? 1 : -1; }

    /** The +-1 weights as floats in OIHW order (tests and parity checks). */
    public float[] toSignsOihw() {
        float[] w = new float[cout * cin * k * k];
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++)
                for (int t = 0; t < k * k; t++) w[(o * cin + i) * k * k + t] = sign(o, i, t);
        return w;
    }

    /**
     * The border class of output pixel (y, x) of an h x w image: how far its k x k window sticks out on each side.
     * Interior pixels are class 0.
     */
    public int borderClass(int y, int x, int h, int w) {
        int p = k / 2, side = p + 1;
        int top = Math.max(0, p - y), bottom = Math.max(0, y + p - (h - 1));
        int left = Math.max(0, p - x), right = Math.max(0, x + p - (w - 1));
        return ((Math.min(top, p) * side + Math.min(bottom, p)) * side + Math.min(left, p)) * side + Math.min(right, p);
    }

    /** Index into {@link #offsets()} of the first output channel for a border class. */
    public int offsetIndex(int borderClass) { return borderClass * coutPadded; }

    /** The 64-bit-lane layout of {@link InterleavedWeights}, built once. */
    long[] interleaved() {
        long[] r = interleaved;
        if (r == null) interleaved = r = InterleavedWeights.of(this);
        return r;
    }

    /** Shared, read-only: kernels index it with {@link #offsetIndex}. */
    int[] offsets() { return offsets; }

    public int offset(int borderClass, int co) { return offsets[borderClass * coutPadded + co]; }

    private void computeOffsets() { computeOffsets(false); }

    /**
     * For {0, 1} inputs (a {@code levels} binary conv node; a level is (1 + sign) / 2): adds each border class's sum
     * of the weights of its valid taps to the offsets, so that {@code offset - 2 * popcountSum} becomes twice the
     * integer conv of the levels (zero padding).
     */
    public void addValidWeightSums() { computeOffsets(true); }

    private void computeOffsets(boolean levels) {
        int p = k / 2, side = p + 1;
        for (int top = 0; top <= p; top++)
            for (int bottom = 0; bottom <= p; bottom++)
                for (int left = 0; left <= p; left++)
                    for (int right = 0; right <= p; right++) {
                        int cls = ((top * side + bottom) * side + left) * side + right;
                        for (int o = 0; o < cout; o++) {
                            int off = 0;
                            for (int ky = 0; ky < k; ky++)
                                for (int kx = 0; kx < k; kx++) {
                                    boolean padded = ky < top || ky >= k - bottom || kx < left || kx >= k - right;
                                    int negative = 0;
                                    for (int h = 0; h < halves; h++) negative += Integer.bitCount(bits[bitIndex(ky * k + kx, h, o)]);
                                    // a valid tap with levels also adds its weight sum, cin - 2 * negative
                                    off += padded ? 2 * negative : levels ? 2 * (cin - negative) : cin;
                                }
                            offsets[cls * coutPadded + o] = off;
                        }
                    }
    }

    /** Bytes of packed sign data (1 bit per weight, rounded to whole words per output channel and tap). */
    public long packedBytes() { return (long) cout * k * k * words * 8; }

    @Override public String toString() { return "binary conv " + cout + "x" + cin + "x" + k + "x" + k; }
}
