package bnnsr.image;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FloatImageTest {
    private static FloatImage ramp(int h, int w, int c) {
        FloatImage img = new FloatImage(h, w, c);
        for (int i = 0; i < img.data.length; i++) img.data[i] = (i % 256) / 255f;
        return img;
    }

    @Test void greyBecomesEqualRgbAndAlphaIsDropped() {
        FloatImage ga = ramp(3, 4, 2);
        FloatImage rgb = ga.toRgb();
        assertEquals(3, rgb.channels);
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 4; x++)
                for (int c = 0; c < 3; c++) assertEquals(ga.get(y, x, 0), rgb.get(y, x, c));
        FloatImage rgba = ramp(2, 2, 4);
        FloatImage dropped = rgba.toRgb();
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 2; x++)
                for (int c = 0; c < 3; c++) assertEquals(rgba.get(y, x, c), dropped.get(y, x, c));
        assertArrayEquals(rgba.plane(3), rgba.alpha());
        assertNull(dropped.alpha());
    }

    @Test void modcropKeepsTopLeft() {
        FloatImage img = ramp(7, 10, 3);
        FloatImage m = img.modcrop(3);
        assertEquals(6, m.height);
        assertEquals(9, m.width);
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 9; x++)
                for (int c = 0; c < 3; c++) assertEquals(img.get(y, x, c), m.get(y, x, c));
        assertSame(img, img.modcrop(1));
        assertThrows(IllegalArgumentException.class, () -> ramp(2, 9, 1).modcrop(3));
    }

    @Test void planesRoundTrip() {
        FloatImage img = ramp(4, 5, 3);
        FloatImage back = FloatImage.ofPlanes(4, 5, 8, img.plane(0), img.plane(1), img.plane(2));
        assertTrue(img.samePixels(back));
    }

    @Test void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> new FloatImage(0, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> new FloatImage(2, 3, 5));
        assertThrows(IllegalArgumentException.class, () -> new FloatImage(2, 3, 3, new float[17], 8));
        assertThrows(IllegalArgumentException.class, () -> new FloatImage(2, 3, 3, new float[18], 12));
    }
}
