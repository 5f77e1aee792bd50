package bnnsr.fuzz;

import bnnsr.image.FloatImage;
import bnnsr.image.ImageFileException;
import bnnsr.image.ImageReader;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as an image file (PNG, BMP, JPEG or whatever the decoders recognise): an image whose samples are all
 * in [0, 1], or an ImageFileException. The header size and the decoder agree. Anything else is a finding.
 */
class ImageReaderFuzzTest {
    /** A RAM disk where there is one: the decoders read files. */
    private static final Path TMP = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));

    @FuzzTest(maxDuration = "30s")
    void read(byte[] bytes) throws IOException {
        Path f = Files.createTempFile(TMP, "fuzz", ".png");
        try {
            Files.write(f, bytes);
            FloatImage img;
            try {
                img = ImageReader.read(f);
            } catch (ImageFileException e) {
                return;                                    // refused with its reason
            }
            assertEquals((long) img.height * img.width * img.channels, img.data.length);
            for (float v : img.data) assertTrue(v >= 0 && v <= 1, "sample " + v);
            java.awt.Dimension d = ImageReader.size(f);
            assertEquals(img.width, d.width);
            assertEquals(img.height, d.height);
        } finally {
            Files.delete(f);
        }
    }
}
