package bnnsr.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The validation points of a training run's {@code log.csv} ({@link CurveLog}): iteration, cumulative CPU seconds
 * (NaN in rows of logs written before the cpu_s column) and validation PSNR, for charts of quality per CPU-hour.
 */
public record TrainingCurve(Path file, List<Point> points) {
    public record Point(long iteration, double cpuSeconds, double valPsnr) {
        public double coreHours() { return cpuSeconds / 3600; }
    }

    /** Reads a log.csv; a file that is not one is an IllegalArgumentException with a one-line message. */
    public static TrainingCurve read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such file");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.getFirst().startsWith("iteration,"))
            throw new IllegalArgumentException(file + ": not a bnnsr log.csv (no 'iteration,...' header)");
        List<String> header = Arrays.asList(lines.getFirst().split(","));
        int it = header.indexOf("iteration"), val = header.indexOf("val_psnr"), cpu = header.indexOf("cpu_s");
        if (val < 0) throw new IllegalArgumentException(file + ": no val_psnr column");
        List<Point> points = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length <= val || f[val].isBlank()) continue;          // rows without validation, a half-written last line
            try {
                double c = cpu >= 0 && f.length > cpu && !f[cpu].isBlank() ? Double.parseDouble(f[cpu]) : Double.NaN;
                points.add(new Point(Long.parseLong(f[it]), c, Double.parseDouble(f[val])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": bad row '" + line + "'");
            }
        }
        return new TrainingCurve(file, List.copyOf(points));
    }
}
