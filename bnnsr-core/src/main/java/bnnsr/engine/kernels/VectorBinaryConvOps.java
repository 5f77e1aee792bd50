package bnnsr.engine.kernels;

import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sign packing and the binary conv on the layouts of {@link PackedActivations} and {@link PackedWeights}: per 3
 * adjacent output pixels and tile of output channels, a popcount micro-kernel ({@link PopcountTiles}: vector or
 * scalar, chosen per CPU by {@link PopcountKernel}) leaves the sums in a small per-thread scratch array, and an
 * epilogue ({@link TileEpilogues}) turns them into the exact results and then ints, floats (scale/bias, residual
 * add, ReLU) or the next layer's sign bits, while the tile is in L1. Border pixels read as +1 and the exact result
 * comes from {@link PackedWeights#offset}. Rows go to threads.
 * <p>
 * Why 64-bit lanes ({@link InterleavedWeights}): one activation word is broadcast as it is, where 32-bit lanes
 * broadcast each half separately; the 64-bit tile measured ~10% faster as a kernel, and its sums merge into int
 * lanes in channel order without a narrowing conversion. Each kernel and epilogue method stays small: a Vector
 * API method that C2 does not compile whole boxes its vectors and runs several times slower.
 */
public final class VectorBinaryConvOps implements BinaryConvOps {
    static final VectorBinaryConvOps INSTANCE = new VectorBinaryConvOps(PopcountKernel.CHOSEN);

    /** Floats per vector when packing. */
    private static final VectorSpecies<Float> PS = FloatVector.SPECIES_PREFERRED;
    private static final int G = InterleavedWeights.GROUP;

    static {
        if (64 % PS.length() != 0 || 64 % InterleavedWeights.TILE != 0)
            throw new IllegalStateException("unsupported vector size: " + PS);
    }

    private final PopcountKernel kernel;

    private VectorBinaryConvOps(PopcountKernel kernel) { this.kernel = kernel; }

    /**
     * With a given popcount kernel, whatever this CPU would choose (the tests check every kernel against the scalar
     * oracle, {@code bench engine} times the other one too).
     */
    public static VectorBinaryConvOps with(PopcountKernel kernel) { return kernel == PopcountKernel.CHOSEN ? INSTANCE : new VectorBinaryConvOps(kernel); }

    /** The popcount kernel in use. */
    public PopcountKernel kernel() { return kernel; }

    private enum Epilogue { NONE, EXACT, FLOAT, FLOAT_ACCUMULATE, FLOAT_RELU, FLOAT_RESIDUAL, PACK }

    /**
     * Arguments of one conv call, shared read-only by the row workers. {@code outRow0}: the stacked row that is row 0
     * of {@code floatOut} (a band buffer, {@link #convBand}), else 0; {@code res}, {@code extra}: the operands of
     * {@link #convResidualRows}.
     */
    private record Job(PackedActivations x, PackedWeights w, long[] wl, int[] wordOffsets, Epilogue epilogue, float[] alpha, float[] beta,
                       IntegerThresholds thresholds, int[] exactOut, float[] floatOut, PackedActivations packedOut, int outRow0, float[] res,
                       float[] extra) {
        Job(PackedActivations x, PackedWeights w, Epilogue e, float[] alpha, float[] beta, IntegerThresholds t, int[] exactOut, Tensor floatOut,
            PackedActivations packedOut) {
            this(x, w, w.interleaved(), VectorBinaryConvOps.wordOffsets(x, w), e, alpha, beta, t, exactOut, floatOut == null ? null : floatOut.data,
                    packedOut, 0, null, null);
        }
    }

    // ---------------------------------------------------------------- packing

    @Override public void pack(Tensor x, SignThresholds signs, PackedActivations out) {
        ScalarBinaryConvOps.checkPack(x, signs, out);
        Parallel.forRange(x.n * x.h, (r0, r1) -> packRows(x, signs, out, r0, r1));
    }

    /** Rows [r0, r1) of the images stacked. */
    private static void packRows(Tensor x, SignThresholds signs, PackedActivations out, int r0, int r1) {
        boolean whole = x.c % 64 == 0;
        for (int r = r0; r < r1; r++) {
            int n = r / x.h, y = r % x.h;
            if (whole && signs == null) packWords(x.data, x.index(n, y, 0, 0), out.bits, out.index(n, y, 0), x.w * out.words);
            else if (whole) packWordsThresholds(x.data, x.index(n, y, 0, 0), signs.below, signs.above, out.bits, out.index(n, y, 0), x.w, out.words);
            else if (x.c % PS.length() == 0 && signs == null) packVectors(x.data, x.index(n, y, 0, 0), x.c, out.bits, out.index(n, y, 0), x.w, out.words);
            else for (int px = 0; px < x.w; px++)
                packPixel(x.data, x.index(n, y, px, 0), x.c, signs, out.bits, out.index(n, y, px), out.words);
        }
    }

    /**
     * The common case, channels a multiple of 64: a row's floats and its packed words are both contiguous, so the
     * row is one flat loop of 64-channel groups, with a constant-trip inner loop C2 unrolls (a generic per-pixel
     * loop with a channel tail measured ~5x slower).
     */
    private static void packWords(float[] src, int si, long[] dst, int di, int count) {
        for (int g = 0; g < count; g++, si += 64) {
            long word = 0;
            for (int q = 0; q < 64; q += PS.length()) word |= FloatVector.fromArray(PS, src, si + q).lt(0f).toLong() << q;
            dst[di + g] = word;
        }
    }

    private static void packWordsThresholds(float[] src, int si, float[] below, float[] above, long[] dst, int di, int pixels, int words) {
        for (int px = 0; px < pixels; px++)
            for (int j = 0; j < words; j++, si += 64) {
                long word = 0;
                for (int q = 0; q < 64; q += PS.length()) {
                    FloatVector v = FloatVector.fromArray(PS, src, si + q);
                    word |= v.lt(FloatVector.fromArray(PS, below, j * 64 + q))
                            .or(v.compare(VectorOperators.GT, FloatVector.fromArray(PS, above, j * 64 + q))).toLong() << q;
                }
                dst[di++] = word;
            }
    }

    /** Channels a multiple of the vector length (48 for BSRN): whole vectors, no masks. */
    private static void packVectors(float[] src, int si, int c, long[] dst, int di, int pixels, int words) {
        for (int px = 0; px < pixels; px++, si += c)
            for (int j = 0; j < words; j++) {
                long word = 0;
                for (int q = 0, end = Math.min(64, c - 64 * j); q < end; q += PS.length())
                    word |= FloatVector.fromArray(PS, src, si + 64 * j + q).lt(0f).toLong() << q;
                dst[di++] = word;
            }
    }

    /** Any channel count: whole vectors, then a masked tail. */
    private static void packPixel(float[] src, int si, int c, SignThresholds signs, long[] dst, int di, int words) {
        for (int j = 0; j < words; j++) {
            long word = 0;
            for (int q = 0, ch = j * 64; q < 64 && ch < c; q += PS.length(), ch += PS.length()) {
                VectorMask<Float> m = PS.indexInRange(ch, c);
                FloatVector v = FloatVector.fromArray(PS, src, si + ch, m);
                VectorMask<Float> neg = signs == null ? v.lt(0f)
                        : v.lt(FloatVector.fromArray(PS, signs.below, ch, m)).or(v.compare(VectorOperators.GT, FloatVector.fromArray(PS, signs.above, ch, m)));
                word |= neg.and(m).toLong() << q;
            }
            dst[di + j] = word;
        }
    }

    // ---------------------------------------------------------------- convolution entry points

    @Override public void convExact(PackedActivations x, PackedWeights w, int[] out) {
        BinaryConvOps.checkConv(x, w);
        if (out.length < x.n * x.h * x.w * w.cout) throw new IllegalArgumentException("exact output too short");
        run(new Job(x, w, Epilogue.EXACT, null, null, null, out, null, null));
    }

    @Override public void conv(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean accumulate, Tensor y) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        run(new Job(x, w, accumulate ? Epilogue.FLOAT_ACCUMULATE : Epilogue.FLOAT, alpha, beta, null, null, y, null));
    }

    @Override public void convRelu(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, Tensor y) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        run(new Job(x, w, Epilogue.FLOAT_RELU, alpha, beta, null, null, y, null));
    }

    @Override public void convRows(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean accumulate, boolean relu,
                                   Tensor y, int rowFrom, int rowTo) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        if (x.n != 1 || rowFrom < 0 || rowTo > x.h || rowFrom > rowTo) throw new IllegalArgumentException("rows " + rowFrom + ".." + rowTo + " of " + x.shape());
        Epilogue e = relu ? Epilogue.FLOAT_RELU : accumulate ? Epilogue.FLOAT_ACCUMULATE : Epilogue.FLOAT;
        run(new Job(x, w, e, alpha, beta, null, null, y, null), rowFrom, rowTo);
    }

    @Override public void convRowsInto(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean relu, float[] out, int shift,
                                       int rowFrom, int rowTo) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        if (x.n != 1 || rowFrom < 0 || rowTo > x.h || rowFrom > rowTo) throw new IllegalArgumentException("rows " + rowFrom + ".." + rowTo + " of " + x.shape());
        Tensor.checkShiftedRows("rows", rowFrom, rowTo, shift, (long) x.w * w.cout, out.length);
        // the epilogue writes stacked row r at row r - outRow0 of its array
        run(new Job(x, w, w.interleaved(), wordOffsets(x, w), relu ? Epilogue.FLOAT_RELU : Epilogue.FLOAT, alpha, beta, null, null, out, null, -shift,
                null, null),
                rowFrom, rowTo);
    }

    @Override public void convBand(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean relu, float[] band, int rowFrom,
                                   int rowTo) {
        BinaryConvOps.checkBand(x, w, alpha, beta, band, rowFrom, rowTo);
        run(new Job(x, w, w.interleaved(), wordOffsets(x, w), relu ? Epilogue.FLOAT_RELU : Epilogue.FLOAT, alpha, beta, null, null, band, null, rowFrom,
                null, null), rowFrom, rowTo);
    }

    @Override public void convResidualRows(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] res, float[] extra, float[] out,
                                           int shift, int rowFrom, int rowTo) {
        BinaryConvOps.checkResidualRows(x, w, alpha, beta, res, extra, out, shift, rowFrom, rowTo);
        run(new Job(x, w, w.interleaved(), wordOffsets(x, w), Epilogue.FLOAT_RESIDUAL, alpha, beta, null, null, out, null, -shift, res, extra),
                rowFrom, rowTo);
    }

    @Override public void convPack(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] threshold, PackedActivations y) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        if (threshold != null && threshold.length < w.cout) throw new IllegalArgumentException("need " + w.cout + " thresholds");
        IntegerThresholds t = IntegerThresholds.of(alpha, beta, threshold, w.cout, w.k * w.k * w.cin);
        run(new Job(x, w, Epilogue.PACK, null, null, t, null, null, y));
    }

    /**
     * The whole layer in one parallel section: each thread packs the input rows its output rows read (its own rows
     * plus k/2 above and below, which the neighbouring thread packs too, to the same bits), then convolves its rows.
     * One fork-join instead of two, and the rows a thread convolves were packed by it just before, still in cache.
     */
    @Override public void packConv(Tensor x, SignThresholds signs, PackedActivations packed, PackedWeights w, float[] alpha, float[] beta,
                                   boolean accumulate, Tensor y) {
        ScalarBinaryConvOps.checkPack(x, signs, packed);
        BinaryConvOps.checkConv(packed, w);
        BinaryConvOps.checkOutput(packed, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        Job job = new Job(packed, w, accumulate ? Epilogue.FLOAT_ACCUMULATE : Epilogue.FLOAT, alpha, beta, null, null, y, null);
        int run = runPixels(w.coutPadded), h = x.h, p = w.k / 2;
        Parallel.forRange(x.n * h, (r0, r1) -> {
            packRows(x, signs, packed, Math.max(r0 / h * h, r0 - p), Math.min(((r1 - 1) / h + 1) * h, r1 + p));
            Scratch sc = SCRATCH.get().ensure(run, w.coutPadded / 2);
            for (int r = r0; r < r1; r++) row(job, r / h, r % h, run, sc);
        });
    }

    /** The popcount kernel alone, results discarded: what {@code bench engine} reports in TBOP/s. */
    public void convKernelOnly(PackedActivations x, PackedWeights w) {
        BinaryConvOps.checkConv(x, w);
        run(new Job(x, w, Epilogue.NONE, null, null, null, null, null, null));
    }

    /**
     * Offsets of the activation words a kernel reads, relative to the output pixel's own first word in the padded
     * buffer, in weight order: tap by tap, the 64-channel words of each tap.
     */
    private static int[] wordOffsets(PackedActivations x, PackedWeights w) {
        int p = w.k / 2;
        int[] off = new int[w.k * w.k * x.words];
        for (int ky = 0, i = 0; ky < w.k; ky++)
            for (int kx = 0; kx < w.k; kx++)
                for (int j = 0; j < x.words; j++) off[i++] = ((ky - p) * x.pw + (kx - p)) * x.words + j;
        return off;
    }

    /** Pixels per kernel tile. */
    static final int TILE_PIXELS = 3;

    /**
     * Pixels per run, a multiple of the tile's: 2 tiles (fewer for very wide layers, whose sums stay within ~12 KB
     * of L1). Short runs measured fastest (conv 64->64: 6 pixels ~25% faster than 30): a run's epilogue writes
     * 6 x cout floats in one burst that the store buffer drains while the next run's kernels compute, where a long
     * run's burst stalls on the output's cache misses.
     */
    static int runPixels(int coutPadded) { return TILE_PIXELS * Math.max(1, Math.min(2, 3072 / (TILE_PIXELS * coutPadded))); }

    /** Per-thread sums of a run of pixels and their offset rows / output words (grown on demand, never shared). */
    private static final class Scratch {
        long[] sums = new long[0];
        int[] oi = new int[0], word = new int[0];

        Scratch ensure(int pixels, int half) {
            if (sums.length < pixels * half) sums = new long[pixels * half];
            if (oi.length < pixels) { oi = new int[pixels]; word = new int[pixels]; }
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private void run(Job job) { run(job, 0, job.x.n * job.x.h); }

    /** Rows [from, to) of the images stacked (row r = image r / h, row r % h). */
    private void run(Job job, int from, int to) {
        PackedActivations x = job.x;
        int run = runPixels(job.w.coutPadded);
        Parallel.forRange(to - from, (r0, r1) -> {
            Scratch sc = SCRATCH.get().ensure(run, job.w.coutPadded / 2);
            for (int r = from + r0; r < from + r1; r++) row(job, r / x.h, r % x.h, run, sc);
        });
    }

    /**
     * One output row, in runs of pixel triples: the kernel fills the run's sums tile by tile, then one epilogue call
     * turns the whole run into outputs. A short last triple still runs the 3-pixel kernel: its phantom pixels read
     * the border (or the two-pixel slack {@link PackedActivations} keeps at its end) and are never stored.
     */
    private void row(Job job, int n, int y, int run, Scratch sc) {
        PackedActivations x = job.x;
        PackedWeights w = job.w;
        int base = x.index(n, y, 0), perChannel = job.wordOffsets.length, p = w.k / 2, half = w.coutPadded / 2;
        // offsets of the exact results depend on the border class: the same for all interior pixels of a row
        int interior = w.offsetIndex(w.borderClass(y, p, x.h, x.w));
        for (int px0 = 0; px0 < x.w; px0 += run) {
            int pixels = Math.min(run, x.w - px0);
            for (int i = 0; i < pixels; i += TILE_PIXELS) {
                int ai = base + (px0 + i) * x.words, so = i * half;
                for (int co = 0; co < w.coutPadded; co += InterleavedWeights.TILE) {
                    int groups = Math.min(2, (w.coutPadded - co) / G), wi = co * perChannel, s0 = so + co / 2;
                    if (kernel == PopcountKernel.SCALAR) PopcountTiles.scalar(x.bits, ai, x.words, job.wordOffsets, job.wl, wi, groups, sc.sums, s0, half);
                    else if (groups == 2) PopcountTiles.vector2(x.bits, ai, x.words, job.wordOffsets, job.wl, wi, sc.sums, s0, half);
                    else PopcountTiles.vector1(x.bits, ai, x.words, job.wordOffsets, job.wl, wi, sc.sums, s0, half);
                }
            }
            if (job.epilogue == Epilogue.NONE) continue;
            boolean uniform = true;
            for (int i = 0; i < pixels; i++) {
                int px = px0 + i;
                sc.oi[i] = px >= p && px < x.w - p ? interior : w.offsetIndex(w.borderClass(y, px, x.h, x.w));
                uniform &= sc.oi[i] == sc.oi[0];
            }
            epilogue(job, n, y, px0, pixels, uniform, sc);
        }
    }

    private static void epilogue(Job job, int n, int y, int px0, int pixels, boolean uniform, Scratch sc) {
        PackedWeights w = job.w;
        int half = w.coutPadded / 2, out = ((n * job.x.h + y - job.outRow0) * job.x.w + px0) * w.cout;
        switch (job.epilogue) {
            case FLOAT -> TileEpilogues.floats(sc.sums, pixels, half, w.offsets(), sc.oi, uniform, w.cout, job.alpha, job.beta, job.floatOut, out, false, false);
            case FLOAT_ACCUMULATE -> TileEpilogues.floats(sc.sums, pixels, half, w.offsets(), sc.oi, uniform, w.cout, job.alpha, job.beta, job.floatOut, out, true, false);
            case FLOAT_RESIDUAL -> TileEpilogues.residual(sc.sums, pixels, half, w.offsets(), sc.oi, uniform, w.cout, job.alpha, job.beta, job.res, job.extra,
                    out + job.outRow0 * job.x.w * w.cout, job.floatOut, out);
            case FLOAT_RELU -> TileEpilogues.floats(sc.sums, pixels, half, w.offsets(), sc.oi, uniform, w.cout, job.alpha, job.beta, job.floatOut, out, false, true);
            case PACK -> {
                for (int i = 0; i < pixels; i++) sc.word[i] = job.packedOut.index(n, y, px0 + i);
                TileEpilogues.signs(sc.sums, pixels, half, w.offsets(), sc.oi, uniform, w.cout, job.thresholds.below, job.thresholds.above, job.packedOut.bits, sc.word);
            }
            case EXACT -> TileEpilogues.exactInts(sc.sums, pixels, half, w.offsets(), sc.oi, w.cout, job.exactOut, out);
            case NONE -> { }
        }
    }
}
