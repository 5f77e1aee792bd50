package bnnsr.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The unrolled Vector API micro-kernels behind {@link VectorConvOps}: each keeps its accumulators in registers
 * (at most 24 vectors) and is a method of its own, so that C2 compiles it as one unit with every vector operation
 * inlined (a larger method, or one inlined into a large caller, hits C2's node-count inlining cutoff and boxes
 * its vectors: 3-18x slower).
 * <p>
 * Layouts: {@code in} holds zero-padded input rows (pixel stride {@code inS}); {@code rowOff[ky]} is where the
 * padded row feeding kernel row {@code ky} starts, and {@code px0} the offset of the tile's first pixel in it; only
 * kernel rows {@code kyLo <= ky < kyHi} lie inside the image. Output pixel j of a tile is written at
 * {@code out[outOff + j * outS + c]}, with the (zero-padded) bias added; only the first {@code coValid} channels
 * of the block are stored.
 * <ul>
 * <li>{@code tilePxV}: weights {@code wt[(tap * cin + ci) * coP + co]} (output channels padded to whole
 * vectors); broadcasts one input scalar per pixel and multiplies V weight vectors.</li>
 * <li>{@code dotPxC}: for few output channels; weights {@code wr[co * tapsS + tap * inS + ci]}, vectors along
 * the (zero-padded) input channels, one deterministic lane sum per output at the end.</li>
 * <li>{@code outerPxV}: the weight gradient's rank-1 updates {@code acc[j][v] += a[p][j] * b[p][v]} summed over
 * {@code npix} pixels, a read with pixel stride {@code aS}, b with {@code bS}.</li>
 * </ul>
 */
final class ConvKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();
    /** Pixels per tile (the widest tile), the least padded-row width the drivers provide. */
    static final int MAX_TILE = 12;
    /** Input channels per weight-gradient tile (the broadcast side of {@code outer6xV}). */
    static final int OUTER_ROWS = 6;

    /** FOLD[i] moves lane j + (L >> (i + 1)) to lane j: the fixed halving steps of {@link #sum}. */
    private static final VectorShuffle<Float>[] FOLD = folds();

    private ConvKernels() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int i = 0; i < steps; i++) f[i] = VectorShuffle.iota(S, L >> (i + 1), 1, true);
        return f;
    }

    /**
     * The sum of all lanes in a fixed pairwise order. {@code reduceLanes(ADD)} may add in a different order once
     * compiled than when interpreted, which would make runs irreproducible.
     */
    static float sum(FloatVector v) {
        for (VectorShuffle<Float> f : FOLD) v = v.add(v.rearrange(f));
        return v.lane(0);
    }

    private static void put(FloatVector acc, float[] bias, int bo, float[] out, int off, int valid) {
        FloatVector r = acc.add(FloatVector.fromArray(S, bias, bo));
        if (valid >= L) r.intoArray(out, off);
        else r.intoArray(out, off, S.indexInRange(0, valid));
    }

    /** 6 output pixels x 4 vectors of output channels; see the class comment for the arguments. */
    static void tile6x4(float[] in, int[] rowOff, int kyLo, int kyHi, int k, int inS, int cin, int px0,
                    float[] wt, int coP, int co0, float[] bias, float[] out, int outOff, int outS, int coValid) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S), a03 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S), a13 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a22 = FloatVector.zero(S), a23 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a32 = FloatVector.zero(S), a33 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S), a41 = FloatVector.zero(S), a42 = FloatVector.zero(S), a43 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S), a51 = FloatVector.zero(S), a52 = FloatVector.zero(S), a53 = FloatVector.zero(S);
        for (int ky = kyLo; ky < kyHi; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int ib = rowOff[ky] + px0 + kx * inS;
                int wb = (ky * k + kx) * cin * coP + co0;
                for (int ci = 0; ci < cin; ci++, ib++, wb += coP) {
                    FloatVector w0 = FloatVector.fromArray(S, wt, wb);
                    FloatVector w1 = FloatVector.fromArray(S, wt, wb + L);
                    FloatVector w2 = FloatVector.fromArray(S, wt, wb + 2 * L);
                    FloatVector w3 = FloatVector.fromArray(S, wt, wb + 3 * L);
                    FloatVector b;
                    b = FloatVector.broadcast(S, in[ib]);
                    a00 = b.fma(w0, a00); a01 = b.fma(w1, a01); a02 = b.fma(w2, a02); a03 = b.fma(w3, a03);
                    b = FloatVector.broadcast(S, in[ib + inS]);
                    a10 = b.fma(w0, a10); a11 = b.fma(w1, a11); a12 = b.fma(w2, a12); a13 = b.fma(w3, a13);
                    b = FloatVector.broadcast(S, in[ib + 2 * inS]);
                    a20 = b.fma(w0, a20); a21 = b.fma(w1, a21); a22 = b.fma(w2, a22); a23 = b.fma(w3, a23);
                    b = FloatVector.broadcast(S, in[ib + 3 * inS]);
                    a30 = b.fma(w0, a30); a31 = b.fma(w1, a31); a32 = b.fma(w2, a32); a33 = b.fma(w3, a33);
                    b = FloatVector.broadcast(S, in[ib + 4 * inS]);
                    a40 = b.fma(w0, a40); a41 = b.fma(w1, a41); a42 = b.fma(w2, a42); a43 = b.fma(w3, a43);
                    b = FloatVector.broadcast(S, in[ib + 5 * inS]);
                    a50 = b.fma(w0, a50); a51 = b.fma(w1, a51); a52 = b.fma(w2, a52); a53 = b.fma(w3, a53);
                }
            }
        }
        int o = outOff;
        put(a00, bias, co0, out, o, coValid); put(a01, bias, co0 + L, out, o + L, coValid - L); put(a02, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); put(a03, bias, co0 + 3 * L, out, o + 3 * L, coValid - 3 * L); o += outS;
        put(a10, bias, co0, out, o, coValid); put(a11, bias, co0 + L, out, o + L, coValid - L); put(a12, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); put(a13, bias, co0 + 3 * L, out, o + 3 * L, coValid - 3 * L); o += outS;
        put(a20, bias, co0, out, o, coValid); put(a21, bias, co0 + L, out, o + L, coValid - L); put(a22, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); put(a23, bias, co0 + 3 * L, out, o + 3 * L, coValid - 3 * L); o += outS;
        put(a30, bias, co0, out, o, coValid); put(a31, bias, co0 + L, out, o + L, coValid - L); put(a32, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); put(a33, bias, co0 + 3 * L, out, o + 3 * L, coValid - 3 * L); o += outS;
        put(a40, bias, co0, out, o, coValid); put(a41, bias, co0 + L, out, o + L, coValid - L); put(a42, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); put(a43, bias, co0 + 3 * L, out, o + 3 * L, coValid - 3 * L); o += outS;
        put(a50, bias, co0, out, o, coValid); put(a51, bias, co0 + L, out, o + L, coValid - L); put(a52, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); put(a53, bias, co0 + 3 * L, out, o + 3 * L, coValid - 3 * L);
    }

    /** 8 output pixels x 3 vectors of output channels; see the class comment for the arguments. */
    static void tile8x3(float[] in, int[] rowOff, int kyLo, int kyHi, int k, int inS, int cin, int px0,
                    float[] wt, int coP, int co0, float[] bias, float[] out, int outOff, int outS, int coValid) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a22 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a32 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S), a41 = FloatVector.zero(S), a42 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S), a51 = FloatVector.zero(S), a52 = FloatVector.zero(S);
        FloatVector a60 = FloatVector.zero(S), a61 = FloatVector.zero(S), a62 = FloatVector.zero(S);
        FloatVector a70 = FloatVector.zero(S), a71 = FloatVector.zero(S), a72 = FloatVector.zero(S);
        for (int ky = kyLo; ky < kyHi; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int ib = rowOff[ky] + px0 + kx * inS;
                int wb = (ky * k + kx) * cin * coP + co0;
                for (int ci = 0; ci < cin; ci++, ib++, wb += coP) {
                    FloatVector w0 = FloatVector.fromArray(S, wt, wb);
                    FloatVector w1 = FloatVector.fromArray(S, wt, wb + L);
                    FloatVector w2 = FloatVector.fromArray(S, wt, wb + 2 * L);
                    FloatVector b;
                    b = FloatVector.broadcast(S, in[ib]);
                    a00 = b.fma(w0, a00); a01 = b.fma(w1, a01); a02 = b.fma(w2, a02);
                    b = FloatVector.broadcast(S, in[ib + inS]);
                    a10 = b.fma(w0, a10); a11 = b.fma(w1, a11); a12 = b.fma(w2, a12);
                    b = FloatVector.broadcast(S, in[ib + 2 * inS]);
                    a20 = b.fma(w0, a20); a21 = b.fma(w1, a21); a22 = b.fma(w2, a22);
                    b = FloatVector.broadcast(S, in[ib + 3 * inS]);
                    a30 = b.fma(w0, a30); a31 = b.fma(w1, a31); a32 = b.fma(w2, a32);
                    b = FloatVector.broadcast(S, in[ib + 4 * inS]);
                    a40 = b.fma(w0, a40); a41 = b.fma(w1, a41); a42 = b.fma(w2, a42);
                    b = FloatVector.broadcast(S, in[ib + 5 * inS]);
                    a50 = b.fma(w0, a50); a51 = b.fma(w1, a51); a52 = b.fma(w2, a52);
                    b = FloatVector.broadcast(S, in[ib + 6 * inS]);
                    a60 = b.fma(w0, a60); a61 = b.fma(w1, a61); a62 = b.fma(w2, a62);
                    b = FloatVector.broadcast(S, in[ib + 7 * inS]);
                    a70 = b.fma(w0, a70); a71 = b.fma(w1, a71); a72 = b.fma(w2, a72);
                }
            }
        }
        int o = outOff;
        put(a00, bias, co0, out, o, coValid); put(a01, bias, co0 + L, out, o + L, coValid - L); put(a02, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); o += outS;
        put(a10, bias, co0, out, o, coValid); put(a11, bias, co0 + L, out, o + L, coValid - L); put(a12, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); o += outS;
        put(a20, bias, co0, out, o, coValid); put(a21, bias, co0 + L, out, o + L, coValid - L); put(a22, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); o += outS;
        put(a30, bias, co0, out, o, coValid); put(a31, bias, co0 + L, out, o + L, coValid - L); put(a32, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); o += outS;
        put(a40, bias, co0, out, o, coValid); put(a41, bias, co0 + L, out, o + L, coValid - L); put(a42, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); o += outS;
        put(a50, bias, co0, out, o, coValid); put(a51, bias, co0 + L, out, o + L, coValid - L); put(a52, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); o += outS;
        put(a60, bias, co0, out, o, coValid); put(a61, bias, co0 + L, out, o + L, coValid - L); put(a62, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L); o += outS;
        put(a70, bias, co0, out, o, coValid); put(a71, bias, co0 + L, out, o + L, coValid - L); put(a72, bias, co0 + 2 * L, out, o + 2 * L, coValid - 2 * L);
    }

    /** 12 output pixels x 2 vectors of output channels; see the class comment for the arguments. */
    static void tile12x2(float[] in, int[] rowOff, int kyLo, int kyHi, int k, int inS, int cin, int px0,
                    float[] wt, int coP, int co0, float[] bias, float[] out, int outOff, int outS, int coValid) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S), a41 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S), a51 = FloatVector.zero(S);
        FloatVector a60 = FloatVector.zero(S), a61 = FloatVector.zero(S);
        FloatVector a70 = FloatVector.zero(S), a71 = FloatVector.zero(S);
        FloatVector a80 = FloatVector.zero(S), a81 = FloatVector.zero(S);
        FloatVector a90 = FloatVector.zero(S), a91 = FloatVector.zero(S);
        FloatVector a100 = FloatVector.zero(S), a101 = FloatVector.zero(S);
        FloatVector a110 = FloatVector.zero(S), a111 = FloatVector.zero(S);
        for (int ky = kyLo; ky < kyHi; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int ib = rowOff[ky] + px0 + kx * inS;
                int wb = (ky * k + kx) * cin * coP + co0;
                for (int ci = 0; ci < cin; ci++, ib++, wb += coP) {
                    FloatVector w0 = FloatVector.fromArray(S, wt, wb);
                    FloatVector w1 = FloatVector.fromArray(S, wt, wb + L);
                    FloatVector b;
                    b = FloatVector.broadcast(S, in[ib]);
                    a00 = b.fma(w0, a00); a01 = b.fma(w1, a01);
                    b = FloatVector.broadcast(S, in[ib + inS]);
                    a10 = b.fma(w0, a10); a11 = b.fma(w1, a11);
                    b = FloatVector.broadcast(S, in[ib + 2 * inS]);
                    a20 = b.fma(w0, a20); a21 = b.fma(w1, a21);
                    b = FloatVector.broadcast(S, in[ib + 3 * inS]);
                    a30 = b.fma(w0, a30); a31 = b.fma(w1, a31);
                    b = FloatVector.broadcast(S, in[ib + 4 * inS]);
                    a40 = b.fma(w0, a40); a41 = b.fma(w1, a41);
                    b = FloatVector.broadcast(S, in[ib + 5 * inS]);
                    a50 = b.fma(w0, a50); a51 = b.fma(w1, a51);
                    b = FloatVector.broadcast(S, in[ib + 6 * inS]);
                    a60 = b.fma(w0, a60); a61 = b.fma(w1, a61);
                    b = FloatVector.broadcast(S, in[ib + 7 * inS]);
                    a70 = b.fma(w0, a70); a71 = b.fma(w1, a71);
                    b = FloatVector.broadcast(S, in[ib + 8 * inS]);
                    a80 = b.fma(w0, a80); a81 = b.fma(w1, a81);
                    b = FloatVector.broadcast(S, in[ib + 9 * inS]);
                    a90 = b.fma(w0, a90); a91 = b.fma(w1, a91);
                    b = FloatVector.broadcast(S, in[ib + 10 * inS]);
                    a100 = b.fma(w0, a100); a101 = b.fma(w1, a101);
                    b = FloatVector.broadcast(S, in[ib + 11 * inS]);
                    a110 = b.fma(w0, a110); a111 = b.fma(w1, a111);
                }
            }
        }
        int o = outOff;
        put(a00, bias, co0, out, o, coValid); put(a01, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a10, bias, co0, out, o, coValid); put(a11, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a20, bias, co0, out, o, coValid); put(a21, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a30, bias, co0, out, o, coValid); put(a31, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a40, bias, co0, out, o, coValid); put(a41, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a50, bias, co0, out, o, coValid); put(a51, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a60, bias, co0, out, o, coValid); put(a61, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a70, bias, co0, out, o, coValid); put(a71, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a80, bias, co0, out, o, coValid); put(a81, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a90, bias, co0, out, o, coValid); put(a91, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a100, bias, co0, out, o, coValid); put(a101, bias, co0 + L, out, o + L, coValid - L); o += outS;
        put(a110, bias, co0, out, o, coValid); put(a111, bias, co0 + L, out, o + L, coValid - L);
    }

    /** 12 output pixels x 1 vectors of output channels; see the class comment for the arguments. */
    static void tile12x1(float[] in, int[] rowOff, int kyLo, int kyHi, int k, int inS, int cin, int px0,
                    float[] wt, int coP, int co0, float[] bias, float[] out, int outOff, int outS, int coValid) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S);
        FloatVector a60 = FloatVector.zero(S);
        FloatVector a70 = FloatVector.zero(S);
        FloatVector a80 = FloatVector.zero(S);
        FloatVector a90 = FloatVector.zero(S);
        FloatVector a100 = FloatVector.zero(S);
        FloatVector a110 = FloatVector.zero(S);
        for (int ky = kyLo; ky < kyHi; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int ib = rowOff[ky] + px0 + kx * inS;
                int wb = (ky * k + kx) * cin * coP + co0;
                for (int ci = 0; ci < cin; ci++, ib++, wb += coP) {
                    FloatVector w0 = FloatVector.fromArray(S, wt, wb);
                    FloatVector b;
                    b = FloatVector.broadcast(S, in[ib]);
                    a00 = b.fma(w0, a00);
                    b = FloatVector.broadcast(S, in[ib + inS]);
                    a10 = b.fma(w0, a10);
                    b = FloatVector.broadcast(S, in[ib + 2 * inS]);
                    a20 = b.fma(w0, a20);
                    b = FloatVector.broadcast(S, in[ib + 3 * inS]);
                    a30 = b.fma(w0, a30);
                    b = FloatVector.broadcast(S, in[ib + 4 * inS]);
                    a40 = b.fma(w0, a40);
                    b = FloatVector.broadcast(S, in[ib + 5 * inS]);
                    a50 = b.fma(w0, a50);
                    b = FloatVector.broadcast(S, in[ib + 6 * inS]);
                    a60 = b.fma(w0, a60);
                    b = FloatVector.broadcast(S, in[ib + 7 * inS]);
                    a70 = b.fma(w0, a70);
                    b = FloatVector.broadcast(S, in[ib + 8 * inS]);
                    a80 = b.fma(w0, a80);
                    b = FloatVector.broadcast(S, in[ib + 9 * inS]);
                    a90 = b.fma(w0, a90);
                    b = FloatVector.broadcast(S, in[ib + 10 * inS]);
                    a100 = b.fma(w0, a100);
                    b = FloatVector.broadcast(S, in[ib + 11 * inS]);
                    a110 = b.fma(w0, a110);
                }
            }
        }
        int o = outOff;
        put(a00, bias, co0, out, o, coValid); o += outS;
        put(a10, bias, co0, out, o, coValid); o += outS;
        put(a20, bias, co0, out, o, coValid); o += outS;
        put(a30, bias, co0, out, o, coValid); o += outS;
        put(a40, bias, co0, out, o, coValid); o += outS;
        put(a50, bias, co0, out, o, coValid); o += outS;
        put(a60, bias, co0, out, o, coValid); o += outS;
        put(a70, bias, co0, out, o, coValid); o += outS;
        put(a80, bias, co0, out, o, coValid); o += outS;
        put(a90, bias, co0, out, o, coValid); o += outS;
        put(a100, bias, co0, out, o, coValid); o += outS;
        put(a110, bias, co0, out, o, coValid);
    }

    /** 4 output pixels x 3 output channels, vectors along the input channels; see the class comment. */
    static void dot4x3(float[] in, int[] rowOff, int kyLo, int kyHi, int k, int inS, int px0,
                    float[] wr, int tapsS, int co0, float[] bias, float[] out, int outOff, int outS, int coValid) {
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a02 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S), a11 = FloatVector.zero(S), a12 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S), a21 = FloatVector.zero(S), a22 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a32 = FloatVector.zero(S);
        for (int ky = kyLo; ky < kyHi; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int ib = rowOff[ky] + px0 + kx * inS;
                int wb = co0 * tapsS + (ky * k + kx) * inS;
                for (int ci = 0; ci < inS; ci += L) {
                    FloatVector w0 = FloatVector.fromArray(S, wr, wb + ci);
                    FloatVector w1 = FloatVector.fromArray(S, wr, wb + ci + tapsS);
                    FloatVector w2 = FloatVector.fromArray(S, wr, wb + ci + 2 * tapsS);
                    FloatVector x;
                    x = FloatVector.fromArray(S, in, ib + ci);
                    a00 = x.fma(w0, a00); a01 = x.fma(w1, a01); a02 = x.fma(w2, a02);
                    x = FloatVector.fromArray(S, in, ib + ci + inS);
                    a10 = x.fma(w0, a10); a11 = x.fma(w1, a11); a12 = x.fma(w2, a12);
                    x = FloatVector.fromArray(S, in, ib + ci + 2 * inS);
                    a20 = x.fma(w0, a20); a21 = x.fma(w1, a21); a22 = x.fma(w2, a22);
                    x = FloatVector.fromArray(S, in, ib + ci + 3 * inS);
                    a30 = x.fma(w0, a30); a31 = x.fma(w1, a31); a32 = x.fma(w2, a32);
                }
            }
        }
        int o = outOff;
        out[o] = sum(a00) + bias[co0]; if (coValid > 1) out[o + 1] = sum(a01) + bias[co0 + 1]; if (coValid > 2) out[o + 2] = sum(a02) + bias[co0 + 2]; o += outS;
        out[o] = sum(a10) + bias[co0]; if (coValid > 1) out[o + 1] = sum(a11) + bias[co0 + 1]; if (coValid > 2) out[o + 2] = sum(a12) + bias[co0 + 2]; o += outS;
        out[o] = sum(a20) + bias[co0]; if (coValid > 1) out[o + 1] = sum(a21) + bias[co0 + 1]; if (coValid > 2) out[o + 2] = sum(a22) + bias[co0 + 2]; o += outS;
        out[o] = sum(a30) + bias[co0]; if (coValid > 1) out[o + 1] = sum(a31) + bias[co0 + 1]; if (coValid > 2) out[o + 2] = sum(a32) + bias[co0 + 2];
    }

    /** 8 output pixels x 1 output channels, vectors along the input channels; see the class comment. */
    static void dot8x1(float[] in, int[] rowOff, int kyLo, int kyHi, int k, int inS, int px0,
                    float[] wr, int tapsS, int co0, float[] bias, float[] out, int outOff, int outS, int coValid) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a40 = FloatVector.zero(S);
        FloatVector a50 = FloatVector.zero(S);
        FloatVector a60 = FloatVector.zero(S);
        FloatVector a70 = FloatVector.zero(S);
        for (int ky = kyLo; ky < kyHi; ky++) {
            for (int kx = 0; kx < k; kx++) {
                int ib = rowOff[ky] + px0 + kx * inS;
                int wb = co0 * tapsS + (ky * k + kx) * inS;
                for (int ci = 0; ci < inS; ci += L) {
                    FloatVector w0 = FloatVector.fromArray(S, wr, wb + ci);
                    FloatVector x;
                    x = FloatVector.fromArray(S, in, ib + ci);
                    a00 = x.fma(w0, a00);
                    x = FloatVector.fromArray(S, in, ib + ci + inS);
                    a10 = x.fma(w0, a10);
                    x = FloatVector.fromArray(S, in, ib + ci + 2 * inS);
                    a20 = x.fma(w0, a20);
                    x = FloatVector.fromArray(S, in, ib + ci + 3 * inS);
                    a30 = x.fma(w0, a30);
                    x = FloatVector.fromArray(S, in, ib + ci + 4 * inS);
                    a40 = x.fma(w0, a40);
                    x = FloatVector.fromArray(S, in, ib + ci + 5 * inS);
                    a50 = x.fma(w0, a50);
                    x = FloatVector.fromArray(S, in, ib + ci + 6 * inS);
                    a60 = x.fma(w0, a60);
                    x = FloatVector.fromArray(S, in, ib + ci + 7 * inS);
                    a70 = x.fma(w0, a70);
                }
            }
        }
        int o = outOff;
        out[o] = sum(a00) + bias[co0]; o += outS;
        out[o] = sum(a10) + bias[co0]; o += outS;
        out[o] = sum(a20) + bias[co0]; o += outS;
        out[o] = sum(a30) + bias[co0]; o += outS;
        out[o] = sum(a40) + bias[co0]; o += outS;
        out[o] = sum(a50) + bias[co0]; o += outS;
        out[o] = sum(a60) + bias[co0]; o += outS;
        out[o] = sum(a70) + bias[co0];
    }

    /** acc[6][4 vectors] += a (broadcast) x b over npix pixels; see the class comment. */
    static void outer6x4(float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix, float[] acc, int accOff, int ldAcc) {
        int o = accOff;
        FloatVector c00 = FloatVector.fromArray(S, acc, o), c01 = FloatVector.fromArray(S, acc, o + L), c02 = FloatVector.fromArray(S, acc, o + 2 * L), c03 = FloatVector.fromArray(S, acc, o + 3 * L); o += ldAcc;
        FloatVector c10 = FloatVector.fromArray(S, acc, o), c11 = FloatVector.fromArray(S, acc, o + L), c12 = FloatVector.fromArray(S, acc, o + 2 * L), c13 = FloatVector.fromArray(S, acc, o + 3 * L); o += ldAcc;
        FloatVector c20 = FloatVector.fromArray(S, acc, o), c21 = FloatVector.fromArray(S, acc, o + L), c22 = FloatVector.fromArray(S, acc, o + 2 * L), c23 = FloatVector.fromArray(S, acc, o + 3 * L); o += ldAcc;
        FloatVector c30 = FloatVector.fromArray(S, acc, o), c31 = FloatVector.fromArray(S, acc, o + L), c32 = FloatVector.fromArray(S, acc, o + 2 * L), c33 = FloatVector.fromArray(S, acc, o + 3 * L); o += ldAcc;
        FloatVector c40 = FloatVector.fromArray(S, acc, o), c41 = FloatVector.fromArray(S, acc, o + L), c42 = FloatVector.fromArray(S, acc, o + 2 * L), c43 = FloatVector.fromArray(S, acc, o + 3 * L); o += ldAcc;
        FloatVector c50 = FloatVector.fromArray(S, acc, o), c51 = FloatVector.fromArray(S, acc, o + L), c52 = FloatVector.fromArray(S, acc, o + 2 * L), c53 = FloatVector.fromArray(S, acc, o + 3 * L);
        for (int p = 0; p < npix; p++, aOff += aS, bOff += bS) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bOff + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bOff + 3 * L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[aOff]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[aOff + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[aOff + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[aOff + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[aOff + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[aOff + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        o = accOff;
        c00.intoArray(acc, o); c01.intoArray(acc, o + L); c02.intoArray(acc, o + 2 * L); c03.intoArray(acc, o + 3 * L); o += ldAcc;
        c10.intoArray(acc, o); c11.intoArray(acc, o + L); c12.intoArray(acc, o + 2 * L); c13.intoArray(acc, o + 3 * L); o += ldAcc;
        c20.intoArray(acc, o); c21.intoArray(acc, o + L); c22.intoArray(acc, o + 2 * L); c23.intoArray(acc, o + 3 * L); o += ldAcc;
        c30.intoArray(acc, o); c31.intoArray(acc, o + L); c32.intoArray(acc, o + 2 * L); c33.intoArray(acc, o + 3 * L); o += ldAcc;
        c40.intoArray(acc, o); c41.intoArray(acc, o + L); c42.intoArray(acc, o + 2 * L); c43.intoArray(acc, o + 3 * L); o += ldAcc;
        c50.intoArray(acc, o); c51.intoArray(acc, o + L); c52.intoArray(acc, o + 2 * L); c53.intoArray(acc, o + 3 * L);
    }

    /** acc[6][3 vectors] += a (broadcast) x b over npix pixels; see the class comment. */
    static void outer6x3(float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix, float[] acc, int accOff, int ldAcc) {
        int o = accOff;
        FloatVector c00 = FloatVector.fromArray(S, acc, o), c01 = FloatVector.fromArray(S, acc, o + L), c02 = FloatVector.fromArray(S, acc, o + 2 * L); o += ldAcc;
        FloatVector c10 = FloatVector.fromArray(S, acc, o), c11 = FloatVector.fromArray(S, acc, o + L), c12 = FloatVector.fromArray(S, acc, o + 2 * L); o += ldAcc;
        FloatVector c20 = FloatVector.fromArray(S, acc, o), c21 = FloatVector.fromArray(S, acc, o + L), c22 = FloatVector.fromArray(S, acc, o + 2 * L); o += ldAcc;
        FloatVector c30 = FloatVector.fromArray(S, acc, o), c31 = FloatVector.fromArray(S, acc, o + L), c32 = FloatVector.fromArray(S, acc, o + 2 * L); o += ldAcc;
        FloatVector c40 = FloatVector.fromArray(S, acc, o), c41 = FloatVector.fromArray(S, acc, o + L), c42 = FloatVector.fromArray(S, acc, o + 2 * L); o += ldAcc;
        FloatVector c50 = FloatVector.fromArray(S, acc, o), c51 = FloatVector.fromArray(S, acc, o + L), c52 = FloatVector.fromArray(S, acc, o + 2 * L);
        for (int p = 0; p < npix; p++, aOff += aS, bOff += bS) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bOff + 2 * L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[aOff]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[aOff + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[aOff + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[aOff + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32);
            x = FloatVector.broadcast(S, a[aOff + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42);
            x = FloatVector.broadcast(S, a[aOff + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52);
        }
        o = accOff;
        c00.intoArray(acc, o); c01.intoArray(acc, o + L); c02.intoArray(acc, o + 2 * L); o += ldAcc;
        c10.intoArray(acc, o); c11.intoArray(acc, o + L); c12.intoArray(acc, o + 2 * L); o += ldAcc;
        c20.intoArray(acc, o); c21.intoArray(acc, o + L); c22.intoArray(acc, o + 2 * L); o += ldAcc;
        c30.intoArray(acc, o); c31.intoArray(acc, o + L); c32.intoArray(acc, o + 2 * L); o += ldAcc;
        c40.intoArray(acc, o); c41.intoArray(acc, o + L); c42.intoArray(acc, o + 2 * L); o += ldAcc;
        c50.intoArray(acc, o); c51.intoArray(acc, o + L); c52.intoArray(acc, o + 2 * L);
    }

    /** acc[6][2 vectors] += a (broadcast) x b over npix pixels; see the class comment. */
    static void outer6x2(float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix, float[] acc, int accOff, int ldAcc) {
        int o = accOff;
        FloatVector c00 = FloatVector.fromArray(S, acc, o), c01 = FloatVector.fromArray(S, acc, o + L); o += ldAcc;
        FloatVector c10 = FloatVector.fromArray(S, acc, o), c11 = FloatVector.fromArray(S, acc, o + L); o += ldAcc;
        FloatVector c20 = FloatVector.fromArray(S, acc, o), c21 = FloatVector.fromArray(S, acc, o + L); o += ldAcc;
        FloatVector c30 = FloatVector.fromArray(S, acc, o), c31 = FloatVector.fromArray(S, acc, o + L); o += ldAcc;
        FloatVector c40 = FloatVector.fromArray(S, acc, o), c41 = FloatVector.fromArray(S, acc, o + L); o += ldAcc;
        FloatVector c50 = FloatVector.fromArray(S, acc, o), c51 = FloatVector.fromArray(S, acc, o + L);
        for (int p = 0; p < npix; p++, aOff += aS, bOff += bS) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[aOff]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[aOff + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[aOff + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[aOff + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[aOff + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[aOff + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        o = accOff;
        c00.intoArray(acc, o); c01.intoArray(acc, o + L); o += ldAcc;
        c10.intoArray(acc, o); c11.intoArray(acc, o + L); o += ldAcc;
        c20.intoArray(acc, o); c21.intoArray(acc, o + L); o += ldAcc;
        c30.intoArray(acc, o); c31.intoArray(acc, o + L); o += ldAcc;
        c40.intoArray(acc, o); c41.intoArray(acc, o + L); o += ldAcc;
        c50.intoArray(acc, o); c51.intoArray(acc, o + L);
    }

    /** acc[6][1 vectors] += a (broadcast) x b over npix pixels; see the class comment. */
    static void outer6x1(float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix, float[] acc, int accOff, int ldAcc) {
        int o = accOff;
        FloatVector c00 = FloatVector.fromArray(S, acc, o); o += ldAcc;
        FloatVector c10 = FloatVector.fromArray(S, acc, o); o += ldAcc;
        FloatVector c20 = FloatVector.fromArray(S, acc, o); o += ldAcc;
        FloatVector c30 = FloatVector.fromArray(S, acc, o); o += ldAcc;
        FloatVector c40 = FloatVector.fromArray(S, acc, o); o += ldAcc;
        FloatVector c50 = FloatVector.fromArray(S, acc, o);
        for (int p = 0; p < npix; p++, aOff += aS, bOff += bS) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff);
            FloatVector x;
            x = FloatVector.broadcast(S, a[aOff]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(S, a[aOff + 1]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(S, a[aOff + 2]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(S, a[aOff + 3]);
            c30 = x.fma(b0, c30);
            x = FloatVector.broadcast(S, a[aOff + 4]);
            c40 = x.fma(b0, c40);
            x = FloatVector.broadcast(S, a[aOff + 5]);
            c50 = x.fma(b0, c50);
        }
        o = accOff;
        c00.intoArray(acc, o); o += ldAcc;
        c10.intoArray(acc, o); o += ldAcc;
        c20.intoArray(acc, o); o += ldAcc;
        c30.intoArray(acc, o); o += ldAcc;
        c40.intoArray(acc, o); o += ldAcc;
        c50.intoArray(acc, o);
    }
}
