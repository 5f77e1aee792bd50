package bnnsr.image;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class QuantizeTest {
    @Test void roundsHalfAwayFromZeroLikeMatlabUint8() {
        assertEquals(1, Quantize.uint8(0.5));
        assertEquals(2, Quantize.uint8(1.5));
        assertEquals(3, Quantize.uint8(2.5));      // not banker's rounding
        assertEquals(2, Quantize.uint8(2.4999999));
        assertEquals(0, Quantize.uint8(0.49999999999999994));   // floor(x + 0.5) would say 1
        assertEquals(254, Quantize.uint8(254.49));
    }

    @Test void saturatesAndMapsNanToZero() {
        assertEquals(0, Quantize.uint8(-3));
        assertEquals(255, Quantize.uint8(255.5));
        assertEquals(255, Quantize.uint8(1e9));
        assertEquals(0, Quantize.uint8(Double.NaN));
        assertEquals(0, Quantize.level(-0.2f));
        assertEquals(255, Quantize.level(1.7f));
        assertEquals(65535, Quantize.level16(1f));
    }

    @Test void fastFloatPathAgreesWithUint8() {
        // level(float) rounds with (int)(x + 0.5); that is exact for x = v * 255 with v a float: sample the floats
        int checked = 0;
        for (int bits = 0; ; bits += 7919, checked++) {
            float v = Float.intBitsToFloat(bits);
            if (v > 1.01f) break;
            assertEquals(Quantize.uint8((double) v * 255.0), Quantize.level(v), "v = " + v);
        }
        for (int k = 0; k < 255; k++) {
            float below = Math.nextDown((k + 0.5f) / 255f), above = Math.nextUp((k + 0.5f) / 255f);
            assertEquals(Quantize.uint8((double) below * 255.0), Quantize.level(below));
            assertEquals(Quantize.uint8((double) above * 255.0), Quantize.level(above));
        }
        assertTrue(checked > 100_000);
    }

    @Test void levelsAreFixedPoints() {
        for (int k = 0; k < 256; k++) {
            assertEquals(k, Quantize.level(k / 255f));
            assertEquals(k / 255f, Quantize.q(k / 255f));
        }
        for (int k = 0; k < 65536; k += 257) assertEquals(k, Quantize.level16(k / 65535f));
    }

    @Test void quantisesAnImage() {
        FloatImage img = new FloatImage(1, 2, 2, new float[] {0.3f, -1f, 0.9999f, 2f}, 16);
        FloatImage q = Quantize.q(img);
        assertEquals(8, q.bitDepth());
        assertArrayEquals(new int[] {77, 0, 255, 255}, Quantize.levels(q));   // 0.3 * 255 = 76.5 -> 77
    }
}
