package bnnsr.engine.kernels;

import bnnsr.tensor.Tensor;

/**
 * Sign packing and binary (XNOR / popcount) convolution, stride 1, "same" zero padding of the +-1 input.
 * <p>
 * The exact result of a binary conv at an output is the integer a float conv of the unpacked +-1 activations with
 * the +-1 weights and zero padding gives. Every variant below computes that integer exactly, then applies a fused
 * per-output-channel epilogue {@code exact * alpha[co] + beta[co]}: a float multiply then a float add, as a
 * training forward computes "integer conv, times the weights' per-channel scale, plus bias" (no fused multiply-add:
 * the engine's floats, hence the next layer's signs, then equal the training forward's bit for bit).
 * {@link ScalarBinaryConvOps} is the readable oracle, {@link VectorBinaryConvOps} the fast implementation; they
 * agree bit for bit.
 */
public interface BinaryConvOps {

    /**
     * Packs the signs of {@code x} into {@code out}, which must have x's shape (any border width; the border stays
     * zero): bit = {@code signs.bit(c, v)}, or v &lt; 0 (Sign(0) = +1) when {@code signs} is null.
     */
    void pack(Tensor x, SignThresholds signs, PackedActivations out);

    /** The exact integer results, NHWC: {@code out[((n * h + y) * w + x) * cout + co]}. */
    void convExact(PackedActivations x, PackedWeights w, int[] out);

    /**
     * {@code y = exact * alpha[co] + beta[co]}, or {@code y += (that)} when {@code accumulate} (a residual add
     * fused into the epilogue).
     */
    void conv(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean accumulate, Tensor y);

    /**
     * {@code y = max(exact * alpha[co] + beta[co], 0)}: the conv and the ReLU after it (as {@code Math.max}, the
     * {@code nn} ReLU's float operation) in one pass over the output.
     */
    void convRelu(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, Tensor y);

    /**
     * {@link #conv} ({@code relu} false) or {@link #convRelu} computing only output rows [rowFrom, rowTo) of a
     * one-image input, the other rows of y left as they are (a band's edge rows that are not kept). Computed rows
     * equal the whole conv's bit for bit. The default computes every row.
     */
    default void convRows(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean accumulate, boolean relu, Tensor y,
                          int rowFrom, int rowTo) {
        if (relu) convRelu(x, w, alpha, beta, y);
        else conv(x, w, alpha, beta, accumulate, y);
    }

    /**
     * {@link #convRows} (not accumulating) into a caller's array: output row r of rows [rowFrom, rowTo) goes to
     * {@code out[(r + shift) * x.w * cout ..]}, nothing else of {@code out} is written (the band schedule's row
     * stores take the rows where they keep them). The default computes into a temporary tensor and copies.
     */
    default void convRowsInto(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean relu, float[] out, int shift,
                              int rowFrom, int rowTo) {
        Tensor y = new Tensor(x.n, x.h, x.w, w.cout);
        convRows(x, w, alpha, beta, false, relu, y, rowFrom, rowTo);
        int len = x.w * w.cout;
        System.arraycopy(y.data, rowFrom * len, out, (rowFrom + shift) * len, (rowTo - rowFrom) * len);
    }

    /**
     * {@code exact * alpha[co] + beta[co]} of rows [rowFrom, rowTo) of the stacked images (row r = image r / h, its
     * row r % h) into {@code band}, whose row 0 is row {@code rowFrom}: a small buffer a fused step reads back from
     * cache (its elementwise work then needs no pass over a whole tensor). Equal to {@link #conv}'s rows bit for bit.
     */
    default void convBand(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] band, int rowFrom, int rowTo) {
        convBand(x, w, alpha, beta, false, band, rowFrom, rowTo);
    }

    /** {@link #convBand}, then {@code max(., 0)} when {@code relu} (the ReLU after the conv, as {@link #convRelu}). */
    void convBand(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, boolean relu, float[] band, int rowFrom, int rowTo);

    /**
     * Rows [rowFrom, rowTo) of the stacked images of {@code out[i] = (exact * alpha[co] + beta[co]) + res[i]}, then
     * {@code extra[i] + (that)} when {@code extra} is not null ({@code res}, {@code extra}: whole NHWC tensors of the
     * output's shape; {@code out}: the same, its row r written at row r + shift, as {@link #convRowsInto}): a conv
     * with its residual and the add node after it, the float adds of the unfused epilogue and add, in order.
     */
    void convResidualRows(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] res, float[] extra, float[] out, int shift,
                          int rowFrom, int rowTo);

    /** Argument checks of {@link #convResidualRows} shared by the implementations. */
    static void checkResidualRows(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] res, float[] extra, float[] out,
                                  int shift, int rowFrom, int rowTo) {
        checkConv(x, w);
        checkEpilogue(w, alpha, beta);
        if (rowFrom < 0 || rowTo > x.n * x.h || rowFrom > rowTo) throw new IllegalArgumentException("rows " + rowFrom + ".." + rowTo + " of " + x.shape());
        long size = (long) x.n * x.h * x.w * w.cout;
        if (res.length < size || extra != null && extra.length < size)
            throw new IllegalArgumentException("residual conv: tensors shorter than " + size + " floats");
        Tensor.checkShiftedRows("rows", rowFrom, rowTo, shift, (long) x.w * w.cout, out.length);
    }

    /** Argument checks of {@link #convBand} shared by the implementations. */
    static void checkBand(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] band, int rowFrom, int rowTo) {
        checkConv(x, w);
        checkEpilogue(w, alpha, beta);
        if (rowFrom < 0 || rowTo > x.n * x.h || rowFrom > rowTo) throw new IllegalArgumentException("rows " + rowFrom + ".." + rowTo + " of " + x.shape());
        if (band.length < (long) (rowTo - rowFrom) * x.w * w.cout) throw new IllegalArgumentException("band buffer too short for " + (rowTo - rowFrom) + " rows");
    }

    /**
     * The whole binary layer: {@link #pack} of x into {@code packed} (which keeps the signs), then {@link #conv}
     * into y, with the same results. The default makes the two calls; an implementation may fuse them (one pass
     * over the rows).
     */
    default void packConv(Tensor x, SignThresholds signs, PackedActivations packed, PackedWeights w, float[] alpha, float[] beta,
                          boolean accumulate, Tensor y) {
        pack(x, signs, packed);
        conv(packed, w, alpha, beta, accumulate, y);
    }

    /**
     * Packs bit = {@code exact * alpha[co] + beta[co] < threshold[co]} ({@code threshold} null means 0) straight
     * into {@code y} for the next binary conv, never storing floats.
     */
    void convPack(PackedActivations x, PackedWeights w, float[] alpha, float[] beta, float[] threshold, PackedActivations y);

    /** The fast implementation. */
    static BinaryConvOps fast() { return VectorBinaryConvOps.INSTANCE; }

    /** The plain-loop oracle. */
    static BinaryConvOps scalar() { return ScalarBinaryConvOps.INSTANCE; }

    /** Shape checks shared by the implementations. */
    static void checkConv(PackedActivations x, PackedWeights w) {
        if (x.c != w.cin) throw new IllegalArgumentException("binary conv wants " + w.cin + " input channels, got " + x.shape());
        if (x.pad < w.k / 2) throw new IllegalArgumentException("binary " + w.k + "x" + w.k + " conv needs input border >= " + w.k / 2 + ", got " + x.shape());
    }

    static void checkOutput(PackedActivations x, PackedWeights w, int n, int h, int wd, int c) {
        if (n != x.n || h != x.h || wd != x.w || c != w.cout)
            throw new IllegalArgumentException("output " + n + "x" + h + "x" + wd + "x" + c + " does not match input " + x.shape() + " and " + w);
    }

    static void checkEpilogue(PackedWeights w, float[] alpha, float[] beta) {
        if (alpha.length < w.cout || beta.length < w.cout)
            throw new IllegalArgumentException("epilogue needs " + w.cout + " scales and biases");
    }
}
