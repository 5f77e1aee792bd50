package bnnsr.engine.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SignThresholdsTest {
    /** Floats near the switch point, near zero, the extremes and random ones. */
    private static float[] probes(SignThresholds t, int c, SplittableRandom rnd) {
        float b = Float.isFinite(t.below[c]) ? t.below[c] : 0f, a = Float.isFinite(t.above[c]) ? t.above[c] : 0f;
        float[] fixed = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f,
                b, Math.nextUp(b), Math.nextDown(b), a, Math.nextUp(a), Math.nextDown(a)};
        float[] p = new float[fixed.length + 200];
        System.arraycopy(fixed, 0, p, 0, fixed.length);
        for (int i = fixed.length; i < p.length; i++)
            p[i] = i % 2 == 0 ? (float) (rnd.nextGaussian() * 10) : Float.intBitsToFloat(rnd.nextInt()) ;
        return p;
    }

    @Test
    void thresholdsReproduceBatchNormThenSignForEveryProbe() {
        SplittableRandom rnd = new SplittableRandom(9);
        int channels = 300;
        float[] scale = new float[channels], shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = switch (c % 5) {
                case 0 -> 0f;
                case 1 -> (float) (rnd.nextGaussian() * 1e-20);
                case 2 -> (float) (rnd.nextGaussian() * 1e20);
                default -> (float) rnd.nextGaussian();
            };
            shift[c] = c % 7 == 0 ? 0f : (float) (rnd.nextGaussian() * 3);
        }
        SignThresholds t = SignThresholds.ofScaleShift(scale, shift);
        for (int c = 0; c < channels; c++)
            for (float v : probes(t, c, rnd)) {
                if (Float.isNaN(v) || Float.isInfinite(v)) continue;
                boolean training = v * scale[c] + shift[c] < 0;
                assertEquals(training, t.bit(c, v), "channel " + c + " v " + v + " scale " + scale[c] + " shift " + shift[c]);
            }
    }

    @Test
    void plainSignMapsZeroToPlusOne() {
        SignThresholds t = SignThresholds.sign(1);
        assertFalse(t.bit(0, 0f));
        assertFalse(t.bit(0, -0f));
        assertTrue(t.bit(0, -Float.MIN_VALUE));
    }

    @Test
    void rejectsNonFiniteParameters() {
        assertThrows(IllegalArgumentException.class, () -> SignThresholds.ofScaleShift(new float[] {Float.NaN}, new float[1]));
    }
}
