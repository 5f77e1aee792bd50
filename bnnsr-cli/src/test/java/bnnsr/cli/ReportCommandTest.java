package bnnsr.cli;

import bnnsr.engine.DefaultModel;
import bnnsr.engine.NetworkResolver;
import bnnsr.engine.Networks;
import bnnsr.eval.BicubicResolver;
import bnnsr.eval.Evaluator;
import bnnsr.eval.ImageScore;
import bnnsr.eval.SetResult;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import bnnsr.report.RunLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static bnnsr.cli.EvalCommandTest.assertOneLineError;
import static bnnsr.cli.EvalCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;

public class ReportCommandTest {
    @TempDir Path dir;

    /** Two small HR images (crops of Set5) in a set folder; a training log with and without CPU time. */
    public static Path smallSet(Path dir) throws IOException {
        Path set = Files.createDirectories(dir.resolve("Mini"));
        Path set5 = Path.of("../bnnsr-core/src/test/resources/Set5");
        ImageWriter.writePng(ImageReader.read(set5.resolve("butterfly.png")).crop(64, 64, 48, 56), set.resolve("butterfly.png"));
        ImageWriter.writePng(ImageReader.read(set5.resolve("head.png")).crop(40, 40, 44, 48), set.resolve("head.png"));
        Files.writeString(set.resolve("notes.txt"), "not an image");
        return set;
    }

    public static Path runFolder(Path dir, String name, boolean cpu) throws IOException {
        Path run = Files.createDirectories(dir.resolve(name));
        StringBuilder b = new StringBuilder("iteration,loss,lr,iters_per_s,val_psnr" + (cpu ? ",cpu_s" : "") + "\n");
        for (int i = 1; i <= 8; i++)
            b.append(i * 10).append(',').append(String.format(Locale.ROOT, "%.4f", 0.05 / i)).append(",2e-4,0.5,")
                    .append(i % 2 == 0 ? String.format(Locale.ROOT, "%.2f", 25 + i * 0.3) : "")
                    .append(cpu ? "," + (i * 37.5) : "").append('\n');
        b.append("90,0.00");                                        // a killed run's half-written line
        Files.writeString(run.resolve("log.csv"), b.toString());
        return run;
    }

    @Test void reportHoldsTheProtocolsNumbersCropsAndCharts() throws IOException {
        Path set = smallSet(dir), model = DefaultModel.find(4).orElseThrow(), out = dir.resolve("report.html");
        Path withCpu = runFolder(dir, "new-run", true), without = runFolder(dir, "old-run", false);
        var r = run("report", "--model", model.toString(), "--data", set.toString(), "--run", withCpu.toString(),
                "--run", without.toString(), "--crops", "1", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        String html = Files.readString(out);

        // the same numbers as bnnsr eval's protocol gives, per image and per set
        NetworkResolver net = new NetworkResolver(Networks.load(model, null), "m");
        SetResult want = new Evaluator(net, new int[] {4}, true).evaluateFolder(set, null).results().getFirst();
        SetResult bicubic = new Evaluator(new BicubicResolver(), new int[] {4}, true).evaluateFolder(set, null).results().getFirst();
        for (int i = 0; i < want.perImage().size(); i++) {
            ImageScore s = want.perImage().get(i), b = bicubic.perImage().get(i);
            assertTrue(html.contains(String.format(Locale.ROOT, "<td class=\"name\">%s</td><td>%.2f / %.4f</td><td>%.2f / %.4f</td>",
                    s.image(), b.psnr(), b.ssim(), s.psnr(), s.ssim())), s.image());
        }
        assertTrue(html.contains(String.format(Locale.ROOT, "%.2f / %.4f", want.psnr(), want.ssim())), "the set's mean");
        assertEquals(2 * 3, count(html, "<img class=\"crop\""), "HR, bicubic, model for the best and the worst image");
        assertEquals(4, count(html, "<img class=\"chart\""), "loss and PSNR against iterations and CPU time");
        assertTrue(html.contains("data:image/png;base64,"), "self-contained");
        assertFalse(html.contains("src=\"http"), "nothing fetched from elsewhere");
    }

    @Test void curvesOnlyWithoutCpuTimeSaySo() throws IOException {
        Path out = dir.resolve("curves.html");
        var r = run("report", "--run", runFolder(dir, "old-run", false).toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        String html = Files.readString(out);
        assertEquals(2, count(html, "<img class=\"chart\""));
        assertTrue(html.contains("No CPU time in these logs"));
        assertFalse(html.contains("id=\"results\""));
    }

    @Test void runLogReadsColumnsByNameAndSkipsBrokenLines() throws IOException {
        RunLog log = RunLog.read(runFolder(dir, "r", true).resolve("log.csv"));
        assertEquals(8, log.iteration().length);
        assertEquals(80, log.iteration()[7]);
        assertTrue(Double.isNaN(log.valPsnr()[0]));
        assertEquals(25.6, log.valPsnr()[1], 1e-9);
        assertEquals(300, log.cpuSeconds()[7], 1e-9);
        assertTrue(log.hasCpuTime());
        assertFalse(RunLog.read(runFolder(dir, "s", false)).hasCpuTime());
    }

    @Test void badUseIsOneLine() throws IOException {
        Path out = dir.resolve("x.html");
        assertOneLineError(run("report", "-o", out.toString()), 2, "nothing to report");
        assertOneLineError(run("report", "--model", "m.safetensors", "-o", out.toString()), 2, "--model needs --data");
        assertOneLineError(run("report", "--run", dir.resolve("none").toString(), "-o", out.toString()), 2, "log.csv");
        Files.writeString(out, "keep me");
        assertOneLineError(run("report", "--run", runFolder(dir, "r", false).toString(), "-o", out.toString()), 2, "--force");
        assertEquals("keep me", Files.readString(out));
        Path notLog = Files.createDirectories(dir.resolve("notlog"));
        Files.writeString(notLog.resolve("log.csv"), "a,b\n1,2\n");
        assertOneLineError(run("report", "--run", notLog.toString(), "-o", dir.resolve("y.html").toString()), 2, "not a training log");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
