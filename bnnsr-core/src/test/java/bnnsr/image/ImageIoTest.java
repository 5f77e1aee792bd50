package bnnsr.image;

import bnnsr.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ImageIoTest {
    @TempDir Path dir;

    private static FloatImage random(int h, int w, int c, int bits, long seed) {
        Random rnd = new Random(seed);
        int max = (1 << bits) - 1;
        FloatImage img = new FloatImage(h, w, c, new float[h * w * c], bits);
        for (int i = 0; i < img.data.length; i++) img.data[i] = rnd.nextInt(max + 1) / (float) max;
        img.data[0] = 0;
        img.data[img.data.length - 1] = 1;
        return img;
    }

    @ParameterizedTest(name = "{0} channels, {1}-bit")
    @CsvSource({"1,8", "2,8", "3,8", "4,8", "1,16", "2,16", "3,16", "4,16"})
    void pngRoundTripKeepsChannelsBitDepthAndValues(int channels, int bits) {
        FloatImage img = random(7, 5, channels, bits, 31L * channels + bits);
        Path f = dir.resolve("img.png");
        ImageWriter.writePng(img, f);
        FloatImage back = ImageReader.read(f);
        assertEquals(channels, back.channels);
        assertEquals(bits, back.bitDepth());
        assertEquals(7, back.height);
        assertEquals(5, back.width);
        assertArrayEquals(img.data, back.data, "samples must survive exactly");
    }

    @Test void sixteenBitKeepsPrecisionThatEightBitLoses() {
        FloatImage img = new FloatImage(1, 2, 1, new float[] {1000 / 65535f, 1001 / 65535f}, 16);
        ImageWriter.writePng(img, dir.resolve("a.png"));
        FloatImage back16 = ImageReader.read(dir.resolve("a.png"));
        assertNotEquals(back16.data[0], back16.data[1]);
        ImageWriter.writePng(img, dir.resolve("b.png"), 8);
        FloatImage back8 = ImageReader.read(dir.resolve("b.png"));
        assertEquals(8, back8.bitDepth());
        assertEquals(back8.data[0], back8.data[1]);
    }

    @Test void writeClampsAndRounds() {
        FloatImage img = new FloatImage(1, 3, 1, new float[] {-0.5f, 0.3f, 7f}, 8);
        ImageWriter.writePng(img, dir.resolve("c.png"));
        assertArrayEquals(new int[] {0, 77, 255}, Quantize.levels(ImageReader.read(dir.resolve("c.png"))));
    }

    /** Files written by PIL, not by us: a check that does not only test our reader against our writer. */
    @Test void readsFilesWrittenByAnotherLibrary() {
        JsonNode cases = Fixtures.json("golden/io.json").get("cases");
        assertTrue(cases.size() >= 10);
        for (JsonNode c : cases) {
            String file = c.get("file").asText();
            FloatImage img = ImageReader.read(Fixtures.resource("golden/io/" + file));
            assertEquals(c.get("height").asInt(), img.height, file);
            assertEquals(c.get("width").asInt(), img.width, file);
            assertEquals(c.get("channels").asInt(), img.channels, file);
            int bits = c.get("bits").asInt(), tol = c.get("tolerance").asInt();
            assertEquals(bits, img.bitDepth(), file);
            JsonNode values = c.get("values");
            assertEquals(values.size(), img.data.length, file);
            for (int i = 0; i < img.data.length; i++) {
                int got = bits == 16 ? Quantize.level16(img.data[i]) : Quantize.level(img.data[i]);
                assertEquals(values.get(i).asInt(), got, tol, file + " sample " + i);
            }
        }
    }

    @Test void readsPaletteImagesWrittenByJava() throws IOException {
        byte[] r = {0, (byte) 255, 10}, g = {0, 0, 20}, b = {0, 0, 30}, a = {(byte) 255, (byte) 128, (byte) 255};
        BufferedImage bi = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 3, r, g, b, a));
        bi.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 1, 2});
        Path f = dir.resolve("pal.png");
        assertTrue(ImageIO.write(bi, "png", f.toFile()));
        FloatImage img = ImageReader.read(f);
        assertEquals(4, img.channels);
        assertArrayEquals(new int[] {0, 0, 0, 255, 255, 0, 0, 128, 10, 20, 30, 255}, Quantize.levels(img));
    }

    @Test void readsBmpAndJpegWrittenByJava() throws IOException {
        FloatImage img = random(6, 9, 3, 8, 5);
        BufferedImage bi = ImageWriter.toBuffered(img, 8);
        BufferedImage bgr = new BufferedImage(9, 6, BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(bi, 0, 0, null);
        assertTrue(ImageIO.write(bgr, "bmp", dir.resolve("x.bmp").toFile()));
        assertArrayEquals(Quantize.levels(img), Quantize.levels(ImageReader.read(dir.resolve("x.bmp"))));
        FloatImage flat = new FloatImage(16, 16, 3);
        Arrays.fill(flat.data, 0.5f);
        BufferedImage fb = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        fb.getGraphics().drawImage(ImageWriter.toBuffered(flat, 8), 0, 0, null);
        assertTrue(ImageIO.write(fb, "jpeg", dir.resolve("x.jpg").toFile()));
        FloatImage jpg = ImageReader.read(dir.resolve("x.jpg"));
        assertEquals(3, jpg.channels);
        for (float v : jpg.data) assertEquals(0.5, v, 2 / 255.0);
    }

    /**
     * A BMP whose header says "compression 4 (an embedded JPEG) of 1.85 GB": the JDK's reader allocated the claimed
     * size before reading (Jazzer found it as an out-of-memory in CI). Refused from the header, file or bytes.
     */
    @Test void bmpWrappingJpegOrPngIsRefusedBeforeItsClaimedSizeIsAllocated() throws IOException {
        for (int compression : new int[] {4, 5}) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(80).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.put((byte) 'B').put((byte) 'M').putInt(80).putInt(0).putInt(54);
            b.putInt(40).putInt(64).putInt(54).putShort((short) 1).putShort((short) 0).putInt(compression)
                    .putInt(0x6e6e6b03);
            Path f = Files.write(dir.resolve("wrapped" + compression + ".bmp"), b.array());
            long before = Files.size(f);
            ImageFileException e = assertThrows(ImageFileException.class, () -> ImageReader.read(f));
            assertTrue(e.getMessage().contains(compression == 4 ? "wrapping a JPEG" : "wrapping a PNG"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            ImageFileException m = assertThrows(ImageFileException.class, () -> ImageReader.read(b.array(), f));
            assertEquals(e.getMessage(), m.getMessage());
            assertEquals(before, Files.size(f));
        }
    }

    @Test void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path f = dir.resolve("out.png");
        ImageWriter.writePng(random(3, 3, 3, 8, 1), f);
        FloatImage second = random(4, 2, 1, 8, 2);
        ImageWriter.writePng(second, f);
        assertTrue(second.samePixels(ImageReader.read(f)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "only the target file remains");
        }
    }

    @Test void unreadableFilesGiveOneLineErrorsNamingTheFile() throws IOException {
        Path missing = dir.resolve("missing.png");
        Path empty = Files.createFile(dir.resolve("empty.png"));
        Path text = Files.writeString(dir.resolve("notes.png"), "this is not an image\n");
        Path png = dir.resolve("good.png");
        ImageWriter.writePng(random(40, 40, 3, 8, 3), png);
        byte[] bytes = Files.readAllBytes(png);
        Path truncated = Files.write(dir.resolve("truncated.png"), Arrays.copyOf(bytes, bytes.length / 2));
        Path folder = Files.createDirectory(dir.resolve("folder.png"));
        for (Path p : new Path[] {missing, empty, text, truncated, folder}) {
            ImageFileException e = assertThrows(ImageFileException.class, () -> ImageReader.read(p), p.toString());
            assertEquals(p, e.file());
            assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(assertThrows(ImageFileException.class, () -> ImageReader.read(missing)).reason().contains("no such file"));
        assertTrue(assertThrows(ImageFileException.class, () -> ImageReader.read(truncated)).reason().contains("corrupt"));
    }

    @Test void bytesInMemoryDecodeAndEncodeAsFilesDo() throws IOException {
        for (int c = 1; c <= 4; c++) {
            FloatImage img = random(6, 9, c, c == 4 ? 16 : 8, 40 + c);
            Path png = dir.resolve("m" + c + ".png"), jpg = dir.resolve("m" + c + ".jpg");
            ImageWriter.writePng(img, png);
            ImageWriter.writeJpeg(img, jpg, 80);
            assertArrayEquals(Files.readAllBytes(png), ImageWriter.encode(img, "png", 95), "png, " + c + " channels");
            assertArrayEquals(Files.readAllBytes(jpg), ImageWriter.encode(img, "jpg", 80), "jpg, " + c + " channels");
            for (Path f : new Path[] {png, jpg}) {
                FloatImage fromFile = ImageReader.read(f), fromBytes = ImageReader.read(Files.readAllBytes(f), Path.of("x"));
                assertTrue(fromFile.samePixels(fromBytes), f.toString());
                assertEquals(fromFile.bitDepth(), fromBytes.bitDepth());
                assertEquals(new java.awt.Dimension(9, 6), ImageReader.size(Files.readAllBytes(f), Path.of("x")));
            }
        }
        Path name = Path.of("sub/bad.png");
        byte[] good = ImageWriter.encode(random(20, 20, 3, 8, 9), "png", 95);
        for (byte[] bad : new byte[][] {new byte[0], "not an image".getBytes(), Arrays.copyOf(good, good.length / 2)}) {
            ImageFileException e = assertThrows(ImageFileException.class, () -> ImageReader.read(bad, name));
            assertEquals(name, e.file());
            assertTrue(e.getMessage().startsWith("sub/bad.png: "), e.getMessage());
        }
        assertTrue(assertThrows(ImageFileException.class, () -> ImageReader.size(new byte[0], name)).reason().contains("empty"));
        assertThrows(IllegalArgumentException.class, () -> ImageWriter.encode(random(2, 2, 3, 8, 1), "gif", 95));
    }

    @Test void writingIntoAMissingFolderFailsNamingTheFile() {
        Path f = dir.resolve("nope/out.png");
        ImageFileException e = assertThrows(ImageFileException.class, () -> ImageWriter.writePng(new FloatImage(2, 2, 3), f));
        assertEquals(f, e.file());
    }

    @Test void picksImagesByExtension() {
        assertTrue(ImageReader.isImageName(Path.of("a/b.PNG")));
        assertTrue(ImageReader.isImageName(Path.of("t1.bmp")));
        assertTrue(ImageReader.isImageName(Path.of("x.jpeg")));
        assertFalse(ImageReader.isImageName(Path.of("SHA256SUMS")));
        assertFalse(ImageReader.isImageName(Path.of(".png")));
        assertFalse(ImageReader.isImageName(Path.of("notes.txt")));
    }
}
