package bnnsr.engine.kernels;

import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Binary conv with XOR + {@code BIT_COUNT} on 512-bit vectors, on the layouts of {@link PackedActivations} and
 * {@link PackedWeights}.
 * <p>
 * The lanes are 32-bit: one lane = one output channel x 32 input channels. Per tap and 32-channel half word the
 * kernel broadcasts the activation half of 2 adjacent pixels and loads the weights of 16 output channels per
 * vector; each accumulator lane gathers popcount(a XOR w) for its output channel. With 64-bit lanes (one lane = 64
 * input channels) the XOR/popcount work is the same, but the accumulators then need a 512-to-256-bit narrowing
 * conversion to become floats, which measured slower than the whole epilogue should cost; 32-bit lanes convert to
 * floats of the same shape. Border pixels read as +1 and the exact result comes from {@link PackedWeights#offset}.
 * <p>
 * Micro-tile: 2 pixels x 4 vectors (64 output channels) = 8 accumulators, the shape the performance notes found
 * best; narrower tiles (3, 2 or 1 vectors) take the last block of channels (48 for BSRN). A tile leaves its sums in a
 * small per-thread scratch array and a separate small method applies the epilogue (float scale/bias, residual add,
 * or sign-packing for the next layer): each method stays well under C2's inlining limits (a Vector API method that
 * is not fully inlined boxes its vectors and runs several times slower). Rows go to threads.
 */
public final class VectorBinaryConvOps implements BinaryConvOps {
    static final VectorBinaryConvOps INSTANCE = new VectorBinaryConvOps();

    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    /** Floats with as many lanes as {@link #IS}: accumulators convert lane by lane. */
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int N = IS.length();
    /** Floats per vector when packing. */
    private static final VectorSpecies<Float> PS = FloatVector.SPECIES_PREFERRED;

    static {
        if (PackedWeights.LANES != N || 64 % N != 0 || 64 % PS.length() != 0 || FS.length() != N)
            throw new IllegalStateException("unsupported vector size: " + IS);
    }

    private enum Epilogue { NONE, EXACT, FLOAT, FLOAT_ACCUMULATE, FLOAT_RELU, PACK }

    /** Arguments of one conv call, shared read-only by the row workers. */
    private record Job(PackedActivations x, PackedWeights w, int[] wordOffsets, Epilogue epilogue, float[] alpha, float[] beta,
                       IntegerThresholds thresholds, int[] exactOut, float[] floatOut, PackedActivations packedOut,
                       int outRow0) {
        Job(PackedActivations x, PackedWeights w, int[] wordOffsets, Epilogue epilogue, float[] alpha, float[] beta,
            IntegerThresholds thresholds, int[] exactOut, Tensor floatOut, PackedActivations packedOut) {
            this(x, w, wordOffsets, epilogue, alpha, beta, thresholds, exactOut, floatOut == null ? null : floatOut.data, packedOut, 0);
        }
    }

    // ---------------------------------------------------------------- packing

    @Override public void pack(Tensor x, SignThresholds signs, PackedActivations out) {
        ScalarBinaryConvOps.checkPack(x, signs, out);
        boolean whole = x.c % 64 == 0;
        Parallel.forRange(x.n * x.h, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int n = r / x.h, y = r % x.h;
                if (whole && signs == null) packWords(x.data, x.index(n, y, 0, 0), out.bits, out.index(n, y, 0), x.w * out.words);
                else if (whole) packWordsThresholds(x.data, x.index(n, y, 0, 0), signs.below, signs.above, out.bits, out.index(n, y, 0), x.w, out.words);
                else if (x.c % PS.length() == 0 && signs == null) packVectors(x.data, x.index(n, y, 0, 0), x.c, out.bits, out.index(n, y, 0), x.w, out.words);
                else for (int px = 0; px < x.w; px++)
                    packPixel(x.data, x.index(n, y, px, 0), x.c, signs, out.bits, out.index(n, y, px), out.words);
            }
        });
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
        run(new Job(x, w, wordOffsets(x, w), Epilogue.EXACT, null, null, null, out, null, null));
    }

    @Override public void conv(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean accumulate, Tensor y) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        run(new Job(x, w, wordOffsets(x, w), accumulate ? Epilogue.FLOAT_ACCUMULATE : Epilogue.FLOAT, alpha, beta, null, null, y, null));
    }

    @Override public void convRelu(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, Tensor y) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        run(new Job(x, w, wordOffsets(x, w), Epilogue.FLOAT_RELU, alpha, beta, null, null, y, null));
    }

    @Override public void convRows(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean accumulate, boolean relu,
                                   Tensor y, int rowFrom, int rowTo) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        if (x.n != 1 || rowFrom < 0 || rowTo > x.h || rowFrom > rowTo) throw new IllegalArgumentException("rows " + rowFrom + ".." + rowTo + " of " + x.shape());
        Epilogue e = relu ? Epilogue.FLOAT_RELU : accumulate ? Epilogue.FLOAT_ACCUMULATE : Epilogue.FLOAT;
        run(new Job(x, w, wordOffsets(x, w), e, alpha, beta, null, null, y, null), rowFrom, rowTo);
    }

    @Override public void convBand(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] band, int rowFrom, int rowTo) {
        BinaryConvOps.checkBand(x, w, alpha, beta, band, rowFrom, rowTo);
        run(new Job(x, w, wordOffsets(x, w), Epilogue.FLOAT, alpha, beta, null, null, band, null, rowFrom), rowFrom, rowTo);
    }

    @Override public void convPack(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] threshold, PackedActivations y) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        if (threshold != null && threshold.length < w.cout) throw new IllegalArgumentException("need " + w.cout + " thresholds");
        IntegerThresholds t = IntegerThresholds.of(alpha, beta, threshold, w.cout, w.k * w.k * w.cin);
        run(new Job(x, w, wordOffsets(x, w), Epilogue.PACK, null, null, t, null, null, y));
    }

    /** The popcount kernel alone, results discarded: what {@code bench engine} reports in TBOP/s. */
    public void convKernelOnly(PackedActivations x, PackedWeights w) {
        BinaryConvOps.checkConv(x, w);
        run(new Job(x, w, wordOffsets(x, w), Epilogue.NONE, null, null, null, null, null, null));
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

    /** Per-thread tile sums (2 pixels x 4 vectors): written by a kernel, read back from L1 by the epilogue. */
    private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[8 * N]);

    private static void run(Job job) { run(job, 0, job.x.n * job.x.h); }

    /** Rows [from, to) of the images stacked (row r = image r / h, row r % h). */
    private static void run(Job job, int from, int to) {
        PackedActivations x = job.x;
        Parallel.forRange(to - from, (r0, r1) -> {
            int[] sums = SCRATCH.get();
            for (int r = from + r0; r < from + r1; r++) row(job, r / x.h, r % x.h, sums);
        });
    }

    /**
     * One output row, in pixel pairs. An odd last pixel still runs the pair kernel: its phantom partner reads the
     * border (or the one-pixel slack {@link PackedActivations} keeps at its end) and is never stored.
     */
    private static void row(Job job, int n, int y, int[] sums) {
        PackedActivations x = job.x;
        PackedWeights w = job.w;
        int base = x.index(n, y, 0), perChannel = w.k * w.k * w.halves, p = w.k / 2;
        // offsets of the exact results depend on the border class: the same for all interior pixels of a row
        int interior = w.offsetIndex(w.borderClass(y, p, x.h, x.w));
        for (int px = 0; px < x.w; px += 2) {
            int ai = base + px * x.words;
            boolean pair = px + 1 < x.w;
            int oi0 = px >= p && px < x.w - p ? interior : w.offsetIndex(w.borderClass(y, px, x.h, x.w));
            int oi1 = px + 1 >= p && px + 1 < x.w - p ? interior : w.offsetIndex(w.borderClass(y, px + 1, x.h, x.w));
            for (int co = 0; co < w.coutPadded; ) {
                int width = w.blockWidth(co), wi = co * perChannel;
                switch (width / N) {
                    case 4 -> tile4(x.bits, ai, x.words, job.wordOffsets, w.bits, wi, sums);
                    case 3 -> tile3(x.bits, ai, x.words, job.wordOffsets, w.bits, wi, sums);
                    case 2 -> tile2(x.bits, ai, x.words, job.wordOffsets, w.bits, wi, sums);
                    default -> tile1(x.bits, ai, x.words, job.wordOffsets, w.bits, wi, sums);
                }
                if (job.epilogue != Epilogue.NONE) {
                    pixel(job, n, y, px, co, width / N, sums, 0, oi0);
                    if (pair) pixel(job, n, y, px + 1, co, width / N, sums, 4 * N, oi1);
                }
                co += width;
            }
        }
    }

    // ---------------------------------------------------------------- micro-kernels
    // Each walks one weight block [tap][half][width] with the constant stride width; 2 halves per activation long.

    private static IntVector broadcastHalf(long word, int h) { return IntVector.broadcast(IS, (int) (word >>> (h << 5))); }

    private static IntVector popXor(IntVector a, IntVector w) {
        return a.lanewise(VectorOperators.XOR, w).lanewise(VectorOperators.BIT_COUNT);
    }

    /** Popcount sums of 2 adjacent pixels x 4N output channels into sums[0, 4N) and [4N, 8N). */
    private static void tile4(long[] a, int ai, int words, int[] offsets, int[] wb, int wi, int[] sums) {
        IntVector s00 = IntVector.zero(IS), s01 = s00, s02 = s00, s03 = s00;
        IntVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (int off : offsets) {
            long x0 = a[ai + off], x1 = a[ai + off + words];
            for (int h = 0; h < 2; h++, wi += 4 * N) {
                IntVector a0 = broadcastHalf(x0, h), a1 = broadcastHalf(x1, h);
                IntVector w0 = IntVector.fromArray(IS, wb, wi), w1 = IntVector.fromArray(IS, wb, wi + N);
                IntVector w2 = IntVector.fromArray(IS, wb, wi + 2 * N), w3 = IntVector.fromArray(IS, wb, wi + 3 * N);
                s00 = s00.add(popXor(a0, w0)); s01 = s01.add(popXor(a0, w1));
                s02 = s02.add(popXor(a0, w2)); s03 = s03.add(popXor(a0, w3));
                s10 = s10.add(popXor(a1, w0)); s11 = s11.add(popXor(a1, w1));
                s12 = s12.add(popXor(a1, w2)); s13 = s13.add(popXor(a1, w3));
            }
        }
        s00.intoArray(sums, 0); s01.intoArray(sums, N); s02.intoArray(sums, 2 * N); s03.intoArray(sums, 3 * N);
        s10.intoArray(sums, 4 * N); s11.intoArray(sums, 5 * N); s12.intoArray(sums, 6 * N); s13.intoArray(sums, 7 * N);
    }

    /** As {@link #tile4} for 3N output channels (48: BSRN's width). */
    private static void tile3(long[] a, int ai, int words, int[] offsets, int[] wb, int wi, int[] sums) {
        IntVector s00 = IntVector.zero(IS), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
        for (int off : offsets) {
            long x0 = a[ai + off], x1 = a[ai + off + words];
            for (int h = 0; h < 2; h++, wi += 3 * N) {
                IntVector a0 = broadcastHalf(x0, h), a1 = broadcastHalf(x1, h);
                IntVector w0 = IntVector.fromArray(IS, wb, wi), w1 = IntVector.fromArray(IS, wb, wi + N), w2 = IntVector.fromArray(IS, wb, wi + 2 * N);
                s00 = s00.add(popXor(a0, w0)); s01 = s01.add(popXor(a0, w1)); s02 = s02.add(popXor(a0, w2));
                s10 = s10.add(popXor(a1, w0)); s11 = s11.add(popXor(a1, w1)); s12 = s12.add(popXor(a1, w2));
            }
        }
        s00.intoArray(sums, 0); s01.intoArray(sums, N); s02.intoArray(sums, 2 * N);
        s10.intoArray(sums, 4 * N); s11.intoArray(sums, 5 * N); s12.intoArray(sums, 6 * N);
    }

    /** As {@link #tile4} for 2N output channels. */
    private static void tile2(long[] a, int ai, int words, int[] offsets, int[] wb, int wi, int[] sums) {
        IntVector s00 = IntVector.zero(IS), s01 = s00, s10 = s00, s11 = s00;
        for (int off : offsets) {
            long x0 = a[ai + off], x1 = a[ai + off + words];
            for (int h = 0; h < 2; h++, wi += 2 * N) {
                IntVector a0 = broadcastHalf(x0, h), a1 = broadcastHalf(x1, h);
                IntVector w0 = IntVector.fromArray(IS, wb, wi), w1 = IntVector.fromArray(IS, wb, wi + N);
                s00 = s00.add(popXor(a0, w0)); s01 = s01.add(popXor(a0, w1));
                s10 = s10.add(popXor(a1, w0)); s11 = s11.add(popXor(a1, w1));
            }
        }
        s00.intoArray(sums, 0); s01.intoArray(sums, N);
        s10.intoArray(sums, 4 * N); s11.intoArray(sums, 5 * N);
    }

    /** As {@link #tile4} for N output channels. */
    private static void tile1(long[] a, int ai, int words, int[] offsets, int[] wb, int wi, int[] sums) {
        IntVector s0 = IntVector.zero(IS), s1 = s0;
        for (int off : offsets) {
            long x0 = a[ai + off], x1 = a[ai + off + words];
            for (int h = 0; h < 2; h++, wi += N) {
                IntVector w0 = IntVector.fromArray(IS, wb, wi);
                s0 = s0.add(popXor(broadcastHalf(x0, h), w0));
                s1 = s1.add(popXor(broadcastHalf(x1, h), w0));
            }
        }
        s0.intoArray(sums, 0);
        s1.intoArray(sums, 4 * N);
    }

    // ---------------------------------------------------------------- epilogues (one pixel, nv vectors of channels)

    private static void pixel(Job job, int n, int y, int px, int co, int nv, int[] sums, int so, int oi) {
        PackedActivations x = job.x;
        PackedWeights w = job.w;
        // band output: row 0 of floatOut is stacked row outRow0
        int out = ((n * x.h + y - job.outRow0) * x.w + px) * w.cout;
        if (co + nv * N <= w.cout && job.epilogue != Epilogue.PACK) {
            // a tile without channel tails: no masks (the generic loop measured far slower)
            switch (job.epilogue) {
                case FLOAT, FLOAT_ACCUMULATE, FLOAT_RELU -> {
                    floatFull(sums, so, w.offsets(), oi + co, co, nv * N, job.alpha, job.beta, job.floatOut, out + co,
                            job.epilogue == Epilogue.FLOAT_ACCUMULATE, job.epilogue == Epilogue.FLOAT_RELU);
                    return;
                }
                default -> { }
            }
        }
        if (nv == 4 && co + 4 * N <= w.cout) {
            switch (job.epilogue) {
                case PACK -> { packedFull(sums, so, w.offsets(), oi + co, co, job.thresholds.below, job.thresholds.above, job.packedOut.bits, job.packedOut.index(n, y, px)); return; }
                default -> { }
            }
        }
        switch (job.epilogue) {
            case EXACT -> exactPixel(sums, so, w.offsets(), oi, co, Math.min(nv * N, w.cout - co), job.exactOut, out);
            case FLOAT, FLOAT_ACCUMULATE, FLOAT_RELU -> floatPixel(sums, so, w.offsets(), oi, co, nv, w.cout, job.alpha, job.beta,
                    job.floatOut, out, job.epilogue == Epilogue.FLOAT_ACCUMULATE, job.epilogue == Epilogue.FLOAT_RELU);
            case PACK -> packedPixel(sums, so, w.offsets(), oi, co, nv, w.cout, job.thresholds.below, job.thresholds.above,
                    job.packedOut.bits, job.packedOut.index(n, y, px));
            case NONE -> { }
        }
    }

    private static void exactPixel(int[] sums, int so, int[] off, int oi, int co, int count, int[] out, int base) {
        for (int i = 0; i < count; i++) out[base + co + i] = off[oi + co + i] - 2 * sums[so + i];
    }

    /** The exact results of N output channels: offset - 2 * popcount sum. */
    private static IntVector exact(int[] sums, int si, int[] off, int oi) {
        return IntVector.fromArray(IS, off, oi).sub(IntVector.fromArray(IS, sums, si).lanewise(VectorOperators.LSHL, 1));
    }

    /** As floats, exactly: |result| <= k*k*cin is far below 2^24. */
    private static FloatVector exactAsFloat(int[] sums, int si, int[] off, int oi) {
        return (FloatVector) exact(sums, si, off, oi).convert(VectorOperators.I2F, 0);
    }

    private static void floatFull(int[] sums, int so, int[] off, int oi, int co, int width, float[] alpha, float[] beta,
                                  float[] out, int o, boolean accumulate, boolean relu) {
        for (int v = 0; v < width; v += N) {
            FloatVector r = exactAsFloat(sums, so + v, off, oi + v).mul(FloatVector.fromArray(FS, alpha, co + v)).add(FloatVector.fromArray(FS, beta, co + v));
            if (accumulate) r = r.add(FloatVector.fromArray(FS, out, o + v));
            if (relu) r = r.max(0f);
            r.intoArray(out, o + v);
        }
    }

    private static void packedFull(int[] sums, int so, int[] off, int oi, int co, int[] below, int[] above, long[] out, int wordIndex) {
        long bits = 0;
        for (int v = 0; v < 4 * N; v += N) {
            IntVector e = exact(sums, so + v, off, oi + v);
            VectorMask<Integer> neg = e.lt(IntVector.fromArray(IS, below, co + v)).or(e.compare(VectorOperators.GT, IntVector.fromArray(IS, above, co + v)));
            bits |= neg.toLong() << v;
        }
        int wi = wordIndex + (co >>> 6), shift = co & 63;
        long written = 4 * N == 64 ? -1L : ((1L << (4 * N)) - 1) << shift;
        out[wi] = (out[wi] & ~written) | bits << shift;
    }

    private static void floatPixel(int[] sums, int so, int[] off, int oi, int co, int nv, int cout, float[] alpha, float[] beta,
                                   float[] out, int base, boolean accumulate, boolean relu) {
        for (int v = 0; v < nv; v++) {
            int c = co + v * N;
            if (c + N <= cout) {
                FloatVector r = exactAsFloat(sums, so + v * N, off, oi + c).mul(FloatVector.fromArray(FS, alpha, c)).add(FloatVector.fromArray(FS, beta, c));
                if (accumulate) r = r.add(FloatVector.fromArray(FS, out, base + c));
                if (relu) r = r.max(0f);
                r.intoArray(out, base + c);
            } else if (c < cout) {
                VectorMask<Float> m = FS.indexInRange(c, cout);
                FloatVector r = exactAsFloat(sums, so + v * N, off, oi + c).mul(FloatVector.fromArray(FS, alpha, c, m)).add(FloatVector.fromArray(FS, beta, c, m));
                if (accumulate) r = r.add(FloatVector.fromArray(FS, out, base + c, m));
                if (relu) r = r.max(0f);
                r.intoArray(out, base + c, m);
            }
        }
    }

    /** Sign bits of nv vectors of channels (see {@link IntegerThresholds}), merged into the next layer's packed word. */
    private static void packedPixel(int[] sums, int so, int[] off, int oi, int co, int nv, int cout, int[] below, int[] above,
                                    long[] out, int wordIndex) {
        long bits = 0, written = 0;
        for (int v = 0; v < nv; v++) {
            int c = co + v * N;
            if (c >= cout) break;
            VectorMask<Integer> m = IS.indexInRange(c, cout);
            IntVector e = exact(sums, so + v * N, off, oi + c);
            VectorMask<Integer> neg = e.lt(IntVector.fromArray(IS, below, c, m)).or(e.compare(VectorOperators.GT, IntVector.fromArray(IS, above, c, m)));
            bits |= neg.and(m).toLong() << (v * N);
            written |= ((1L << N) - 1) << (v * N);
        }
        int wi = wordIndex + (co >>> 6), shift = co & 63;
        out[wi] = (out[wi] & ~(written << shift)) | bits << shift;
    }
}
