package bnnsr.train;

import bnnsr.eval.Evaluator;
import bnnsr.eval.Protocol;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageReader;
import bnnsr.image.Quantize;
import bnnsr.tensor.Parallel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training set in memory: every HR image (modcropped, 8-bit RGB) with its LR made once by the evaluation
 * protocol's own degradation ({@link Protocol#lowRes}), so training and evaluation see the same kind of input.
 * Pixels are kept as uint8 levels: the 291 classic images take ~60 MB instead of ~250 MB as floats.
 */
public final class TrainingImages {
    /** One HR/LR pair, interleaved RGB levels 0..255. */
    public record Pair(String name, int hrH, int hrW, byte[] hr, int lrH, int lrW, byte[] lr) {}

    private final int scale;
    private final List<Pair> pairs;

    private TrainingImages(int scale, List<Pair> pairs) {
        this.scale = scale;
        this.pairs = pairs;
    }

    /** A training set from pairs made elsewhere (tests, other degradations). */
    public static TrainingImages of(int scale, List<Pair> pairs) { return new TrainingImages(scale, List.copyOf(pairs)); }

    public int scale() { return scale; }

    public List<Pair> pairs() { return pairs; }

    public int size() { return pairs.size(); }

    /**
     * Loads every image of the folders; images whose LR would be smaller than {@code minLrSide} are left out (and
     * counted in {@code skipped}), since no patch fits in them.
     */
    public static TrainingImages load(List<Path> folders, int scale, int minLrSide, List<String> skipped) {
        List<Path> files = new ArrayList<>();
        for (Path f : folders) files.addAll(Evaluator.listImages(f));
        Pair[] out = new Pair[files.size()];
        Parallel.forRange(files.size(), (a, b) -> {
            for (int i = a; i < b; i++) out[i] = pair(files.get(i), scale);
        });
        List<Pair> kept = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            if (out[i].lrH() >= minLrSide && out[i].lrW() >= minLrSide) kept.add(out[i]);
            else if (skipped != null) skipped.add(files.get(i) + " (LR " + out[i].lrW() + "x" + out[i].lrH() + " < patch " + minLrSide + ")");
        }
        return new TrainingImages(scale, List.copyOf(kept));
    }

    static Pair pair(Path file, int scale) {
        FloatImage img = ImageReader.read(file);
        int h = img.height - img.height % scale, w = img.width - img.width % scale;
        FloatImage hr = Quantize.q(img.toRgb().crop(0, 0, h, w));
        FloatImage lr = Protocol.lowRes(hr, scale);
        return new Pair(file.getFileName().toString(), h, w, levels(hr), lr.height, lr.width, levels(lr));
    }

    private static byte[] levels(FloatImage img) {
        int[] q = Quantize.levels(img);
        byte[] b = new byte[q.length];
        for (int i = 0; i < q.length; i++) b[i] = (byte) q[i];
        return b;
    }
}
