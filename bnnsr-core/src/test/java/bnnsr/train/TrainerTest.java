package bnnsr.train;

import bnnsr.image.FloatImage;
import bnnsr.image.ImageWriter;
import bnnsr.nn.Param;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {
    @TempDir static Path tmp;
    static Path data, val;

    /** Smooth synthetic images (sums of random sinusoids): learnable, and not an evaluation set. */
    static FloatImage synthetic(int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] f = new double[4][5];
        for (double[] k : f) for (int i = 0; i < 5; i++) k[i] = r.nextDouble();
        FloatImage img = new FloatImage(h, w, 3);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) {
                    double v = 0.5;
                    for (double[] k : f) v += 0.12 * Math.sin(0.05 + 0.8 * k[0] * x + 0.8 * k[1] * y + 6 * k[2] + c * k[3]) * (0.5 + k[4]);
                    img.set(y, x, c, (float) Math.min(1, Math.max(0, v)));
                }
        return img;
    }

    @BeforeAll static void images() throws Exception {
        data = Files.createDirectories(tmp.resolve("train"));
        val = Files.createDirectories(tmp.resolve("val"));
        for (int i = 0; i < 3; i++) ImageWriter.writePng(synthetic(64, 72, i), data.resolve("t" + i + ".png"));
        ImageWriter.writePng(synthetic(40, 44, 99), val.resolve("v.png"));
    }

    static TrainConfig tiny(Path out, long iters) {
        TrainConfig c = new TrainConfig();
        c.arch = "srresnet";
        c.scale = 2;
        c.channels = 8;
        c.blocks = 1;
        c.data = List.of(data.toString());
        c.val = val.toString();
        c.iters = iters;
        c.batch = 4;
        c.patch = 12;
        c.lr = 2e-3;
        c.schedule = "constant";
        c.checkpointEvery = 4;
        c.valEvery = 1000;
        c.logEvery = 5;
        c.out = out.toString();
        return c;
    }

    static PrintStream quiet() { return new PrintStream(new ByteArrayOutputStream()); }

    @Test void tinyModelLearns() throws Exception {
        Path out = tmp.resolve("learn");
        Trainer t = new Trainer(tiny(out, 150), false, quiet());
        double before = t.validate();
        Trainer.Result r = t.run();
        List<String> curve = Files.readAllLines(out.resolve("log.csv"));
        double first = (loss(curve, 1) + loss(curve, 2)) / 2, last = (loss(curve, curve.size() - 2) + loss(curve, curve.size() - 1)) / 2;
        assertTrue(last < 0.75 * first, "loss fell from " + first + " to " + last + ": " + curve);
        assertTrue(r.valPsnr() > before, "validation PSNR rose from " + before + " to " + r.valPsnr());
        assertTrue(Files.exists(out.resolve(Checkpoint.MODEL_FILE)));
        assertEquals("iteration,loss,lr,iters_per_s,val_psnr", curve.get(0));
    }

    private static double loss(List<String> curve, int row) { return Double.parseDouble(curve.get(row).split(",")[1]); }

    @Test void resumeContinuesExactly() throws Exception {
        Path straight = tmp.resolve("straight"), split = tmp.resolve("split");
        Trainer.Result full = new Trainer(tiny(straight, 8), false, quiet()).run();
        new Trainer(tiny(split, 4), false, quiet()).run();
        Trainer resumed = new Trainer(tiny(split, 8), true, quiet());
        assertEquals(4, resumed.startIteration());
        Trainer.Result r = resumed.run();
        List<Param> a = full.model().params(), b = r.model().params();
        for (int i = 0; i < a.size(); i++) assertArrayEquals(a.get(i).value, b.get(i).value, a.get(i).name);
        List<String> curve = Files.readAllLines(split.resolve("log.csv"));
        long last = 0;
        for (String row : curve.subList(1, curve.size())) {
            long it = Long.parseLong(row.split(",")[0]);
            assertTrue(it > last, "each logged iteration once, in order: " + curve);
            last = it;
        }
    }

    @Test void badSettingsAreRejectedWithTheirName() {
        TrainConfig c = tiny(tmp.resolve("bad"), 10);
        c.patch = 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(c, false, quiet()));
        assertTrue(e.getMessage().contains("patch"), e.getMessage());
    }
}
