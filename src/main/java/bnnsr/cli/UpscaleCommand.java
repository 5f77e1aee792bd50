package bnnsr.cli;

import bnnsr.arch.Model;
import bnnsr.eval.ModelResolver;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageFileException;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bnnsr upscale}: super-resolves an image with a model (minimal: one file, RGB output). */
@Command(name = "upscale", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Upscale an image with a trained model.")
public final class UpscaleCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Input image (PNG, BMP or JPEG).")
    Path in;
    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output PNG file.")
    Path out;
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "Model file (bnnsr model, checkpoint or plain state dict with --arch).")
    Path model;
    @Option(names = "--arch", paramLabel = "NAME", description = "Architecture of a plain state dict.")
    String arch;
    @Option(names = "--scale", paramLabel = "S", description = "Scale of a plain state dict.")
    Integer scale;
    @Option(names = "--force", description = "Overwrite OUT if it exists.")
    boolean force;

    @Override public Integer call() {
        if (Files.exists(out) && !force) throw new UserException(out + ": exists (use --force to overwrite)");
        try {
            if (Files.exists(out) && Files.isSameFile(in, out)) throw new UserException(out + ": is the input image; refusing to overwrite it");
        } catch (java.io.IOException e) {
            throw new UserException(out + ": " + e.getMessage());
        }
        Model m = ModelFiles.load(model, arch, scale);
        try {
            FloatImage img = ImageReader.read(in).toRgb();
            FloatImage sr = new ModelResolver(m, model.getFileName().toString()).upscale(img, m.options().scale());
            ImageWriter.writePng(clamp(sr), out, 8);
        } catch (ImageFileException e) {
            throw new UserException(e.getMessage());
        }
        return 0;
    }

    private static FloatImage clamp(FloatImage img) {
        for (int i = 0; i < img.data.length; i++) img.data[i] = Math.min(1f, Math.max(0f, img.data[i]));
        return img;
    }
}
