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
