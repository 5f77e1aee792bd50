package bnnsr.resample;

import bnnsr.Fixtures;
import bnnsr.image.FloatImage;
import bnnsr.resample.MatlabBicubic.Border;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class MatlabBicubicTest {
    /** Golden values from an independent numpy port of MATLAB's imresize (src/test/python/make_golden.py). */
    @Test void matchesTheNumpyPortOfMatlabImresize() {
        JsonNode cases = Fixtures.json("golden/imresize.json").get("cases");
        int checked = 0;
        for (JsonNode c : cases) {
            String name = c.get("name").asText();
            int h = c.get("h").asInt(), w = c.get("w").asInt(), ch = c.get("c").asInt();
            FloatImage in = new FloatImage(h, w, ch, Fixtures.floats(c.get("input")), 8);
            Border border = "clamp".equals(c.get("border").asText()) ? Border.CLAMP : Border.SYMMETRIC;
            int outH = c.get("outH").asInt(), outW = c.get("outW").asInt();
            FloatImage out = c.get("scale").isNull()
                    ? MatlabBicubic.imresize(in, outH, outW, border)
                    : MatlabBicubic.imresize(in, c.get("scale").asDouble(), border);
            assertEquals(outH, out.height, name);
            assertEquals(outW, out.width, name);
            assertEquals(ch, out.channels, name);
            float[] expected = Fixtures.floats(c.get("output"));
            for (int i = 0; i < expected.length; i++)
                assertEquals(expected[i], out.data[i], 1e-6, name + " sample " + i);
            checked++;
        }
        assertTrue(checked >= 60, "fixture has " + checked + " cases");
    }

    @Test void constantImageStaysConstant() {
        for (double s : new double[] {0.25, 1 / 3.0, 0.5, 0.7, 1.5, 2, 3, 4}) {
            FloatImage img = new FloatImage(9, 13, 3);
            Arrays.fill(img.data, 0.37f);
            FloatImage out = MatlabBicubic.imresize(img, s);
            for (float v : out.data) assertEquals(0.37f, v, 1e-6, "scale " + s);
        }
    }

    @Test void scaleOneIsTheIdentity() {
        FloatImage img = random(6, 7, 2, 3);
        FloatImage out = MatlabBicubic.imresize(img, 1.0);
        assertArrayEquals(img.data, out.data);
    }

    @Test void weightsAreNormalisedAndIndicesInside() {
        for (double s : new double[] {0.25, 1 / 3.0, 0.5, 0.7, 1.5, 2, 3, 4}) {
            for (int in : new int[] {1, 2, 5, 17}) {
                int outLen = MatlabBicubic.outputSize(in, s);
                for (Border b : Border.values()) {
                    MatlabBicubic.Contributions k = MatlabBicubic.contributions(in, outLen, s, true, b);
                    for (int o = 0; o < outLen; o++) {
                        double sum = 0;
                        for (int j = 0; j < k.taps(); j++) {
                            sum += k.weight()[o * k.taps() + j];
                            int idx = k.index()[o * k.taps() + j];
                            assertTrue(idx >= 0 && idx < in);
                        }
                        assertEquals(1, sum, 1e-12);
                    }
                }
            }
        }
    }

    @Test void antialiasingWidensTheKernelWhenDownscaling() {
        // x4 downscaling: kernel width 16, ceil(16) + 2 = 18 taps; the first and last sit exactly 8 from the centre,
        // where the stretched kernel is 0, so both all-zero columns are dropped
        assertEquals(16, MatlabBicubic.contributions(64, 16, 0.25, true, Border.SYMMETRIC).taps());
        assertEquals(4, MatlabBicubic.contributions(64, 16, 0.25, false, Border.SYMMETRIC).taps());
        assertEquals(4, MatlabBicubic.contributions(16, 64, 4, true, Border.SYMMETRIC).taps());
    }

    @Test void bordersMirrorWithTheEdgeRepeatedOrClamp() {
        int n = 4;   // 1-based: 0 -> 1, -1 -> 2, 5 -> 4, 6 -> 3; far out keeps reflecting
        int[] in = {0, -1, -3, 5, 6, 9, 13};
        int[] mirrored = {0, 1, 3, 3, 2, 0, 3};
        int[] clamped = {0, 0, 0, 3, 3, 3, 3};
        for (int i = 0; i < in.length; i++) {
            assertEquals(mirrored[i], MatlabBicubic.mapIndex(in[i], n, Border.SYMMETRIC), "index " + in[i]);
            assertEquals(clamped[i], MatlabBicubic.mapIndex(in[i], n, Border.CLAMP), "index " + in[i]);
        }
        assertEquals(0, MatlabBicubic.mapIndex(-7, 1, Border.SYMMETRIC));
    }

    @Test void outputSizeIsCeilOfInTimesScale() {
        assertEquals(85, MatlabBicubic.outputSize(255, 1 / 3.0));
        assertEquals(4, MatlabBicubic.outputSize(7, 0.5));
        assertEquals(5, MatlabBicubic.outputSize(7, 0.7));
        assertEquals(1, MatlabBicubic.outputSize(1, 0.25));
        assertEquals(11, MatlabBicubic.outputSize(7, 1.5));
        assertEquals(1366, MatlabBicubic.outputSize(4098, 1 / 3.0));
        assertThrows(IllegalArgumentException.class, () -> MatlabBicubic.outputSize(4, 0));
    }

    @Test void planeFormMatchesImageForm() {
        FloatImage img = random(8, 5, 1, 9);
        assertArrayEquals(MatlabBicubic.imresize(img, 0.5).data, MatlabBicubic.imresize(img.data, 8, 5, 0.5));
        assertArrayEquals(MatlabBicubic.imresize(img, 3, 11).data, MatlabBicubic.imresize(img.data, 8, 5, 3, 11));
    }

    @Test void channelsAreResizedIndependently() {
        FloatImage img = random(6, 9, 3, 4);
        FloatImage out = MatlabBicubic.imresize(img, 1 / 3.0);
        for (int c = 0; c < 3; c++)
            assertArrayEquals(MatlabBicubic.imresize(img.plane(c), 6, 9, 1 / 3.0), out.plane(c));
    }

    @Test void resultDoesNotDependOnTheThreadCount() {
        FloatImage img = random(40, 33, 3, 11);
        int before = bnnsr.tensor.Parallel.threads();
        try {
            bnnsr.tensor.Parallel.setThreads(1);
            float[] one = MatlabBicubic.imresize(img, 0.7).data;
            bnnsr.tensor.Parallel.setThreads(3);
            assertArrayEquals(one, MatlabBicubic.imresize(img, 0.7).data);
        } finally {
            bnnsr.tensor.Parallel.setThreads(before);
        }
    }

    private static FloatImage random(int h, int w, int c, long seed) {
        Random rnd = new Random(seed);
        FloatImage img = new FloatImage(h, w, c);
        for (int i = 0; i < img.data.length; i++) img.data[i] = rnd.nextFloat();
        return img;
    }
}
