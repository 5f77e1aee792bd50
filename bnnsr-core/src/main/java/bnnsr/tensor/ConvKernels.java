package bnnsr.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The unrolled Vector API micro-kernels behind {@link VectorConvOps}: each keeps its accumulators in registers
 * (at most 24 vectors) and is a method of its own, so that C2 compiles it as one unit with every vector operation
 * inlined (a larger method, or one inlined into a large caller, hits C2's node-count inlining cutoff and boxes
 * its vectors: 3-18x slower). The unrolled methods are printed by src/test/python/gen_conv_kernels.py.
 * <p>
 * Safepoints: a Java loop around the hot loop carries a safepoint poll, and C2 then keeps the accumulators in
 * stack slots instead of registers (3x slower). So each kernel is a single counted loop over one kernel row
 * (its k taps x the input channels, contiguous in the padded row), with indices computed from the loop counter
 * so that C2 hoists the range checks; the driver calls it once per kernel row, and the accumulators start from
 * the bias ({@code first}) or from what the previous row left in {@code out}.
 * <p>
 * Layouts: {@code in} holds zero-padded input rows ({@link PaddedRows}) with pixel stride {@code inS}; {@code i0}
 * is where the tile's first pixel meets the first tap of the kernel row; output pixel j of a tile lives at
 * {@code out[outOff + j * outS + c]} for every channel c of the block (whole vectors; callers stage tiles that do
 * not fit in the output).
 * <ul>
 * <li>{@code tilePxV}: {@code inS} = input channels; weights of the block's V vectors of output channels for
 * the kernel row from {@code wb}: {@code wt[wb + (kx * cin + ci) * V * L + c]} (zero-padded); per step broadcasts
 * one input scalar per pixel and multiplies V weight vectors.</li>
 * <li>{@code dotPxC}: for few output channels: {@code inS} = input channels rounded up to whole vectors (zero
 * padding), weights {@code wr[wb + c * wS + kx * inS + ci]}; vectors along the input channels; the vector
 * partial sums pass from row to row through {@code part}, and after the last row {@link #finishDot} adds their
 * lanes in a fixed order (a separate method: twelve inlined sums would hit the node-count cutoff).</li>
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
    /** Input channels per weight-gradient tile (the broadcast side of {@code outer6xV}; {@code outer3xV} for tails). */
    static final int OUTER_ROWS = 6;
    /** Rows of the narrow weight-gradient tiles; the broadcast side is padded to a multiple of it. */
    static final int OUTER_TAIL = 3;

    /** FOLD[i] moves lane j + (L >> (i + 1)) to lane j: the fixed halving steps of {@link #sum}. */
    private static final VectorShuffle<Float>[] FOLD = folds();
    /** The same steps as constants for 16 lanes (AVX-512), so C2 folds them into the instructions. */
    private static final VectorShuffle<Float> F8 = L == 16 ? FOLD[0] : null, F4 = L == 16 ? FOLD[1] : null,
            F2 = L == 16 ? FOLD[2] : null, F1 = L == 16 ? FOLD[3] : null;

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
        if (L == 16) {
            v = v.add(v.rearrange(F8));
            v = v.add(v.rearrange(F4));
            v = v.add(v.rearrange(F2));
            return v.add(v.rearrange(F1)).lane(0);
        }
        for (VectorShuffle<Float> f : FOLD) v = v.add(v.rearrange(f));
        return v.lane(0);
    }

    /** 6 output pixels x 4 vectors of output channels, one kernel row; see the class comment. */
    static void tile6x4(float[] in, int i0, int inS, int steps, float[] wt, int wb, boolean first, float[] bias,
                    int co0, float[] out, int outOff, int outS) {
        FloatVector a00, a01, a02, a03;
        FloatVector a10, a11, a12, a13;
        FloatVector a20, a21, a22, a23;
        FloatVector a30, a31, a32, a33;
        FloatVector a40, a41, a42, a43;
        FloatVector a50, a51, a52, a53;
        if (first) {
            FloatVector b0 = FloatVector.fromArray(S, bias, co0), b1 = FloatVector.fromArray(S, bias, co0 + L), b2 = FloatVector.fromArray(S, bias, co0 + 2 * L), b3 = FloatVector.fromArray(S, bias, co0 + 3 * L);
            a00 = b0; a01 = b1; a02 = b2; a03 = b3;
            a10 = b0; a11 = b1; a12 = b2; a13 = b3;
            a20 = b0; a21 = b1; a22 = b2; a23 = b3;
            a30 = b0; a31 = b1; a32 = b2; a33 = b3;
            a40 = b0; a41 = b1; a42 = b2; a43 = b3;
            a50 = b0; a51 = b1; a52 = b2; a53 = b3;
        } else {
            int o = outOff;
            a00 = FloatVector.fromArray(S, out, o); a01 = FloatVector.fromArray(S, out, o + L); a02 = FloatVector.fromArray(S, out, o + 2 * L); a03 = FloatVector.fromArray(S, out, o + 3 * L); o += outS;
            a10 = FloatVector.fromArray(S, out, o); a11 = FloatVector.fromArray(S, out, o + L); a12 = FloatVector.fromArray(S, out, o + 2 * L); a13 = FloatVector.fromArray(S, out, o + 3 * L); o += outS;
            a20 = FloatVector.fromArray(S, out, o); a21 = FloatVector.fromArray(S, out, o + L); a22 = FloatVector.fromArray(S, out, o + 2 * L); a23 = FloatVector.fromArray(S, out, o + 3 * L); o += outS;
            a30 = FloatVector.fromArray(S, out, o); a31 = FloatVector.fromArray(S, out, o + L); a32 = FloatVector.fromArray(S, out, o + 2 * L); a33 = FloatVector.fromArray(S, out, o + 3 * L); o += outS;
            a40 = FloatVector.fromArray(S, out, o); a41 = FloatVector.fromArray(S, out, o + L); a42 = FloatVector.fromArray(S, out, o + 2 * L); a43 = FloatVector.fromArray(S, out, o + 3 * L); o += outS;
            a50 = FloatVector.fromArray(S, out, o); a51 = FloatVector.fromArray(S, out, o + L); a52 = FloatVector.fromArray(S, out, o + 2 * L); a53 = FloatVector.fromArray(S, out, o + 3 * L);
        }
        for (int s = 0; s < steps; s++) {
            int i = i0 + s, wi = wb + s * (4 * L);
            FloatVector w0 = FloatVector.fromArray(S, wt, wi);
            FloatVector w1 = FloatVector.fromArray(S, wt, wi + L);
            FloatVector w2 = FloatVector.fromArray(S, wt, wi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, wt, wi + 3 * L);
            FloatVector x;
            x = FloatVector.broadcast(S, in[i]);
            a00 = x.fma(w0, a00); a01 = x.fma(w1, a01); a02 = x.fma(w2, a02); a03 = x.fma(w3, a03);
            x = FloatVector.broadcast(S, in[i + inS]);
            a10 = x.fma(w0, a10); a11 = x.fma(w1, a11); a12 = x.fma(w2, a12); a13 = x.fma(w3, a13);
            x = FloatVector.broadcast(S, in[i + 2 * inS]);
            a20 = x.fma(w0, a20); a21 = x.fma(w1, a21); a22 = x.fma(w2, a22); a23 = x.fma(w3, a23);
            x = FloatVector.broadcast(S, in[i + 3 * inS]);
            a30 = x.fma(w0, a30); a31 = x.fma(w1, a31); a32 = x.fma(w2, a32); a33 = x.fma(w3, a33);
            x = FloatVector.broadcast(S, in[i + 4 * inS]);
            a40 = x.fma(w0, a40); a41 = x.fma(w1, a41); a42 = x.fma(w2, a42); a43 = x.fma(w3, a43);
            x = FloatVector.broadcast(S, in[i + 5 * inS]);
            a50 = x.fma(w0, a50); a51 = x.fma(w1, a51); a52 = x.fma(w2, a52); a53 = x.fma(w3, a53);
        }
        int o = outOff;
        a00.intoArray(out, o); a01.intoArray(out, o + L); a02.intoArray(out, o + 2 * L); a03.intoArray(out, o + 3 * L); o += outS;
        a10.intoArray(out, o); a11.intoArray(out, o + L); a12.intoArray(out, o + 2 * L); a13.intoArray(out, o + 3 * L); o += outS;
        a20.intoArray(out, o); a21.intoArray(out, o + L); a22.intoArray(out, o + 2 * L); a23.intoArray(out, o + 3 * L); o += outS;
        a30.intoArray(out, o); a31.intoArray(out, o + L); a32.intoArray(out, o + 2 * L); a33.intoArray(out, o + 3 * L); o += outS;
        a40.intoArray(out, o); a41.intoArray(out, o + L); a42.intoArray(out, o + 2 * L); a43.intoArray(out, o + 3 * L); o += outS;
        a50.intoArray(out, o); a51.intoArray(out, o + L); a52.intoArray(out, o + 2 * L); a53.intoArray(out, o + 3 * L);
    }

    /** 8 output pixels x 3 vectors of output channels, one kernel row; see the class comment. */
    static void tile8x3(float[] in, int i0, int inS, int steps, float[] wt, int wb, boolean first, float[] bias,
                    int co0, float[] out, int outOff, int outS) {
        FloatVector a00, a01, a02;
        FloatVector a10, a11, a12;
        FloatVector a20, a21, a22;
        FloatVector a30, a31, a32;
        FloatVector a40, a41, a42;
        FloatVector a50, a51, a52;
        FloatVector a60, a61, a62;
        FloatVector a70, a71, a72;
        if (first) {
            FloatVector b0 = FloatVector.fromArray(S, bias, co0), b1 = FloatVector.fromArray(S, bias, co0 + L), b2 = FloatVector.fromArray(S, bias, co0 + 2 * L);
            a00 = b0; a01 = b1; a02 = b2;
            a10 = b0; a11 = b1; a12 = b2;
            a20 = b0; a21 = b1; a22 = b2;
            a30 = b0; a31 = b1; a32 = b2;
            a40 = b0; a41 = b1; a42 = b2;
            a50 = b0; a51 = b1; a52 = b2;
            a60 = b0; a61 = b1; a62 = b2;
            a70 = b0; a71 = b1; a72 = b2;
        } else {
            int o = outOff;
            a00 = FloatVector.fromArray(S, out, o); a01 = FloatVector.fromArray(S, out, o + L); a02 = FloatVector.fromArray(S, out, o + 2 * L); o += outS;
            a10 = FloatVector.fromArray(S, out, o); a11 = FloatVector.fromArray(S, out, o + L); a12 = FloatVector.fromArray(S, out, o + 2 * L); o += outS;
            a20 = FloatVector.fromArray(S, out, o); a21 = FloatVector.fromArray(S, out, o + L); a22 = FloatVector.fromArray(S, out, o + 2 * L); o += outS;
            a30 = FloatVector.fromArray(S, out, o); a31 = FloatVector.fromArray(S, out, o + L); a32 = FloatVector.fromArray(S, out, o + 2 * L); o += outS;
            a40 = FloatVector.fromArray(S, out, o); a41 = FloatVector.fromArray(S, out, o + L); a42 = FloatVector.fromArray(S, out, o + 2 * L); o += outS;
            a50 = FloatVector.fromArray(S, out, o); a51 = FloatVector.fromArray(S, out, o + L); a52 = FloatVector.fromArray(S, out, o + 2 * L); o += outS;
            a60 = FloatVector.fromArray(S, out, o); a61 = FloatVector.fromArray(S, out, o + L); a62 = FloatVector.fromArray(S, out, o + 2 * L); o += outS;
            a70 = FloatVector.fromArray(S, out, o); a71 = FloatVector.fromArray(S, out, o + L); a72 = FloatVector.fromArray(S, out, o + 2 * L);
        }
        for (int s = 0; s < steps; s++) {
            int i = i0 + s, wi = wb + s * (3 * L);
            FloatVector w0 = FloatVector.fromArray(S, wt, wi);
            FloatVector w1 = FloatVector.fromArray(S, wt, wi + L);
            FloatVector w2 = FloatVector.fromArray(S, wt, wi + 2 * L);
            FloatVector x;
            x = FloatVector.broadcast(S, in[i]);
            a00 = x.fma(w0, a00); a01 = x.fma(w1, a01); a02 = x.fma(w2, a02);
            x = FloatVector.broadcast(S, in[i + inS]);
            a10 = x.fma(w0, a10); a11 = x.fma(w1, a11); a12 = x.fma(w2, a12);
            x = FloatVector.broadcast(S, in[i + 2 * inS]);
            a20 = x.fma(w0, a20); a21 = x.fma(w1, a21); a22 = x.fma(w2, a22);
            x = FloatVector.broadcast(S, in[i + 3 * inS]);
            a30 = x.fma(w0, a30); a31 = x.fma(w1, a31); a32 = x.fma(w2, a32);
            x = FloatVector.broadcast(S, in[i + 4 * inS]);
            a40 = x.fma(w0, a40); a41 = x.fma(w1, a41); a42 = x.fma(w2, a42);
            x = FloatVector.broadcast(S, in[i + 5 * inS]);
            a50 = x.fma(w0, a50); a51 = x.fma(w1, a51); a52 = x.fma(w2, a52);
            x = FloatVector.broadcast(S, in[i + 6 * inS]);
            a60 = x.fma(w0, a60); a61 = x.fma(w1, a61); a62 = x.fma(w2, a62);
            x = FloatVector.broadcast(S, in[i + 7 * inS]);
            a70 = x.fma(w0, a70); a71 = x.fma(w1, a71); a72 = x.fma(w2, a72);
        }
        int o = outOff;
        a00.intoArray(out, o); a01.intoArray(out, o + L); a02.intoArray(out, o + 2 * L); o += outS;
        a10.intoArray(out, o); a11.intoArray(out, o + L); a12.intoArray(out, o + 2 * L); o += outS;
        a20.intoArray(out, o); a21.intoArray(out, o + L); a22.intoArray(out, o + 2 * L); o += outS;
        a30.intoArray(out, o); a31.intoArray(out, o + L); a32.intoArray(out, o + 2 * L); o += outS;
        a40.intoArray(out, o); a41.intoArray(out, o + L); a42.intoArray(out, o + 2 * L); o += outS;
        a50.intoArray(out, o); a51.intoArray(out, o + L); a52.intoArray(out, o + 2 * L); o += outS;
        a60.intoArray(out, o); a61.intoArray(out, o + L); a62.intoArray(out, o + 2 * L); o += outS;
        a70.intoArray(out, o); a71.intoArray(out, o + L); a72.intoArray(out, o + 2 * L);
    }

    /** 12 output pixels x 2 vectors of output channels, one kernel row; see the class comment. */
    static void tile12x2(float[] in, int i0, int inS, int steps, float[] wt, int wb, boolean first, float[] bias,
                    int co0, float[] out, int outOff, int outS) {
        FloatVector a00, a01;
        FloatVector a10, a11;
        FloatVector a20, a21;
        FloatVector a30, a31;
        FloatVector a40, a41;
        FloatVector a50, a51;
        FloatVector a60, a61;
        FloatVector a70, a71;
        FloatVector a80, a81;
        FloatVector a90, a91;
        FloatVector a100, a101;
        FloatVector a110, a111;
        if (first) {
            FloatVector b0 = FloatVector.fromArray(S, bias, co0), b1 = FloatVector.fromArray(S, bias, co0 + L);
            a00 = b0; a01 = b1;
            a10 = b0; a11 = b1;
            a20 = b0; a21 = b1;
            a30 = b0; a31 = b1;
            a40 = b0; a41 = b1;
            a50 = b0; a51 = b1;
            a60 = b0; a61 = b1;
            a70 = b0; a71 = b1;
            a80 = b0; a81 = b1;
            a90 = b0; a91 = b1;
            a100 = b0; a101 = b1;
            a110 = b0; a111 = b1;
        } else {
            int o = outOff;
            a00 = FloatVector.fromArray(S, out, o); a01 = FloatVector.fromArray(S, out, o + L); o += outS;
            a10 = FloatVector.fromArray(S, out, o); a11 = FloatVector.fromArray(S, out, o + L); o += outS;
            a20 = FloatVector.fromArray(S, out, o); a21 = FloatVector.fromArray(S, out, o + L); o += outS;
            a30 = FloatVector.fromArray(S, out, o); a31 = FloatVector.fromArray(S, out, o + L); o += outS;
            a40 = FloatVector.fromArray(S, out, o); a41 = FloatVector.fromArray(S, out, o + L); o += outS;
            a50 = FloatVector.fromArray(S, out, o); a51 = FloatVector.fromArray(S, out, o + L); o += outS;
            a60 = FloatVector.fromArray(S, out, o); a61 = FloatVector.fromArray(S, out, o + L); o += outS;
            a70 = FloatVector.fromArray(S, out, o); a71 = FloatVector.fromArray(S, out, o + L); o += outS;
            a80 = FloatVector.fromArray(S, out, o); a81 = FloatVector.fromArray(S, out, o + L); o += outS;
            a90 = FloatVector.fromArray(S, out, o); a91 = FloatVector.fromArray(S, out, o + L); o += outS;
            a100 = FloatVector.fromArray(S, out, o); a101 = FloatVector.fromArray(S, out, o + L); o += outS;
            a110 = FloatVector.fromArray(S, out, o); a111 = FloatVector.fromArray(S, out, o + L);
        }
        for (int s = 0; s < steps; s++) {
            int i = i0 + s, wi = wb + s * (2 * L);
            FloatVector w0 = FloatVector.fromArray(S, wt, wi);
            FloatVector w1 = FloatVector.fromArray(S, wt, wi + L);
            FloatVector x;
            x = FloatVector.broadcast(S, in[i]);
            a00 = x.fma(w0, a00); a01 = x.fma(w1, a01);
            x = FloatVector.broadcast(S, in[i + inS]);
            a10 = x.fma(w0, a10); a11 = x.fma(w1, a11);
            x = FloatVector.broadcast(S, in[i + 2 * inS]);
            a20 = x.fma(w0, a20); a21 = x.fma(w1, a21);
            x = FloatVector.broadcast(S, in[i + 3 * inS]);
            a30 = x.fma(w0, a30); a31 = x.fma(w1, a31);
            x = FloatVector.broadcast(S, in[i + 4 * inS]);
            a40 = x.fma(w0, a40); a41 = x.fma(w1, a41);
            x = FloatVector.broadcast(S, in[i + 5 * inS]);
            a50 = x.fma(w0, a50); a51 = x.fma(w1, a51);
            x = FloatVector.broadcast(S, in[i + 6 * inS]);
            a60 = x.fma(w0, a60); a61 = x.fma(w1, a61);
            x = FloatVector.broadcast(S, in[i + 7 * inS]);
            a70 = x.fma(w0, a70); a71 = x.fma(w1, a71);
            x = FloatVector.broadcast(S, in[i + 8 * inS]);
            a80 = x.fma(w0, a80); a81 = x.fma(w1, a81);
            x = FloatVector.broadcast(S, in[i + 9 * inS]);
            a90 = x.fma(w0, a90); a91 = x.fma(w1, a91);
            x = FloatVector.broadcast(S, in[i + 10 * inS]);
            a100 = x.fma(w0, a100); a101 = x.fma(w1, a101);
            x = FloatVector.broadcast(S, in[i + 11 * inS]);
            a110 = x.fma(w0, a110); a111 = x.fma(w1, a111);
        }
        int o = outOff;
        a00.intoArray(out, o); a01.intoArray(out, o + L); o += outS;
        a10.intoArray(out, o); a11.intoArray(out, o + L); o += outS;
        a20.intoArray(out, o); a21.intoArray(out, o + L); o += outS;
        a30.intoArray(out, o); a31.intoArray(out, o + L); o += outS;
        a40.intoArray(out, o); a41.intoArray(out, o + L); o += outS;
        a50.intoArray(out, o); a51.intoArray(out, o + L); o += outS;
        a60.intoArray(out, o); a61.intoArray(out, o + L); o += outS;
        a70.intoArray(out, o); a71.intoArray(out, o + L); o += outS;
        a80.intoArray(out, o); a81.intoArray(out, o + L); o += outS;
        a90.intoArray(out, o); a91.intoArray(out, o + L); o += outS;
        a100.intoArray(out, o); a101.intoArray(out, o + L); o += outS;
        a110.intoArray(out, o); a111.intoArray(out, o + L);
    }

    /** 12 output pixels x 1 vectors of output channels, one kernel row; see the class comment. */
    static void tile12x1(float[] in, int i0, int inS, int steps, float[] wt, int wb, boolean first, float[] bias,
                    int co0, float[] out, int outOff, int outS) {
        FloatVector a00;
        FloatVector a10;
        FloatVector a20;
        FloatVector a30;
        FloatVector a40;
        FloatVector a50;
        FloatVector a60;
        FloatVector a70;
        FloatVector a80;
        FloatVector a90;
        FloatVector a100;
        FloatVector a110;
        if (first) {
            FloatVector b0 = FloatVector.fromArray(S, bias, co0);
            a00 = b0;
            a10 = b0;
            a20 = b0;
            a30 = b0;
            a40 = b0;
            a50 = b0;
            a60 = b0;
            a70 = b0;
            a80 = b0;
            a90 = b0;
            a100 = b0;
            a110 = b0;
        } else {
            int o = outOff;
            a00 = FloatVector.fromArray(S, out, o); o += outS;
            a10 = FloatVector.fromArray(S, out, o); o += outS;
            a20 = FloatVector.fromArray(S, out, o); o += outS;
            a30 = FloatVector.fromArray(S, out, o); o += outS;
            a40 = FloatVector.fromArray(S, out, o); o += outS;
            a50 = FloatVector.fromArray(S, out, o); o += outS;
            a60 = FloatVector.fromArray(S, out, o); o += outS;
            a70 = FloatVector.fromArray(S, out, o); o += outS;
            a80 = FloatVector.fromArray(S, out, o); o += outS;
            a90 = FloatVector.fromArray(S, out, o); o += outS;
            a100 = FloatVector.fromArray(S, out, o); o += outS;
            a110 = FloatVector.fromArray(S, out, o);
        }
        for (int s = 0; s < steps; s++) {
            int i = i0 + s, wi = wb + s * (1 * L);
            FloatVector w0 = FloatVector.fromArray(S, wt, wi);
            FloatVector x;
            x = FloatVector.broadcast(S, in[i]);
            a00 = x.fma(w0, a00);
            x = FloatVector.broadcast(S, in[i + inS]);
            a10 = x.fma(w0, a10);
            x = FloatVector.broadcast(S, in[i + 2 * inS]);
            a20 = x.fma(w0, a20);
            x = FloatVector.broadcast(S, in[i + 3 * inS]);
            a30 = x.fma(w0, a30);
            x = FloatVector.broadcast(S, in[i + 4 * inS]);
            a40 = x.fma(w0, a40);
            x = FloatVector.broadcast(S, in[i + 5 * inS]);
            a50 = x.fma(w0, a50);
            x = FloatVector.broadcast(S, in[i + 6 * inS]);
            a60 = x.fma(w0, a60);
            x = FloatVector.broadcast(S, in[i + 7 * inS]);
            a70 = x.fma(w0, a70);
            x = FloatVector.broadcast(S, in[i + 8 * inS]);
            a80 = x.fma(w0, a80);
            x = FloatVector.broadcast(S, in[i + 9 * inS]);
            a90 = x.fma(w0, a90);
            x = FloatVector.broadcast(S, in[i + 10 * inS]);
            a100 = x.fma(w0, a100);
            x = FloatVector.broadcast(S, in[i + 11 * inS]);
            a110 = x.fma(w0, a110);
        }
        int o = outOff;
        a00.intoArray(out, o); o += outS;
        a10.intoArray(out, o); o += outS;
        a20.intoArray(out, o); o += outS;
        a30.intoArray(out, o); o += outS;
        a40.intoArray(out, o); o += outS;
        a50.intoArray(out, o); o += outS;
        a60.intoArray(out, o); o += outS;
        a70.intoArray(out, o); o += outS;
        a80.intoArray(out, o); o += outS;
        a90.intoArray(out, o); o += outS;
        a100.intoArray(out, o); o += outS;
        a110.intoArray(out, o);
    }

    /** 4 output pixels x 3 output channels, one kernel row, vectors along the input channels. */
    static void dot4x3(float[] in, int i0, int inS, int steps, float[] wr, int wb, int wS, float[] part,
                    boolean first, boolean last, float[] bias, int co0, float[] out, int outOff, int outS) {
        FloatVector a00, a01, a02;
        FloatVector a10, a11, a12;
        FloatVector a20, a21, a22;
        FloatVector a30, a31, a32;
        if (first) {
            a00 = FloatVector.zero(S); a01 = FloatVector.zero(S); a02 = FloatVector.zero(S);
            a10 = FloatVector.zero(S); a11 = FloatVector.zero(S); a12 = FloatVector.zero(S);
            a20 = FloatVector.zero(S); a21 = FloatVector.zero(S); a22 = FloatVector.zero(S);
            a30 = FloatVector.zero(S); a31 = FloatVector.zero(S); a32 = FloatVector.zero(S);
        } else {
            a00 = FloatVector.fromArray(S, part, 0); a01 = FloatVector.fromArray(S, part, L); a02 = FloatVector.fromArray(S, part, 2 * L);
            a10 = FloatVector.fromArray(S, part, 3 * L); a11 = FloatVector.fromArray(S, part, 4 * L); a12 = FloatVector.fromArray(S, part, 5 * L);
            a20 = FloatVector.fromArray(S, part, 6 * L); a21 = FloatVector.fromArray(S, part, 7 * L); a22 = FloatVector.fromArray(S, part, 8 * L);
            a30 = FloatVector.fromArray(S, part, 9 * L); a31 = FloatVector.fromArray(S, part, 10 * L); a32 = FloatVector.fromArray(S, part, 11 * L);
        }
        for (int s = 0; s < steps; s += L) {
            int i = i0 + s, wi = wb + s;
            FloatVector w0 = FloatVector.fromArray(S, wr, wi);
            FloatVector w1 = FloatVector.fromArray(S, wr, wi + wS);
            FloatVector w2 = FloatVector.fromArray(S, wr, wi + 2 * wS);
            FloatVector x;
            x = FloatVector.fromArray(S, in, i);
            a00 = x.fma(w0, a00); a01 = x.fma(w1, a01); a02 = x.fma(w2, a02);
            x = FloatVector.fromArray(S, in, i + inS);
            a10 = x.fma(w0, a10); a11 = x.fma(w1, a11); a12 = x.fma(w2, a12);
            x = FloatVector.fromArray(S, in, i + 2 * inS);
            a20 = x.fma(w0, a20); a21 = x.fma(w1, a21); a22 = x.fma(w2, a22);
            x = FloatVector.fromArray(S, in, i + 3 * inS);
            a30 = x.fma(w0, a30); a31 = x.fma(w1, a31); a32 = x.fma(w2, a32);
        }
        a00.intoArray(part, 0); a01.intoArray(part, L); a02.intoArray(part, 2 * L);
        a10.intoArray(part, 3 * L); a11.intoArray(part, 4 * L); a12.intoArray(part, 5 * L);
        a20.intoArray(part, 6 * L); a21.intoArray(part, 7 * L); a22.intoArray(part, 8 * L);
        a30.intoArray(part, 9 * L); a31.intoArray(part, 10 * L); a32.intoArray(part, 11 * L);
        if (last) finishDot(part, 4, 3, bias, co0, out, outOff, outS);
    }

    /** 8 output pixels x 1 output channels, one kernel row, vectors along the input channels. */
    static void dot8x1(float[] in, int i0, int inS, int steps, float[] wr, int wb, int wS, float[] part,
                    boolean first, boolean last, float[] bias, int co0, float[] out, int outOff, int outS) {
        FloatVector a00;
        FloatVector a10;
        FloatVector a20;
        FloatVector a30;
        FloatVector a40;
        FloatVector a50;
        FloatVector a60;
        FloatVector a70;
        if (first) {
            a00 = FloatVector.zero(S);
            a10 = FloatVector.zero(S);
            a20 = FloatVector.zero(S);
            a30 = FloatVector.zero(S);
            a40 = FloatVector.zero(S);
            a50 = FloatVector.zero(S);
            a60 = FloatVector.zero(S);
            a70 = FloatVector.zero(S);
        } else {
            a00 = FloatVector.fromArray(S, part, 0);
            a10 = FloatVector.fromArray(S, part, L);
            a20 = FloatVector.fromArray(S, part, 2 * L);
            a30 = FloatVector.fromArray(S, part, 3 * L);
            a40 = FloatVector.fromArray(S, part, 4 * L);
            a50 = FloatVector.fromArray(S, part, 5 * L);
            a60 = FloatVector.fromArray(S, part, 6 * L);
            a70 = FloatVector.fromArray(S, part, 7 * L);
        }
        for (int s = 0; s < steps; s += L) {
            int i = i0 + s, wi = wb + s;
            FloatVector w0 = FloatVector.fromArray(S, wr, wi);
            FloatVector x;
            x = FloatVector.fromArray(S, in, i);
            a00 = x.fma(w0, a00);
            x = FloatVector.fromArray(S, in, i + inS);
            a10 = x.fma(w0, a10);
            x = FloatVector.fromArray(S, in, i + 2 * inS);
            a20 = x.fma(w0, a20);
            x = FloatVector.fromArray(S, in, i + 3 * inS);
            a30 = x.fma(w0, a30);
            x = FloatVector.fromArray(S, in, i + 4 * inS);
            a40 = x.fma(w0, a40);
            x = FloatVector.fromArray(S, in, i + 5 * inS);
            a50 = x.fma(w0, a50);
            x = FloatVector.fromArray(S, in, i + 6 * inS);
            a60 = x.fma(w0, a60);
            x = FloatVector.fromArray(S, in, i + 7 * inS);
            a70 = x.fma(w0, a70);
        }
        a00.intoArray(part, 0);
        a10.intoArray(part, L);
        a20.intoArray(part, 2 * L);
        a30.intoArray(part, 3 * L);
        a40.intoArray(part, 4 * L);
        a50.intoArray(part, 5 * L);
        a60.intoArray(part, 6 * L);
        a70.intoArray(part, 7 * L);
        if (last) finishDot(part, 8, 1, bias, co0, out, outOff, outS);
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

    /** acc[3][4 vectors] += a (broadcast) x b over npix pixels; see the class comment. */
    static void outer3x4(float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix, float[] acc, int accOff, int ldAcc) {
        int o = accOff;
        FloatVector c00 = FloatVector.fromArray(S, acc, o), c01 = FloatVector.fromArray(S, acc, o + L), c02 = FloatVector.fromArray(S, acc, o + 2 * L), c03 = FloatVector.fromArray(S, acc, o + 3 * L); o += ldAcc;
        FloatVector c10 = FloatVector.fromArray(S, acc, o), c11 = FloatVector.fromArray(S, acc, o + L), c12 = FloatVector.fromArray(S, acc, o + 2 * L), c13 = FloatVector.fromArray(S, acc, o + 3 * L); o += ldAcc;
        FloatVector c20 = FloatVector.fromArray(S, acc, o), c21 = FloatVector.fromArray(S, acc, o + L), c22 = FloatVector.fromArray(S, acc, o + 2 * L), c23 = FloatVector.fromArray(S, acc, o + 3 * L);
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
        }
        o = accOff;
        c00.intoArray(acc, o); c01.intoArray(acc, o + L); c02.intoArray(acc, o + 2 * L); c03.intoArray(acc, o + 3 * L); o += ldAcc;
        c10.intoArray(acc, o); c11.intoArray(acc, o + L); c12.intoArray(acc, o + 2 * L); c13.intoArray(acc, o + 3 * L); o += ldAcc;
        c20.intoArray(acc, o); c21.intoArray(acc, o + L); c22.intoArray(acc, o + 2 * L); c23.intoArray(acc, o + 3 * L);
    }

    /** acc[3][3 vectors] += a (broadcast) x b over npix pixels; see the class comment. */
    static void outer3x3(float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix, float[] acc, int accOff, int ldAcc) {
        int o = accOff;
        FloatVector c00 = FloatVector.fromArray(S, acc, o), c01 = FloatVector.fromArray(S, acc, o + L), c02 = FloatVector.fromArray(S, acc, o + 2 * L); o += ldAcc;
        FloatVector c10 = FloatVector.fromArray(S, acc, o), c11 = FloatVector.fromArray(S, acc, o + L), c12 = FloatVector.fromArray(S, acc, o + 2 * L); o += ldAcc;
        FloatVector c20 = FloatVector.fromArray(S, acc, o), c21 = FloatVector.fromArray(S, acc, o + L), c22 = FloatVector.fromArray(S, acc, o + 2 * L);
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
        }
        o = accOff;
        c00.intoArray(acc, o); c01.intoArray(acc, o + L); c02.intoArray(acc, o + 2 * L); o += ldAcc;
        c10.intoArray(acc, o); c11.intoArray(acc, o + L); c12.intoArray(acc, o + 2 * L); o += ldAcc;
        c20.intoArray(acc, o); c21.intoArray(acc, o + L); c22.intoArray(acc, o + 2 * L);
    }

    /** acc[3][2 vectors] += a (broadcast) x b over npix pixels; see the class comment. */
    static void outer3x2(float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix, float[] acc, int accOff, int ldAcc) {
        int o = accOff;
        FloatVector c00 = FloatVector.fromArray(S, acc, o), c01 = FloatVector.fromArray(S, acc, o + L); o += ldAcc;
        FloatVector c10 = FloatVector.fromArray(S, acc, o), c11 = FloatVector.fromArray(S, acc, o + L); o += ldAcc;
        FloatVector c20 = FloatVector.fromArray(S, acc, o), c21 = FloatVector.fromArray(S, acc, o + L);
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
        }
        o = accOff;
        c00.intoArray(acc, o); c01.intoArray(acc, o + L); o += ldAcc;
        c10.intoArray(acc, o); c11.intoArray(acc, o + L); o += ldAcc;
        c20.intoArray(acc, o); c21.intoArray(acc, o + L);
    }

    /** acc[3][1 vectors] += a (broadcast) x b over npix pixels; see the class comment. */
    static void outer3x1(float[] a, int aOff, int aS, float[] b, int bOff, int bS, int npix, float[] acc, int accOff, int ldAcc) {
        int o = accOff;
        FloatVector c00 = FloatVector.fromArray(S, acc, o); o += ldAcc;
        FloatVector c10 = FloatVector.fromArray(S, acc, o); o += ldAcc;
        FloatVector c20 = FloatVector.fromArray(S, acc, o);
        for (int p = 0; p < npix; p++, aOff += aS, bOff += bS) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff);
            FloatVector x;
            x = FloatVector.broadcast(S, a[aOff]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(S, a[aOff + 1]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(S, a[aOff + 2]);
            c20 = x.fma(b0, c20);
        }
        o = accOff;
        c00.intoArray(acc, o); o += ldAcc;
        c10.intoArray(acc, o); o += ldAcc;
        c20.intoArray(acc, o);
    }

    /** out[pixel j][c] = lane sum of part[(j * channels + c) * L ..] + bias[co0 + c]: the end of a dot tile. */
    static void finishDot(float[] part, int pixels, int channels, float[] bias, int co0, float[] out, int outOff, int outS) {
        for (int j = 0, v = 0; j < pixels; j++)
            for (int c = 0; c < channels; c++, v += L)
                out[outOff + j * outS + c] = sum(FloatVector.fromArray(S, part, v)) + bias[co0 + c];
    }
}
