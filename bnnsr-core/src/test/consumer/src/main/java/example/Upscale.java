package example;

import bnnsr.engine.DefaultModel;
import bnnsr.engine.Upscaler;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;

import java.nio.file.Path;

/** The README's example: upscale one image x4 with the model bundled in bnnsr-core. */
public class Upscale {
    public static void main(String[] args) throws Exception {
        Upscaler up = Upscaler.load(DefaultModel.find(4).orElseThrow());      // or Upscaler.load(Path.of("my.safetensors"))
        ImageWriter.writePng(up.upscale(ImageReader.read(Path.of(args[0]))), Path.of(args[1]));
    }
}
