package bnnsr.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ChartCommandTest {
    private final StringWriter err = new StringWriter();

    private String run(int expectedExit, String... args) { return CapturedRun.run(err, expectedExit, args); }

    private static Path log(Path dir, String name, List<String> rows) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.write(d.resolve("log.csv"), rows);
        return d;
    }

    @Test void drawsOneLinePerRunAndTabulatesThem(@TempDir Path dir) throws Exception {
        Path a = log(dir, "bam-scratch", List.of("iteration,loss,lr,iters_per_s,val_psnr,cpu_s",
                "50,0.05,2e-4,1.0,,90.0", "100,0.04,2e-4,1.0,28.50,180.0", "200,0.03,1e-4,1.0,29.10,360.0"));
        Path b = log(dir, "bam-init", List.of("iteration,loss,lr,iters_per_s,val_psnr,cpu_s",
                "100,0.04,2e-4,1.0,29.20,720.0", "200,0.03,1e-4,1.0,29.60,1440.0", "300,0.03,1e-4,1.0,29.55,2160.0"));
        Path png = dir.resolve("docs/curves.png");
        String out = run(0, "chart", a.toString(), "init=" + b.resolve("log.csv"), "-o", png.toString());
        assertTrue(out.contains("| bam-scratch | 200 | 0.100 | 29.10 | 29.10 |"), out);
        assertTrue(out.contains("| init | 300 | 0.600 | 29.55 | 29.60 |"), out);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(960, img.getWidth());
        assertEquals(600, img.getHeight());
        // two series in two different colours: count distinct saturated colours in the plot
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2)
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff, r = rgb >> 16, g = rgb >> 8 & 255, bl = rgb & 255;
                if (Math.max(r, Math.max(g, bl)) - Math.min(r, Math.min(g, bl)) > 100) colours.add(rgb);
            }
        assertTrue(colours.size() >= 2, "coloured series drawn: " + colours.size());
        long size = Files.size(png);
        run(Cli.EXIT_USAGE, "chart", a.toString(), "-o", png.toString());      // not replaced without --force
        assertTrue(err.toString().contains("exists"), err.toString());
        assertEquals(size, Files.size(png));
        run(0, "chart", a.toString(), "-o", png.toString(), "--force");
    }

    @Test void badInputIsOneLineAndNoFile(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("c.png");
        Path old = log(dir, "old", List.of("iteration,loss,lr,iters_per_s,val_psnr", "100,0.04,2e-4,1.0,28.5"));
        run(Cli.EXIT_USAGE, "chart", old.toString(), "-o", png.toString());
        assertTrue(err.toString().contains("rows without cpu_s"), err.toString());
        run(Cli.EXIT_USAGE, "chart", dir.resolve("missing").toString(), "-o", png.toString());
        assertTrue(err.toString().contains("no such file"), err.toString());
        run(Cli.EXIT_USAGE, "chart", old.toString(), "-o", dir.resolve("c.svg").toString());
        assertFalse(Files.exists(png));
        // iterations work for an old log
        run(0, "chart", old.toString(), "--x", "iterations", "-o", png.toString());
        assertTrue(Files.size(png) > 1000);
        for (String line : err.toString().strip().split("\n")) assertTrue(line.startsWith("bnnsr: "), line);
    }
}
