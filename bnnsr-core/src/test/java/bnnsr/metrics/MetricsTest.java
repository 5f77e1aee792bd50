package bnnsr.metrics;

import bnnsr.Fixtures;
import bnnsr.image.Colour;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {
    private static Plane random(int h, int w, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[h * w];
        for (int i = 0; i < v.length; i++) v[i] = 16 + 219 * rnd.nextDouble();
        return new Plane(h, w, v);
    }

    private static Plane plus(Plane p, double d) {
        double[] v = p.values().clone();
        for (int i = 0; i < v.length; i++) v[i] += d;
        return new Plane(p.height(), p.width(), v);
    }

    @Test void identicalImages() {
        Plane a = random(30, 25, 1);
        assertEquals(Double.POSITIVE_INFINITY, Psnr.psnr(a, a, 2));
        assertEquals(1.0, Ssim.ssim(a, a, 2), 1e-12);
    }

    @Test void psnrOfAKnownMse() {
        Plane a = random(20, 20, 2);
        assertEquals(9.0, Psnr.mse(a, plus(a, 3), 0), 1e-9);
        assertEquals(10 * Math.log10(255.0 * 255.0 / 9.0), Psnr.psnr(a, plus(a, -3), 4), 1e-9);
        assertEquals(20 * Math.log10(255.0), Psnr.fromMse(1), 1e-12);
    }

    @Test void shaveIgnoresTheBorder() {
        Plane a = random(20, 22, 3);
        double[] v = a.values().clone();
        for (int x = 0; x < 22; x++) v[x] += 100;            // damage the top row only
        for (int y = 0; y < 20; y++) v[y * 22 + 21] -= 50;   // and the right column
        Plane b = new Plane(20, 22, v);
        assertEquals(Double.POSITIVE_INFINITY, Psnr.psnr(a, b, 1));
        assertEquals(1.0, Ssim.ssim(a, b, 1), 1e-12);
        assertTrue(Psnr.psnr(a, b, 0) < 30);
        assertTrue(Ssim.ssim(a, b, 0) < 1);
    }

    @Test void ssimIsSymmetricAndBounded() {
        for (long seed = 0; seed < 5; seed++) {
            Plane a = random(25, 31, seed), b = random(25, 31, seed + 100);
            double ab = Ssim.ssim(a, b, 3), ba = Ssim.ssim(b, a, 3);
            assertEquals(ab, ba, 1e-12);
            assertTrue(ab >= -1 && ab <= 1, "ssim " + ab);
            assertTrue(Psnr.psnr(a, b, 3) == Psnr.psnr(b, a, 3));
            double[] neg = a.values().clone();
            for (int i = 0; i < neg.length; i++) neg[i] = 255 - neg[i];
            double anti = Ssim.ssim(a, new Plane(25, 31, neg), 0);
            assertTrue(anti < 0 && anti >= -1, "ssim of an inverted image " + anti);
        }
    }

    @Test void ssimFallsAsNoiseGrows() {
        Plane a = random(40, 40, 9);
        Random rnd = new Random(3);
        double previous = 1;
        for (double sigma : new double[] {1, 4, 16}) {
            double[] v = a.values().clone();
            for (int i = 0; i < v.length; i++) v[i] += sigma * rnd.nextGaussian();
            double s = Ssim.ssim(a, new Plane(40, 40, v), 0);
            assertTrue(s < previous, "more noise, lower SSIM");
            previous = s;
        }
    }

    @Test void gaussianWindowIsNormalised() {
        double sum = 0;
        for (double g : Ssim.gaussian()) sum += g;
        assertEquals(1, sum, 1e-15);
        assertEquals(11, Ssim.gaussian().length);
    }

    /** Golden values of a numpy implementation of ssim_index.m with a 2-D window (src/test/python/make_golden.py). */
    @Test void matchesTheNumpyReference() {
        for (JsonNode c : Fixtures.json("golden/metrics.json").get("cases")) {
            int h = c.get("h").asInt(), w = c.get("w").asInt(), shave = c.get("shave").asInt();
            Plane a = yOf(Fixtures.bytes(c.get("reference")), h, w), b = yOf(Fixtures.bytes(c.get("test")), h, w);
            assertEquals(c.get("psnr").asDouble(), Psnr.psnr(a, b, shave), 1e-9);
            assertEquals(c.get("ssim").asDouble(), Ssim.ssim(a, b, shave), 1e-12);
        }
    }

    private static Plane yOf(int[] rgb, int h, int w) {
        double[] y = new double[h * w];
        for (int i = 0; i < y.length; i++) y[i] = Colour.y255(rgb[3 * i] / 255.0, rgb[3 * i + 1] / 255.0, rgb[3 * i + 2] / 255.0);
        return new Plane(h, w, y);
    }

    @Test void rejectsMismatchedOrTooSmallPlanes() {
        Plane a = random(20, 20, 1);
        assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(a, random(20, 21, 1), 0));
        assertThrows(IllegalArgumentException.class, () -> Ssim.ssim(a, a, 5));   // 10x10 left, window 11
        assertThrows(IllegalArgumentException.class, () -> Psnr.psnr(a, a, 10));
    }
}
