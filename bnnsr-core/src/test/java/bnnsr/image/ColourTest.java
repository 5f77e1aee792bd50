package bnnsr.image;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ColourTest {
    private static FloatImage pixel(float r, float g, float b) { return new FloatImage(1, 1, 3, new float[] {r, g, b}, 8); }

    @Test void matchesMatlabRgb2ycbcrOnPrimaries() {
        // MATLAB: rgb2ycbcr([1 0 0]) = [81.481 90.203 240] / 255, white = [235 128 128] / 255, black = [16 128 128] / 255
        double[][] cases = {{1, 0, 0, 81.481, 90.203, 240}, {0, 1, 0, 144.553, 53.797, 34.214},
                {0, 0, 1, 40.966, 240, 109.786}, {1, 1, 1, 235, 128, 128}, {0, 0, 0, 16, 128, 128}};
        for (double[] c : cases) {
            FloatImage y = Colour.rgbToYcbcr(pixel((float) c[0], (float) c[1], (float) c[2]));
            for (int k = 0; k < 3; k++) assertEquals(c[3 + k] / 255, y.data[k], 1e-6);
        }
    }

    @Test void yFromUint8UsesTheExactLevels() {
        FloatImage img = new FloatImage(1, 2, 3, new float[] {10 / 255f, 200 / 255f, 33 / 255f, 1, 1, 1}, 8);
        double[] y = Colour.yFromUint8(img);
        assertEquals(16 + (65.481 * 10 + 128.553 * 200 + 24.966 * 33) / 255, y[0], 1e-12);
        assertEquals(235, y[1], 1e-12);
        assertEquals(Colour.y255(10 / 255.0, 200 / 255.0, 33 / 255.0), y[0], 1e-12);
    }

    @Test void greyGivesStudioSwingY() {
        // a grey value v as R = G = B gives Y = 16 + 219 v (the three coefficients sum to 219)
        for (int v = 0; v < 256; v += 17) assertEquals(16 + 219 * v / 255.0, Colour.y255(v / 255.0, v / 255.0, v / 255.0), 1e-9);
    }

    @Test void ycbcrToRgbInvertsRgbToYcbcr() {
        Random rnd = new Random(7);
        FloatImage img = new FloatImage(5, 6, 3);
        for (int i = 0; i < img.data.length; i++) img.data[i] = rnd.nextFloat();
        FloatImage back = Colour.ycbcrToRgb(Colour.rgbToYcbcr(img));
        for (int i = 0; i < img.data.length; i++) assertEquals(img.data[i], back.data[i], 2e-6);
        FloatImage inY = pixel(235 / 255f, 128 / 255f, 128 / 255f);
        FloatImage white = Colour.ycbcrToRgb(inY);
        for (float v : white.data) assertEquals(1, v, 1e-6);
    }

    @Test void needsThreeChannels() {
        assertThrows(IllegalArgumentException.class, () -> Colour.rgbToYcbcr(new FloatImage(2, 2, 1)));
        assertThrows(IllegalArgumentException.class, () -> Colour.yFromUint8(new FloatImage(2, 2, 4)));
    }
}
