package bnnsr.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The epilogue of a full-precision conv fused with the PixelShuffle and/or the activation that follow it: reads a
 * piece of a conv output row while it is in cache and writes the shuffled, activated values into the final tensor,
 * so neither the conv's output nor the shuffled tensor is ever written whole and read back (at x4 each is a
 * high-resolution tensor). The conv's output channels are in shuffle-major order ({@link UnitEpilogue#shuffleMajor}:
 * the conv's weights are permuted at load), so the r output pixels (i, j = 0..r-1) that one conv pixel gives to
 * output row i are one contiguous run of r C floats on both sides: plain vector loads and stores. The activation
 * is {@link #activate}, which {@link EngineKernels#activation} runs too, so the values equal the unfused steps' bit for bit
 * ({@code ShuffleActivationTest} against the {@code nn} layers).
 */
public final class ShuffleActivation {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private ShuffleActivation() {}

    /**
     * Pixels [x0, x1) of conv output row {@code row} (images stacked; pixel px's {@code cout} channels at
     * {@code buf[off + (px - x0) * cout]}, shuffle-major) into output rows row r .. row r + r - 1 of the stacked
     * n x h r x w r x (cout / r^2) output, output row y written at row {@code y + shift} of {@code out} (0, or a
     * band schedule's row store that keeps rows elsewhere), through LeakyReLU({@code slope}) (0: ReLU) when
     * {@code act}; {@code w} is the conv's width.
     */
    public static void rows(float[] buf, int off, int cout, int r, boolean act, float slope, int row, int x0, int x1,
                            float[] out, int w, int shift) {
        int run = cout / r;         // r output pixels of C = cout / r^2 channels
        for (int i = 0; i < r; i++) {
            int o = ((row * r + i + shift) * w + x0) * run;
            if (r == 1) {           // one contiguous run for the whole piece
                activate(buf, off, out, o, (x1 - x0) * cout, act, slope);
                return;
            }
            for (int src = off + i * run, end = off + (x1 - x0) * cout; src < end; src += cout, o += run)
                activate(buf, src, out, o, run, act, slope);
        }
    }

    /**
     * out[o + j] = activation(in[i + j]) for j in [0, len): ReLU ({@code Math.max(v, 0)}) for slope 0, else
     * LeakyReLU ({@code v > 0 ? v : v * slope}), without branches; a copy when not {@code act}.
     */
    static void activate(float[] in, int i, float[] out, int o, int len, boolean act, float slope) {
        if (!act) {
            System.arraycopy(in, i, out, o, len);
            return;
        }
        int j = 0;
        for (; j + L <= len; j += L) {
            FloatVector v = FloatVector.fromArray(S, in, i + j);
            FloatVector a = slope == 0f ? v.max(0f) : v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f));
            a.intoArray(out, o + j);
        }
        for (; j < len; j++) {
            float v = in[i + j];
            out[o + j] = slope == 0f ? Math.max(v, 0f) : v > 0 ? v : v * slope;
        }
    }
}
