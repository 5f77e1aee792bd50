package bnnsr.engine.kernels;

import bnnsr.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float work of a BBCU unit after its binary conv, in one pass over a band of the conv's rows (which a fused
 * step keeps in cache, {@link BinaryConvOps#convBand}):
 * <pre>
 *   out = PixelShuffle_r(RPReLU(conv)) + nearest_r(x)      (r = 1: RPReLU(conv) + x)
 * </pre>
 * and, optionally, the next binary conv's sign bits of {@code out} (its thresholds), so that conv need not read
 * {@code out} again to pack it. The float operations are the training code's, in its order ({@code nn.RPReLU}:
 * {@code t = v + s1; (t > 0 ? t : a * t) + s2}, then {@code + skip}): the result is bit-identical to the unfused
 * nodes ({@link ScalarEngineKernels#unit} is the twin the tests compare with).
 * <p>
 * Layout: the band's channels come in <em>shuffle-major</em> order, {@code (i * r + j) * C + c} for the output
 * sub-pixel (i, j) and channel c (PyTorch's pixel shuffle reads conv channel {@code c * r^2 + i * r + j}; the
 * fused step permutes the conv's output channels and the per-channel constants once, at load, by
 * {@link #shuffleMajor}), so each output pixel's C channels are one contiguous run of the band: plain vector loads,
 * no gathers.
 */
public final class UnitEpilogue {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private UnitEpilogue() {}

    /**
     * The permutation to shuffle-major order: entry {@code (i * r + j) * c + ch} is the PyTorch channel
     * {@code ch * r^2 + i * r + j} of a conv with {@code c * r^2} outputs.
     */
    public static int[] shuffleMajor(int c, int r) {
        int[] p = new int[c * r * r];
        for (int s = 0; s < r * r; s++)
            for (int ch = 0; ch < c; ch++) p[s * c + ch] = ch * r * r + s;
        return p;
    }

    /** {@code v} reordered by {@code perm}: out[k] = v[perm[k]]. */
    public static float[] permute(float[] v, int[] perm) {
        float[] out = new float[perm.length];
        for (int k = 0; k < perm.length; k++) out[k] = v[perm[k]];
        return out;
    }

    /**
     * Output rows of input rows [rowFrom, rowTo) (stacked images, as {@link BinaryConvOps#convBand}):
     * {@code band} holds the conv's rows from rowFrom on ({@code x.w * r * r * x.c} floats per row, shuffle-major);
     * {@code s1, a, s2} are RPReLU's constants in the same order. {@code out} is n x h r x w r x C. When
     * {@code next} is not null, also packs {@code next.bit(c, out)} of the written pixels into {@code packed}
     * (shaped like {@code out}).
     */
    public static void rows(float[] band, float[] s1, float[] a, float[] s2, int r, Tensor x, int rowFrom, int rowTo, Tensor out,
                            SignThresholds next, PackedActivations packed) {
        if (out.c != x.c || out.w != x.w * r || out.h != x.h * r || out.n != x.n)
            throw new IllegalArgumentException("unit output " + out.shape() + " does not match input " + x.shape() + " x" + r);
        rows(band, s1, a, s2, r, x, rowFrom, rowTo, out.data, 0, next, packed);
    }

    /**
     * As {@link #rows(float[], float[], float[], float[], int, Tensor, int, int, Tensor, SignThresholds,
     * PackedActivations)}, output row y (of the n x h r x w r x C output) written at row {@code y + shift} of
     * {@code out} (a band schedule's row store, which keeps the rows where its readers want them).
     */
    public static void rows(float[] band, float[] s1, float[] a, float[] s2, int r, Tensor x, int rowFrom, int rowTo, float[] out, int shift,
                            SignThresholds next, PackedActivations packed) {
        int c = x.c, w = x.w, cout = c * r * r;
        if (rowFrom * r + shift < 0 || (long) (rowTo * r + shift) * w * r * c > out.length)
            throw new IllegalArgumentException("unit rows " + rowFrom + ".." + rowTo + " shifted by " + shift + " do not fit the output array");
        boolean vector = c % L == 0;
        for (int row = rowFrom; row < rowTo; row++) {
            int img = row / x.h, y = row % x.h;
            for (int px = 0; px < w; px++) {
                int xb = (row * w + px) * c, bb = ((row - rowFrom) * w + px) * cout;
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < r; j++) {
                        int s = (i * r + j) * c, ob = ((row * r + i + shift) * w * r + px * r + j) * c;
                        int pi = packed == null ? 0 : packed.index(img, y * r + i, px * r + j);
                        if (vector) pixel(band, bb + s, s1, a, s2, s, x.data, xb, out, ob, c, next, packed, pi);
                        else pixelScalar(band, bb + s, s1, a, s2, s, x.data, xb, out, ob, c, next, packed, pi);
                    }
            }
        }
    }

    /** One output pixel, C a multiple of the vector length; sign bits merged per 64-channel word. */
    private static void pixel(float[] band, int bi, float[] s1, float[] a, float[] s2, int si, float[] x, int xi, float[] out, int oi, int c,
                              SignThresholds next, PackedActivations packed, int pi) {
        long word = 0;
        for (int ch = 0; ch < c; ch += L) {
            FloatVector t = FloatVector.fromArray(S, band, bi + ch).add(FloatVector.fromArray(S, s1, si + ch));
            VectorMask<Float> pos = t.compare(VectorOperators.GT, 0f);
            FloatVector v = FloatVector.fromArray(S, a, si + ch).mul(t).blend(t, pos).add(FloatVector.fromArray(S, s2, si + ch))
                    .add(FloatVector.fromArray(S, x, xi + ch));
            v.intoArray(out, oi + ch);
            if (next != null) {
                VectorMask<Float> neg = v.lt(FloatVector.fromArray(S, next.below, ch))
                        .or(v.compare(VectorOperators.GT, FloatVector.fromArray(S, next.above, ch)));
                word |= neg.toLong() << (ch & 63);
                if ((ch + L) % 64 == 0 || ch + L == c) {
                    packed.bits[pi + (ch >>> 6)] = word;
                    word = 0;
                }
            }
        }
    }

    private static void pixelScalar(float[] band, int bi, float[] s1, float[] a, float[] s2, int si, float[] x, int xi, float[] out, int oi, int c,
                                    SignThresholds next, PackedActivations packed, int pi) {
        if (packed != null) for (int j = 0; j < packed.words; j++) packed.bits[pi + j] = 0L;
        for (int ch = 0; ch < c; ch++) {
            float t = band[bi + ch] + s1[si + ch];
            float v = (t > 0 ? t : a[si + ch] * t) + s2[si + ch] + x[xi + ch];
            out[oi + ch] = v;
            if (next != null && next.bit(ch, v)) packed.bits[pi + (ch >>> 6)] |= 1L << (ch & 63);
        }
    }
}
