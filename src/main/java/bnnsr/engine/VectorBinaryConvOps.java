package bnnsr.engine;

import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Binary conv with {@code LongVector} XOR + {@code BIT_COUNT}, on the layouts of {@link PackedActivations} and
 * {@link PackedWeights}.
 * <p>
 * Micro-tile: 2 output pixels (same row) x 4 vectors of output channels (32 with 512-bit vectors) = 8 long
 * accumulators. Per tap and 64-channel word it broadcasts the 2 activation words and loads 4 weight vectors; each
 * accumulator gathers popcount(a XOR w), border pixels read as +1 and the exact result comes from
 * {@link PackedWeights#offset} in the epilogue. The tile writes its popcount sums to a small per-thread scratch
 * array and a separate small method applies the epilogue: both stay well under C2's inlining limits (a Vector API
 * method that is not fully inlined boxes its vectors and runs several times slower). Rows go to threads.
 */
public final class VectorBinaryConvOps implements BinaryConvOps {
    static final VectorBinaryConvOps INSTANCE = new VectorBinaryConvOps();

    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    private static final int L = LS.length();
    /** Floats with as many lanes as {@link #LS}: the epilogue converts accumulators lane by lane. */
    private static final VectorSpecies<Float> ES = VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(64, L * 32)));
    /** Output channels per micro-tile. */
    private static final int TILE = 4 * L;
    /** Floats per vector when packing. */
    private static final VectorSpecies<Float> PS = FloatVector.SPECIES_PREFERRED;

    static {
        if (PackedWeights.COUT_BLOCK % TILE != 0 || 64 % TILE != 0 || 64 % PS.length() != 0 || ES.length() != L)
            throw new IllegalStateException("unsupported vector size: " + LS);
    }

    private enum Epilogue { NONE, EXACT, FLOAT, FLOAT_ACCUMULATE, PACK }

    /** Arguments of one conv call, shared read-only by the row workers. */
    private record Job(PackedActivations x, PackedWeights w, int[] tapOffsets, Epilogue epilogue,
                       float[] alpha, float[] beta, float[] threshold, int[] exactOut, Tensor floatOut, PackedActivations packedOut) {}

    // ---------------------------------------------------------------- packing

    @Override public void pack(Tensor x, float[] scale, float[] bias, PackedActivations out) {
        ScalarBinaryConvOps.checkPack(x, out);
        if (scale != null && (scale.length < x.c || bias == null || bias.length < x.c))
            throw new IllegalArgumentException("pack needs " + x.c + " scales and biases");
        Parallel.forRange(x.n * x.h, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int n = r / x.h, y = r % x.h;
                for (int px = 0; px < x.w; px++) packPixel(x.data, x.index(n, y, px, 0), x.c, scale, bias, out.bits, out.index(n, y, px), out.words);
            }
        });
    }

    private static void packPixel(float[] src, int si, int c, float[] scale, float[] bias, long[] dst, int di, int words) {
        for (int j = 0; j < words; j++) {
            long word = 0;
            for (int q = 0, ch = j * 64; q < 64 && ch < c; q += PS.length(), ch += PS.length()) {
                if (ch + PS.length() <= c) word |= negativeBits(src, si + ch, scale, bias, ch) << q;
                else word |= negativeBitsTail(src, si + ch, scale, bias, ch, c) << q;
            }
            dst[di + j] = word;
        }
    }

    private static long negativeBits(float[] src, int si, float[] scale, float[] bias, int ch) {
        FloatVector v = FloatVector.fromArray(PS, src, si);
        if (scale != null) v = v.fma(FloatVector.fromArray(PS, scale, ch), FloatVector.fromArray(PS, bias, ch));
        return v.lt(0f).toLong();
    }

    private static long negativeBitsTail(float[] src, int si, float[] scale, float[] bias, int ch, int c) {
        VectorMask<Float> m = PS.indexInRange(ch, c);
        FloatVector v = FloatVector.fromArray(PS, src, si, m);
        if (scale != null) v = v.fma(FloatVector.fromArray(PS, scale, ch, m), FloatVector.fromArray(PS, bias, ch, m));
        return v.lt(0f).and(m).toLong();
    }

    // ---------------------------------------------------------------- convolution entry points

    @Override public void convExact(PackedActivations x, PackedWeights w, int[] out) {
        BinaryConvOps.checkConv(x, w);
        if (out.length < x.n * x.h * x.w * w.cout) throw new IllegalArgumentException("exact output too short");
        run(new Job(x, w, tapOffsets(x, w), Epilogue.EXACT, null, null, null, out, null, null));
    }

    @Override public void conv(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean accumulate, Tensor y) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        run(new Job(x, w, tapOffsets(x, w), accumulate ? Epilogue.FLOAT_ACCUMULATE : Epilogue.FLOAT, alpha, beta, null, null, y, null));
    }

    @Override public void convPack(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] threshold, PackedActivations y) {
        BinaryConvOps.checkConv(x, w);
        BinaryConvOps.checkOutput(x, w, y.n, y.h, y.w, y.c);
        BinaryConvOps.checkEpilogue(w, alpha, beta);
        if (threshold != null && threshold.length < w.cout) throw new IllegalArgumentException("need " + w.cout + " thresholds");
        run(new Job(x, w, tapOffsets(x, w), Epilogue.PACK, alpha, beta, threshold, null, null, y));
    }

    /** The popcount kernel alone, results discarded: what {@code bench engine} reports in TBOP/s. */
    public void convKernelOnly(PackedActivations x, PackedWeights w) {
        BinaryConvOps.checkConv(x, w);
        run(new Job(x, w, tapOffsets(x, w), Epilogue.NONE, null, null, null, null, null, null));
    }

    /** Word offsets of the k*k taps relative to the output pixel's own word index in the padded buffer. */
    private static int[] tapOffsets(PackedActivations x, PackedWeights w) {
        int p = w.k / 2;
        int[] off = new int[w.k * w.k];
        for (int ky = 0; ky < w.k; ky++)
            for (int kx = 0; kx < w.k; kx++) off[ky * w.k + kx] = ((ky - p) * x.pw + (kx - p)) * x.words;
        return off;
    }

    /** Per-thread row of popcount sums, grown on demand: hot paths allocate nothing per call. */
    private static final ThreadLocal<long[]> ROW = ThreadLocal.withInitial(() -> new long[0]);

    private static void run(Job job) {
        PackedActivations x = job.x;
        int need = x.w * job.w.coutPadded;
        Parallel.forRange(x.n * x.h, (r0, r1) -> {
            long[] acc = ROW.get();
            if (acc.length < need) ROW.set(acc = new long[need]);
            for (int r = r0; r < r1; r++) row(job, r / x.h, r % x.h, acc);
        });
    }

    /** One output row: popcount sums of every pixel and output channel into {@code acc}, then the epilogue. */
    private static void row(Job job, int n, int y, long[] acc) {
        PackedActivations x = job.x;
        PackedWeights w = job.w;
        int cp = w.coutPadded, base = x.index(n, y, 0);
        for (int co = 0; co < w.cout; co += TILE) {
            int px = 0;
            for (; px + 1 < x.w; px += 2)
                tile2(x.bits, base + px * x.words, x.words, job.tapOffsets, w.bits, co, cp, acc, px * cp + co, cp);
            if (px < x.w) tile1(x.bits, base + px * x.words, x.words, job.tapOffsets, w.bits, co, cp, acc, px * cp + co);
        }
        int pixel = (n * x.h + y) * x.w;
        switch (job.epilogue) {
            case NONE -> { }
            case EXACT -> {
                for (int px = 0; px < x.w; px++)
                    rowExact(acc, px * cp, w.offsets(), offsetIndex(w, x, y, px), w.cout, job.exactOut, (pixel + px) * w.cout);
            }
            case FLOAT, FLOAT_ACCUMULATE -> {
                boolean add = job.epilogue == Epilogue.FLOAT_ACCUMULATE;
                for (int px = 0; px < x.w; px++)
                    pixelFloat(acc, px * cp, w.offsets(), offsetIndex(w, x, y, px), w.cout, job.alpha, job.beta,
                            job.floatOut.data, (pixel + px) * w.cout, add);
            }
            case PACK -> {
                PackedActivations out = job.packedOut;
                for (int px = 0; px < x.w; px++)
                    pixelPacked(acc, px * cp, w.offsets(), offsetIndex(w, x, y, px), w.cout, job.alpha, job.beta,
                            job.threshold, out.bits, out.index(n, y, px));
            }
        }
    }

    private static int offsetIndex(PackedWeights w, PackedActivations x, int y, int px) {
        return w.offsetIndex(w.borderClass(y, px, x.h, x.w));
    }

    // ---------------------------------------------------------------- micro-kernels

    /** Popcount sums of 2 adjacent pixels x TILE output channels into acc[ao, ao + TILE) and [ao + next, ...). */
    private static void tile2(long[] a, int ai, int words, int[] taps, long[] wb, int wi, int wStride, long[] acc, int ao, int next) {
        LongVector s00 = LongVector.zero(LS), s01 = s00, s02 = s00, s03 = s00;
        LongVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (int tap : taps) {
            int p = ai + tap;
            for (int j = 0; j < words; j++, wi += wStride) {
                LongVector a0 = LongVector.broadcast(LS, a[p + j]);
                LongVector a1 = LongVector.broadcast(LS, a[p + words + j]);
                LongVector w0 = LongVector.fromArray(LS, wb, wi);
                LongVector w1 = LongVector.fromArray(LS, wb, wi + L);
                LongVector w2 = LongVector.fromArray(LS, wb, wi + 2 * L);
                LongVector w3 = LongVector.fromArray(LS, wb, wi + 3 * L);
                s00 = s00.add(a0.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
                s01 = s01.add(a0.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
                s02 = s02.add(a0.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT));
                s03 = s03.add(a0.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT));
                s10 = s10.add(a1.lanewise(VectorOperators.XOR, w0).lanewise(VectorOperators.BIT_COUNT));
                s11 = s11.add(a1.lanewise(VectorOperators.XOR, w1).lanewise(VectorOperators.BIT_COUNT));
                s12 = s12.add(a1.lanewise(VectorOperators.XOR, w2).lanewise(VectorOperators.BIT_COUNT));
                s13 = s13.add(a1.lanewise(VectorOperators.XOR, w3).lanewise(VectorOperators.BIT_COUNT));
            }
        }
        s00.intoArray(acc, ao); s01.intoArray(acc, ao + L); s02.intoArray(acc, ao + 2 * L); s03.intoArray(acc, ao + 3 * L);
        int a1 = ao + next;
        s10.intoArray(acc, a1); s11.intoArray(acc, a1 + L); s12.intoArray(acc, a1 + 2 * L); s13.intoArray(acc, a1 + 3 * L);
    }

    /** As {@link #tile2} for a single pixel (odd image widths). */
    private static void tile1(long[] a, int ai, int words, int[] taps, long[] wb, int wi, int wStride, long[] acc, int ao) {
        LongVector s0 = LongVector.zero(LS), s1 = s0, s2 = s0, s3 = s0;
        for (int tap : taps) {
            int p = ai + tap;
            for (int j = 0; j < words; j++, wi += wStride) {
                LongVector a0 = LongVector.broadcast(LS, a[p + j]);
                s0 = s0.add(a0.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, wb, wi)).lanewise(VectorOperators.BIT_COUNT));
                s1 = s1.add(a0.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, wb, wi + L)).lanewise(VectorOperators.BIT_COUNT));
                s2 = s2.add(a0.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, wb, wi + 2 * L)).lanewise(VectorOperators.BIT_COUNT));
                s3 = s3.add(a0.lanewise(VectorOperators.XOR, LongVector.fromArray(LS, wb, wi + 3 * L)).lanewise(VectorOperators.BIT_COUNT));
            }
        }
        s0.intoArray(acc, ao); s1.intoArray(acc, ao + L); s2.intoArray(acc, ao + 2 * L); s3.intoArray(acc, ao + 3 * L);
    }

    // ---------------------------------------------------------------- epilogues (one pixel, all output channels)

    private static void rowExact(long[] acc, int ao, long[] off, int oi, int cout, int[] out, int base) {
        for (int i = 0; i < cout; i++) out[base + i] = (int) (off[oi + i] - 2 * acc[ao + i]);
    }

    /** The exact results of L output channels as floats (exact: |result| <= k*k*cin is far below 2^24). */
    private static FloatVector exactAsFloat(long[] acc, int ai, long[] off, int oi) {
        LongVector exact = LongVector.fromArray(LS, off, oi).sub(LongVector.fromArray(LS, acc, ai).lanewise(VectorOperators.LSHL, 1));
        return (FloatVector) exact.convertShape(VectorOperators.L2F, ES, 0);
    }

    private static void pixelFloat(long[] acc, int ao, long[] off, int oi, int cout, float[] alpha, float[] beta,
                                   float[] out, int base, boolean accumulate) {
        int c = 0;
        for (; c + L <= cout; c += L) {
            FloatVector r = exactAsFloat(acc, ao + c, off, oi + c).fma(FloatVector.fromArray(ES, alpha, c), FloatVector.fromArray(ES, beta, c));
            if (accumulate) r = r.add(FloatVector.fromArray(ES, out, base + c));
            r.intoArray(out, base + c);
        }
        if (c < cout) {
            VectorMask<Float> m = ES.indexInRange(c, cout);
            FloatVector r = exactAsFloat(acc, ao + c, off, oi + c).fma(FloatVector.fromArray(ES, alpha, c, m), FloatVector.fromArray(ES, beta, c, m));
            if (accumulate) r = r.add(FloatVector.fromArray(ES, out, base + c, m));
            r.intoArray(out, base + c, m);
        }
    }

    private static void pixelPacked(long[] acc, int ao, long[] off, int oi, int cout, float[] alpha, float[] beta,
                                    float[] threshold, long[] out, int wordIndex) {
        for (int j = 0; j * 64 < cout; j++) {
            long bits = 0;
            for (int q = 0, c = j * 64; q < 64 && c < cout; q += L, c += L) {
                VectorMask<Float> m = ES.indexInRange(c, cout);
                FloatVector r = exactAsFloat(acc, ao + c, off, oi + c)
                        .fma(FloatVector.fromArray(ES, alpha, c, m), FloatVector.fromArray(ES, beta, c, m));
                FloatVector t = threshold == null ? FloatVector.zero(ES) : FloatVector.fromArray(ES, threshold, c, m);
                bits |= r.lt(t).and(m).toLong() << q;
            }
            out[wordIndex + j] = bits;
        }
    }
}
