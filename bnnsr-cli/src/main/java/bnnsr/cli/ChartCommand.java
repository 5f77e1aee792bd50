package bnnsr.cli;

import bnnsr.io.AtomicFiles;
import bnnsr.train.TrainingCurve;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bnnsr chart}: validation PSNR of several training runs against CPU core-hours (or iterations), one line
 * per run, as a PNG drawn by XChart; prints a Markdown table of each run's last and best point.
 */
@Command(name = "chart", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Draw validation PSNR vs CPU core-hours of training runs (their log.csv) as a PNG.")
public final class ChartCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "[LABEL=]LOG",
            description = "log.csv files (or run folders holding one); the label defaults to the run folder's name")
    List<String> runs;
    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE.png") Path out;
    @Option(names = "--x", defaultValue = "core-hours", paramLabel = "AXIS",
            description = "core-hours (cpu_s / 3600, default) or iterations")
    String x;
    @Option(names = "--title", defaultValue = "Set5 PSNR per CPU core-hour", paramLabel = "TEXT") String title;
    @Option(names = "--ylabel", defaultValue = "validation PSNR (dB)", paramLabel = "TEXT") String yLabel;
    @Option(names = "--force", description = "replace an existing output file") boolean force;

    @Override public Integer call() throws IOException {
        boolean hours = switch (x) {
            case "core-hours" -> true;
            case "iterations" -> false;
            default -> throw new UserException("--x must be core-hours or iterations, not '" + x + "'");
        };
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) throw new UserException(out + ": the chart is a .png file");
        if (java.nio.file.Files.exists(out) && !force) throw new UserException(out + " exists (use --force to replace it)");
        List<String> labels = new ArrayList<>();
        List<TrainingCurve> curves = new ArrayList<>();
        for (String run : runs) {                               // read and check everything before drawing
            int eq = run.indexOf('=');
            Path p = Path.of(eq < 0 ? run : run.substring(eq + 1));
            if (java.nio.file.Files.isDirectory(p)) p = p.resolve("log.csv");
            TrainingCurve c;
            try {
                c = TrainingCurve.read(p);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            if (c.points().isEmpty()) throw new UserException(p + ": no validation rows");
            if (hours && c.points().stream().anyMatch(pt -> Double.isNaN(pt.cpuSeconds())))
                throw new UserException(p + ": rows without cpu_s (a log from before CPU time was recorded): use --x iterations");
            Path parent = p.toAbsolutePath().getParent();
            labels.add(eq >= 0 ? run.substring(0, eq) : parent.getFileName().toString());
            curves.add(c);
        }
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(960).height(600).title(title)
                .xAxisTitle(hours ? "CPU core-hours" : "iterations").yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setMarkerSize(5);
        StringBuilder table = new StringBuilder("| run | iterations | core-hours | last PSNR | best PSNR |\n|---|---|---|---|---|\n");
        for (int i = 0; i < curves.size(); i++) {
            List<TrainingCurve.Point> pts = curves.get(i).points();
            double[] xs = pts.stream().mapToDouble(p -> hours ? p.coreHours() : p.iteration()).toArray();
            double[] ys = pts.stream().mapToDouble(TrainingCurve.Point::valPsnr).toArray();
            chart.addSeries(labels.get(i), xs, ys);
            TrainingCurve.Point last = pts.getLast();
            double best = pts.stream().mapToDouble(TrainingCurve.Point::valPsnr).max().orElseThrow();
            table.append(String.format(Locale.ROOT, "| %s | %d | %s | %.2f | %.2f |%n", labels.get(i), last.iteration(),
                    Double.isNaN(last.cpuSeconds()) ? "-" : String.format(Locale.ROOT, "%.3f", last.coreHours()), last.valPsnr(), best));
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) java.nio.file.Files.createDirectories(parent);
            AtomicFiles.write(out, o -> o.write(png));
        } catch (IOException e) {
            throw new UserException("cannot write " + out + ": " + e.getMessage());
        }
        System.out.print(table);
        System.out.println("chart: " + out);
        return 0;
    }
}
