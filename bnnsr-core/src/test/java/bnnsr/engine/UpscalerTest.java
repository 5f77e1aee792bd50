package bnnsr.engine;

import bnnsr.arch.Model;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageReader;
import bnnsr.resample.MatlabBicubic;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static bnnsr.engine.TestNetworks.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.*;

class UpscalerTest {
    @TempDir Path dir;

    private static Upscaler upscaler(Model m, int tile) {
        return new Upscaler(new ModelNetwork(m), Upscaler.Options.defaults().withTile(tile));
    }

    /** The network's own output for an RGB image, untiled, clamped: what the colour channels must be. */
    private static float[] reference(Model m, FloatImage rgb) {
        Tensor y = m.forward(new Tensor(1, rgb.height, rgb.width, 3, rgb.data.clone()), false);
        float[] d = java.util.Arrays.copyOf(y.data, y.size());
        for (int i = 0; i < d.length; i++) d[i] = Math.min(1f, Math.max(0f, d[i]));
        return d;
    }

    private static float[] channels(FloatImage img, int from, int count) {
        float[] d = new float[img.pixels() * count];
        for (int i = 0; i < img.pixels(); i++)
            for (int k = 0; k < count; k++) d[i * count + k] = img.data[i * img.channels + from + k];
        return d;
    }

    @Test void rgbIsTheClampedNetworkOutputWhateverTheTile() {
        Model ref = TestNetworks.srresnet(3, 2);
        FloatImage img = TestNetworks.image(13, 17, 3, 8, 1);
        for (int tile : new int[] {0, 5, Upscaler.AUTO_TILE}) {
            FloatImage out = upscaler(TestNetworks.srresnet(3, 2), tile).upscale(img);
            assertEquals(39, out.height);
            assertEquals(51, out.width);
            assertEquals(3, out.channels);
            assertTrue(maxAbsDiff(reference(ref, img), out.data) <= 1e-4, "tile " + tile);
        }
    }

    @Test void alphaIsUpscaledByBicubicAndColourByTheNetwork() {
        Model m = TestNetworks.withBn(2, 3);
        FloatImage rgba = TestNetworks.image(9, 11, 4, 8, 2);
        FloatImage out = upscaler(m, 4).upscale(rgba);
        assertEquals(4, out.channels);
        assertTrue(maxAbsDiff(reference(m, rgba.toRgb()), channels(out, 0, 3)) <= 1e-4);
        float[] alpha = MatlabBicubic.imresize(rgba.alpha(), 9, 11, 18, 22);
        for (int i = 0; i < alpha.length; i++) alpha[i] = Math.min(1f, Math.max(0f, alpha[i]));
        assertArrayEquals(alpha, channels(out, 3, 1));
        for (float v : out.data) assertTrue(v >= 0f && v <= 1f);
    }

    @Test void greyComesBackGreyAsTheMeanOfTheChannels() {
        Model m = TestNetworks.srresnet(2, 4);
        for (int c : new int[] {1, 2}) {
            FloatImage grey = TestNetworks.image(8, 10, c, 8, c);
            FloatImage out = upscaler(m, 0).upscale(grey);
            assertEquals(c, out.channels);
            Tensor y = m.forward(new Tensor(1, 8, 10, 3, grey.toRgb().data), false);
            float[] mean = new float[out.pixels()];
            for (int i = 0; i < mean.length; i++)
                mean[i] = Math.min(1f, Math.max(0f, (y.data[3 * i] + y.data[3 * i + 1] + y.data[3 * i + 2]) / 3f));
            assertTrue(maxAbsDiff(mean, channels(out, 0, 1)) <= 1e-6);
            if (c == 2) {
                float[] alpha = MatlabBicubic.imresize(grey.alpha(), 8, 10, 16, 20);
                for (int i = 0; i < alpha.length; i++) assertEquals(Math.min(1f, Math.max(0f, alpha[i])), out.data[2 * i + 1]);
            }
        }
    }

    @Test void sixteenBitStaysSixteenBitWithoutEightBitRounding() {
        Model m = TestNetworks.withBn(2, 8);
        FloatImage img = TestNetworks.image(7, 9, 3, 16, 3);
        FloatImage out = upscaler(m, 0).upscale(img);
        assertEquals(16, out.bitDepth());
        assertTrue(maxAbsDiff(reference(m, img), out.data) <= 1e-6);
        // an 8-bit copy of the input gives a different result: the 16-bit values did reach the network
        FloatImage eight = img.copy();
        for (int i = 0; i < eight.data.length; i++) eight.data[i] = Math.round(eight.data[i] * 255f) / 255f;
        assertTrue(maxAbsDiff(reference(m, eight), out.data) > 1e-5);
    }

    @Test void bufferedImageInAndOut() {
        Model m = TestNetworks.srresnet(2, 5);
        BufferedImage bi = new BufferedImage(6, 5, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 6; x++) bi.setRGB(x, y, ((40 * x) << 24) | ((50 * y) << 16) | (30 * x << 8) | (7 * x * y));
        BufferedImage out = upscaler(m, 0).upscale(bi);
        assertEquals(12, out.getWidth());
        assertEquals(10, out.getHeight());
        assertTrue(out.getColorModel().hasAlpha());
        FloatImage expect = upscaler(m, 0).upscale(ImageReader.toFloat(bi));
        FloatImage got = ImageReader.toFloat(out);
        assertTrue(maxAbsDiff(expect.data, got.data) <= 0.5 / 255 + 1e-6);
    }

    /** Several threads, one pool of instances or several: every result equals the sequential one, bit for bit. */
    @Test void concurrentCallsGiveTheSequentialResults() throws Exception {
        Model m = TestNetworks.srresnet(2, 6);
        List<FloatImage> images = new ArrayList<>();
        for (int i = 0; i < 8; i++) images.add(TestNetworks.image(9 + i, 14 - i, i % 2 == 0 ? 3 : 4, 8, 100 + i));
        Upscaler sequential = upscaler(m, 6);
        List<FloatImage> expected = new ArrayList<>();
        for (FloatImage img : images) expected.add(sequential.upscale(img));
        for (int instances : new int[] {1, 3}) {
            Upscaler shared = new Upscaler(new ModelNetwork(m), Upscaler.Options.defaults().withTile(6).withInstances(instances));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<FloatImage>> results = new ArrayList<>();
                for (int round = 0; round < 3; round++)
                    for (FloatImage img : images) results.add(pool.submit(() -> shared.upscale(img)));
                for (int k = 0; k < results.size(); k++)
                    assertArrayEquals(expected.get(k % images.size()).data, results.get(k).get().data, "instances " + instances + " call " + k);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test void refusesOutputsOverThePixelLimit() {
        Upscaler up = new Upscaler(new ModelNetwork(TestNetworks.srresnet(2, 1)),
                Upscaler.Options.defaults().withMaxOutputPixels(1000));
        up.upscale(TestNetworks.image(15, 16, 3, 8, 1));                 // 30 x 32 = 960 pixels
        ImageTooLargeException e = assertThrows(ImageTooLargeException.class, () -> up.upscale(TestNetworks.image(16, 16, 3, 8, 1)));
        assertTrue(e.getMessage().contains("over the limit of 1000"), e.getMessage());
        ImageTooLargeException mem = assertThrows(ImageTooLargeException.class, () -> up.checkSize(1 << 20, 1 << 20, 3));
        assertTrue(mem.getMessage().contains("pixels"), mem.getMessage());
        Upscaler unlimited = new Upscaler(new ModelNetwork(TestNetworks.srresnet(2, 1)),
                Upscaler.Options.defaults().withMaxOutputPixels(Long.MAX_VALUE));
        ImageTooLargeException heap = assertThrows(ImageTooLargeException.class, () -> unlimited.checkSize(100_000, 100_000, 3));
        assertTrue(heap.getMessage().contains("memory"), heap.getMessage());
    }

    @Test void loadsASavedModelFile() throws IOException {
        Model m = TestNetworks.withBn(3, 2);
        Path file = dir.resolve("m.safetensors");
        m.save(file, Map.of());
        Upscaler up = Upscaler.load(file, Upscaler.Options.defaults().withTile(0));
        assertEquals(3, up.scale());
        FloatImage img = TestNetworks.image(5, 6, 3, 8, 4);
        assertArrayEquals(reference(m, img), up.upscale(img).data);
    }

    @Test void optionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Upscaler.Options.defaults().withTile(-2));
        assertThrows(IllegalArgumentException.class, () -> Upscaler.Options.defaults().withInstances(0));
        assertThrows(IllegalArgumentException.class, () -> new Tiler(-1));
    }
}
