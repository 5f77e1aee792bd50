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
        assertEquals("iteration,loss,lr,iters_per_s,val_psnr,cpu_s", curve.get(0));
        double previous = 0;
        for (String row : curve.subList(1, curve.size())) {
            double cpuS = Double.parseDouble(row.split(",", -1)[5]);
            assertTrue(cpuS >= previous && cpuS > 0, "cumulative CPU seconds grow: " + curve);
            previous = cpuS;
        }
    }

    private static double loss(List<String> curve, int row) { return Double.parseDouble(curve.get(row).split(",")[1]); }

    @Test void resumeContinuesExactly() throws Exception {
        Path straight = tmp.resolve("straight"), split = tmp.resolve("split");
        Trainer.Result full = new Trainer(tiny(straight, 8), false, quiet()).run();
        new Trainer(tiny(split, 4), false, quiet()).run();
        double atCheckpoint = Checkpoint.load(split).cpuSeconds();
        List<String> firstPart = Files.readAllLines(split.resolve("log.csv"));
        assertEquals(Double.parseDouble(firstPart.getLast().split(",", -1)[5]), atCheckpoint, 0.5,
                "the checkpoint keeps the CPU time logged at its iteration");
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
            // log.csv rounds cpu_s to 0.1 s, and a tiny iteration may take less than 0.05 s of CPU
            if (it > 4) assertTrue(Double.parseDouble(row.split(",", -1)[5]) >= atCheckpoint - 0.05, "CPU time carries across --resume: " + row);
            last = it;
        }
    }

    /** A sitting stopped early (--stop-at) keeps the whole run's schedule: stop + resume = one uninterrupted run. */
    @Test void stopAtEndsTheSittingOnTheWholeRunsSchedule() throws Exception {
        Path straight = tmp.resolve("straight-cos"), split = tmp.resolve("split-cos");
        TrainConfig a = tiny(straight, 7), b = tiny(split, 7);
        a.schedule = b.schedule = "cosine";         // the learning rate depends on the total: a shorter run would differ
        a.checkpointEvery = b.checkpointEvery = 100;
        Trainer.Result full = new Trainer(a, false, quiet()).run();
        Trainer first = new Trainer(b, false, quiet());
        assertEquals(3, first.run(3).iterations());
        assertEquals(3, Checkpoint.load(split).iteration(), "the sitting checkpoints where it stops");
        assertThrows(IllegalArgumentException.class, () -> new Trainer(tiny(split, 7), true, quiet()).run(8));
        assertThrows(IllegalArgumentException.class, () -> new Trainer(tiny(split, 7), true, quiet()).run(3));
        Trainer.Result r = new Trainer(tiny(split, 7), true, quiet()).run();
        List<Param> x = full.model().params(), y = r.model().params();
        for (int i = 0; i < x.size(); i++) assertArrayEquals(x.get(i).value, y.get(i).value, x.get(i).name);
    }

    /** A log.csv from before the cpu_s column: a resumed run keeps its rows, with cpu_s empty. */
    @Test void resumeKeepsRowsOfAnOlderLogFormat() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("oldlog"));
        Files.write(dir.resolve("log.csv"), List.of("iteration,loss,lr,iters_per_s,val_psnr", "2,0.5,1e-3,1.0,", "4,0.4,1e-3,1.0,30.5"));
        CurveLog log = new CurveLog(dir.resolve("log.csv"), 2);
        log.append(3, 0.45, 1e-3, 1.0, Double.NaN, 12.5);
        assertEquals(List.of("iteration,loss,lr,iters_per_s,val_psnr,cpu_s", "2,0.5,1e-3,1.0,,", "3,0.450000,0.001000,1.000,,12.5"),
                Files.readAllLines(dir.resolve("log.csv")));
    }

    @Test void cpuClockAddsEarlierSittings() {
        CpuClock clock = new CpuClock(100);
        double spin = 0;
        for (int i = 0; i < 20_000_000; i++) spin += Math.sqrt(i);
        double s = clock.seconds();
        assertTrue(s > 100 && s < 100 + 60, "earlier seconds plus this thread's work: " + s + " (" + spin + ")");
    }

    /** A trained tiny FP srresnet's file (trained once, shared by the init and distillation tests). */
    private static synchronized Path fpModel() throws Exception {
        Path dir = tmp.resolve("fp-teacher");
        if (!Files.exists(dir.resolve(Checkpoint.MODEL_FILE))) new Trainer(tiny(dir, 6), false, quiet()).run();
        return dir.resolve(Checkpoint.MODEL_FILE);
    }

    private static TrainConfig tinyBam(Path out, long iters) {
        TrainConfig c = tiny(out, iters);
        c.arch = "srresnet-bam";
        return c;
    }

    @Test void initCopiesTheFpNetworkIntoTheBinaryOne() throws Exception {
        Path fp = fpModel();
        bnnsr.arch.Model teacher = bnnsr.arch.Model.load(fp);
        TrainConfig c = tinyBam(tmp.resolve("init"), 2);
        c.init = fp.toString();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Trainer t = new Trainer(c, false, new PrintStream(log));
        var state = t.model().state();
        for (String name : new String[] {"conv_first.weight", "body.0.conv1.weight", "body.0.conv2.bias", "upconv1.weight", "conv_last.bias"})
            assertArrayEquals(teacher.state().get(name).value, state.get(name).value, name);
        // what only the binary model has keeps its fresh initialisation
        bnnsr.arch.Model fresh = bnnsr.arch.Architectures.create(Trainer.archOptions(tinyBam(tmp.resolve("x"), 2)), c.seed);
        for (String name : new String[] {"body.0.conv1.weight_bn.weight", "body.0.conv2.act_bn.running_var", "body.0.bam.s"})
            assertArrayEquals(fresh.state().get(name).value, state.get(name).value, name);
        assertFalse(java.util.Arrays.equals(fresh.state().get("body.0.conv1.weight").value, state.get("body.0.conv1.weight").value));
        assertTrue(log.toString().contains("initialised " + teacher.state().size() + " tensors"), log.toString());
        t.run();                                              // and it trains from there
    }

    /** Recipe (d): a x4 run from a x2 model of the same body, the upsampler left fresh with initSkip. */
    @Test void initFromAnotherScaleWithAFreshUpsampler() throws Exception {
        Path fp = fpModel();                                  // srresnet x2
        bnnsr.arch.Model x2 = bnnsr.arch.Model.load(fp);
        TrainConfig c = tiny(tmp.resolve("init-x4"), 1);
        c.scale = 4;
        c.init = fp.toString();
        c.initSkip = List.of("upconv");
        var state = new Trainer(c, false, quiet()).model().state();
        bnnsr.arch.Model fresh = bnnsr.arch.Architectures.create(Trainer.archOptions(c), c.seed);
        assertArrayEquals(x2.state().get("body.0.conv1.weight").value, state.get("body.0.conv1.weight").value);
        assertArrayEquals(x2.state().get("conv_hr.weight").value, state.get("conv_hr.weight").value);
        assertArrayEquals(fresh.state().get("upconv1.weight").value, state.get("upconv1.weight").value, "fresh upsampler");
        assertFalse(java.util.Arrays.equals(x2.state().get("upconv1.weight").value, state.get("upconv1.weight").value));
    }

    @Test void initRejectsMismatchedNamesAndShapesWithOneLine() throws Exception {
        Path fp = fpModel();
        TrainConfig wider = tinyBam(tmp.resolve("init-wide"), 2);
        wider.channels = 12;
        wider.init = fp.toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(wider, false, quiet()));
        assertTrue(e.getMessage().contains("'conv_first.weight' is [8, 3, 3, 3] in the file, [12, 3, 3, 3] in srresnet-bam x2"), e.getMessage());
        // a binary model's file has tensors an FP srresnet lacks
        Path bam = tmp.resolve("bam-src");
        new Trainer(tinyBam(bam, 1), false, quiet()).run();
        TrainConfig fpRun = tiny(tmp.resolve("init-fp"), 2);
        fpRun.init = bam.resolve(Checkpoint.FILE).toString();          // a checkpoint: its optimizer state is skipped
        e = assertThrows(IllegalArgumentException.class, () -> new Trainer(fpRun, false, quiet()));
        assertTrue(e.getMessage().contains("has no counterpart in srresnet x2 (names must match)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        TrainConfig missing = tiny(tmp.resolve("init-missing"), 2);
        missing.init = tmp.resolve("nope.safetensors").toString();
        e = assertThrows(IllegalArgumentException.class, () -> new Trainer(missing, false, quiet()));
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }

    /**
     * Distillation: the objective is L1(y, hr) + w L1(y, teacher(lr)) with its gradient the weighted sum; the
     * teacher never changes, and a run with it trains.
     */
    @Test void distillationAddsTheWeightedTeacherTerm() throws Exception {
        Path fp = fpModel();
        bnnsr.arch.Model teacher = bnnsr.arch.Model.load(fp);
        var lr = bnnsr.nn.GradCheck.random(2, 6, 6, 3, 1);
        var hr = bnnsr.nn.GradCheck.random(2, 12, 12, 3, 2);
        var y = bnnsr.nn.GradCheck.random(2, 12, 12, 3, 3);
        Objective plain = new Objective(new bnnsr.nn.Loss.L1(), null, 1);
        Objective distil = new Objective(new bnnsr.nn.Loss.L1(), teacher, 0.5);
        double l = plain.forward(y, lr, hr), ld = distil.forward(y, lr, hr);
        var t = teacher.forward(lr, false).copy();
        bnnsr.nn.Loss.L1 ref = new bnnsr.nn.Loss.L1();
        double toTeacher = ref.forward(y, t);
        assertEquals(l + 0.5 * toTeacher, ld, 1e-12);
        assertEquals(toTeacher, distil.lastDistill(), 1e-12);
        float[] g = distil.backward().data, g1 = plain.backward().data, g2 = ref.backward().data;
        for (int i = 0; i < g.length; i++) assertEquals(g1[i] + 0.5f * g2[i], g[i], 0f, "element " + i);

        TrainConfig c = tinyBam(tmp.resolve("distil"), 3);
        c.teacher = fp.toString();
        c.distillWeight = 0.5;
        float[] before = teacher.state().get("conv_first.weight").value.clone();
        Trainer.Result r = new Trainer(c, false, quiet()).run();
        assertTrue(Double.isFinite(r.loss()));
        assertArrayEquals(before, bnnsr.arch.Model.load(fp).state().get("conv_first.weight").value, "the teacher file is untouched");
        TrainConfig other = tinyBam(tmp.resolve("distil-x3"), 1);
        other.scale = 3;
        other.teacher = fp.toString();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(other, false, quiet()));
        assertTrue(e.getMessage().contains("is x2, the run is x3"), e.getMessage());
    }

    @Test void badSettingsAreRejectedWithTheirName() {
        TrainConfig c = tiny(tmp.resolve("bad"), 10);
        c.patch = 1;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(c, false, quiet()));
        assertTrue(e.getMessage().contains("patch"), e.getMessage());
    }
}
