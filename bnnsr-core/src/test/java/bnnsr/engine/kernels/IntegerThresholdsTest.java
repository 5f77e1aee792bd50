package bnnsr.engine.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class IntegerThresholdsTest {
    @Test
    void integerComparesGiveTheFloatEpiloguesBitsForEveryPossibleResult() {
        SplittableRandom rnd = new SplittableRandom(5);
        int channels = 400, range = 9 * 20;
        float[] alpha = new float[channels], beta = new float[channels], thr = new float[channels];
        for (int c = 0; c < channels; c++) {
            // zero, tiny, huge and ordinary scales of both signs; biases that put the switch inside and outside the range
            alpha[c] = switch (c % 6) {
                case 0 -> 0f;
                case 1 -> (float) (rnd.nextGaussian() * 1e-30);
                case 2 -> (float) (rnd.nextGaussian() * 1e30);
                default -> (float) rnd.nextGaussian();
            };
            beta[c] = (float) (rnd.nextGaussian() * (c % 5 == 0 ? 1e3 : 50));
            thr[c] = c % 3 == 0 ? 0f : (float) rnd.nextGaussian();
            if (c % 7 == 0) beta[c] = -alpha[c] * 17 + thr[c]; // a tie exactly at an integer
        }
        for (float[] t : new float[][] {null, thr}) {
            IntegerThresholds it = IntegerThresholds.of(alpha, beta, t, channels, range);
            for (int c = 0; c < channels; c++)
                for (int e = -range; e <= range; e++) {
                    boolean expected = (float) e * alpha[c] + beta[c] < (t == null ? 0f : t[c]);
                    assertEquals(expected, it.bit(c, e), "channel " + c + " e " + e);
                }
        }
    }

    @Test
    void rejectsNonFiniteParameters() {
        assertThrows(IllegalArgumentException.class, () -> IntegerThresholds.of(new float[] {Float.NaN}, new float[1], null, 1, 9));
        assertThrows(IllegalArgumentException.class, () -> IntegerThresholds.of(new float[1], new float[] {Float.POSITIVE_INFINITY}, null, 1, 9));
    }
}
