package bnnsr.image;

import bnnsr.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.awt.Dimension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The formats people have, in files made by Pillow / LittleCMS / ImageMagick (src/test/python/make_format_fixtures.py),
 * not by us: CMYK and Adobe RGB JPEG (ICC honoured), progressive JPEG, lossless WebP with alpha, 16-bit TIFF, an
 * animated GIF's first frame, BMP, a PNG with an iCCP profile.
 */
class ImageFormatsTest {
    @TempDir Path dir;

    @Test void readsEveryFixtureLikeTheLibraryThatMadeIt() throws IOException {
        JsonNode cases = Fixtures.json("formats/formats.json").get("cases");
        assertTrue(cases.size() >= 9);
        for (JsonNode c : cases) {
            String name = c.get("file").asText();
            Path file = Fixtures.resource("formats/" + name);
            FloatImage img = ImageReader.read(file);
            FloatImage fromBytes = ImageReader.read(Files.readAllBytes(file), Path.of(name));
            assertTrue(img.samePixels(fromBytes), name + ": bytes and file must decode alike");
            assertEquals(c.get("width").asInt(), img.width, name);
            assertEquals(c.get("height").asInt(), img.height, name);
            assertEquals(c.get("channels").asInt(), img.channels, name);
            int bits = c.get("bits").asInt(), tol = c.get("tolerance").asInt();
            assertEquals(bits, img.bitDepth(), name);
            Dimension header = ImageReader.size(file);
            assertEquals(new Dimension(img.width, img.height), header, name + ": size from the header");
            for (JsonNode p : c.get("probes")) {
                int x = p.get("x").asInt(), y = p.get("y").asInt();
                for (int k = 0; k < img.channels; k++) {
                    float v = img.get(y, x, k);
                    int got = bits == 16 ? Quantize.level16(v) : Quantize.level(v);
                    assertEquals(p.get("values").get(k).asInt(), got, tol, name + " at " + x + "," + y + " channel " + k);
                }
            }
        }
    }

    /** The Adobe RGB patch (20, 160, 60) is (0, 161, 47) in sRGB: reading the samples raw would be 20 levels off. */
    @Test void embeddedProfilesChangeTheColours() {
        for (String name : new String[] {"adobergb.png", "adobergb.jpg"}) {
            FloatImage img = ImageReader.read(Fixtures.resource("formats/" + name));
            int r = Quantize.level(img.get(20, 28, 0)), b = Quantize.level(img.get(20, 28, 2));
            assertTrue(r > 95 && b > 172, name + ": (90, 40, 170) in Adobe RGB must come out more saturated, got r=" + r + " b=" + b);
        }
    }

    @ParameterizedTest(name = "{0} channels, {1}-bit")
    @CsvSource({"1,8", "3,8", "4,8", "1,16", "3,16", "4,16"})
    void tiffRoundTripKeepsChannelsBitDepthAndValues(int channels, int bits) {
        Random rnd = new Random(channels * 100L + bits);
        int max = (1 << bits) - 1;
        FloatImage img = new FloatImage(9, 13, channels, new float[9 * 13 * channels], bits);
        for (int i = 0; i < img.data.length; i++) img.data[i] = rnd.nextInt(max + 1) / (float) max;
        Path f = dir.resolve("out.tif");
        ImageWriter.writeTiff(img, f);
        FloatImage back = ImageReader.read(f);
        assertEquals(channels, back.channels);
        assertEquals(bits, back.bitDepth());
        assertArrayEquals(img.data, back.data);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        } catch (IOException e) {
            fail(e);
        }
    }

    @Test void garbageBytesAreOneLineErrors() {
        byte[] junk = "this is not an image at all".getBytes();
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageReader.read(junk, Path.of("upload")));
        assertTrue(e.getMessage().startsWith("upload: not a supported image"), e.getMessage());
        assertThrows(ImageFileException.class, () -> ImageReader.size(new byte[0], Path.of("upload")));
        assertTrue(ImageReader.isImageName(Path.of("a.WEBP")) && ImageReader.isImageName(Path.of("scan.tiff"))
                && ImageReader.isImageName(Path.of("x.gif")));
    }

    @Test void truncatedWebpAndTiffAreErrorsNotPartialImages() throws IOException {
        for (String name : new String[] {"lossless.webp", "rgb16.tif", "cmyk.jpg"}) {
            byte[] all = Files.readAllBytes(Fixtures.resource("formats/" + name));
            byte[] half = java.util.Arrays.copyOf(all, all.length / 2);
            assertThrows(ImageFileException.class, () -> ImageReader.read(half, Path.of(name)), name);
        }
    }
}
