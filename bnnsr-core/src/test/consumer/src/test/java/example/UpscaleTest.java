package example;

import bnnsr.image.FloatImage;
import bnnsr.image.ImageReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UpscaleTest {
    @Test void upscalesX4() throws Exception {
        Path in = Path.of(System.getProperty("input")), out = Path.of(System.getProperty("output"));
        Upscale.main(new String[] {in.toString(), out.toString()});
        FloatImage a = ImageReader.read(in), b = ImageReader.read(out);
        assertEquals(4 * a.width, b.width);
        assertEquals(4 * a.height, b.height);
    }
}
