package bnnsr.engine.kernels;

import bnnsr.nn.LeakyReLU;
import bnnsr.nn.PixelShuffle;
import bnnsr.nn.ReLU;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static bnnsr.engine.kernels.EngineKernelsTest.random;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused FP conv epilogue against the nn layers it replaces (PixelShuffle, then ReLU or LeakyReLU), bit for bit:
 * r = 1, 2, 3, no activation, ReLU and LeakyReLU, channel counts that are whole vectors and that leave tails, NaN
 * and signed zeros, row pieces of any split, stacked images.
 */
class ShuffleActivationTest {
    @Test void epilogueEqualsShuffleThenActivation() {
        SplittableRandom rnd = new SplittableRandom(11);
        int n = 2, h = 3, w = 7;
        for (int c : new int[] {3, 5, 16, 64})
            for (int r = 1; r <= 3; r++)
                for (float slope : new float[] {Float.NaN, 0f, 0.1f}) {
                    boolean act = !Float.isNaN(slope);
                    int cout = c * r * r;
                    Tensor conv = new Tensor(n, h, w, cout, random(rnd, n * h, w, cout).data);
                    conv.data[cout + 2] = Float.NaN;
                    Tensor want = r == 1 ? conv : new PixelShuffle(r).forward(conv, false);
                    if (act) want = (slope == 0f ? new ReLU().forward(want, false) : new LeakyReLU(slope).forward(want, false));
                    // the conv's output as the fused step computes it: channels in shuffle-major order
                    int[] perm = UnitEpilogue.shuffleMajor(c, r);
                    float[] buf = new float[conv.size()];
                    for (int p = 0; p < n * h * w; p++)
                        for (int k = 0; k < cout; k++) buf[p * cout + k] = conv.data[p * cout + perm[k]];
                    for (int[] cuts : new int[][] {{0, w}, {0, 3, w}, {0, 1, 2, 6, w}}) {
                        Tensor got = new Tensor(n, h * r, w * r, c);
                        Arrays.fill(got.data, 7f);
                        for (int row = 0; row < n * h; row++)
                            for (int i = 0; i + 1 < cuts.length; i++)
                                ShuffleActivation.rows(buf, (row * w + cuts[i]) * cout, cout, r, act, slope, row, cuts[i], cuts[i + 1], got.data, w, 0);
                        String what = "c " + c + " r " + r + " slope " + slope + " cuts " + Arrays.toString(cuts);
                        assertArrayEquals(want.data, got.data, what);
                        // rows shifted into a larger array (a band's row store): the same rows, nothing else written
                        int rowFloats = w * r * c, shift = 2;
                        float[] store = bnnsr.RowStores.filled(n * h * r, shift, rowFloats, 7f);
                        for (int row = 0; row < n * h; row++)
                            ShuffleActivation.rows(buf, row * w * cout, cout, r, act, slope, row, 0, w, store, w, shift);
                        bnnsr.RowStores.assertShifted(want.data, store, rowFloats, 0, n * h * r, shift, 7f, what);
                    }
                }
    }
}
