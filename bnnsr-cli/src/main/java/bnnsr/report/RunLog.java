package bnnsr.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A training run's curve, {@code log.csv}: columns found by name in the header (iteration, loss, val_psnr, and
 * cpu_s, the cumulative process CPU seconds, which runs before it was added lack or leave empty). Missing or empty
 * values are NaN; rows that do not parse (a half-written last line) are skipped.
 */
public record RunLog(String name, long[] iteration, double[] loss, double[] valPsnr, double[] cpuSeconds) {

    /** Reads {@code dir/log.csv} (or the file itself); the run's name is its folder's. */
    public static RunLog read(Path dirOrCsv) throws IOException {
        Path csv = Files.isDirectory(dirOrCsv) ? dirOrCsv.resolve("log.csv") : dirOrCsv;
        if (!Files.isRegularFile(csv)) throw new IOException(csv + ": no such file (a training run folder has log.csv)");
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty()) throw new IOException(csv + ": empty");
        List<String> header = Arrays.stream(lines.get(0).split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
        int it = header.indexOf("iteration"), loss = header.indexOf("loss"), val = header.indexOf("val_psnr"), cpu = header.indexOf("cpu_s");
        if (it < 0 || loss < 0) throw new IOException(csv + ": not a training log (its header lacks iteration and loss)");
        List<double[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length < header.size() - 1) continue;
            try {
                rows.add(new double[] {Long.parseLong(f[it].trim()), num(f, loss), num(f, val), num(f, cpu)});
            } catch (NumberFormatException e) {
                // a half-written line of a killed run
            }
        }
        int n = rows.size();
        long[] iters = new long[n];
        double[] l = new double[n], v = new double[n], c = new double[n];
        for (int i = 0; i < n; i++) {
            double[] r = rows.get(i);
            iters[i] = (long) r[0]; l[i] = r[1]; v[i] = r[2]; c[i] = r[3];
        }
        Path folder = csv.toAbsolutePath().getParent();
        return new RunLog(folder == null ? csv.toString() : folder.getFileName().toString(), iters, l, v, c);
    }

    private static double num(String[] f, int col) {
        if (col < 0 || col >= f.length || f[col].isBlank()) return Double.NaN;
        return Double.parseDouble(f[col].trim());
    }

    /** True when some row has a CPU time. */
    public boolean hasCpuTime() { return Arrays.stream(cpuSeconds).anyMatch(d -> !Double.isNaN(d)); }

    public boolean hasValidation() { return Arrays.stream(valPsnr).anyMatch(d -> !Double.isNaN(d)); }

    /** (x, y) pairs where both are known, x from {@code xs}. */
    static double[][] pairs(double[] xs, double[] ys) {
        int n = 0;
        for (int i = 0; i < xs.length; i++) if (!Double.isNaN(xs[i]) && !Double.isNaN(ys[i])) n++;
        double[][] p = new double[2][n];
        for (int i = 0, k = 0; i < xs.length; i++)
            if (!Double.isNaN(xs[i]) && !Double.isNaN(ys[i])) { p[0][k] = xs[i]; p[1][k++] = ys[i]; }
        return p;
    }

    double[] iterationsAsDouble() { return Arrays.stream(iteration).asDoubleStream().toArray(); }
}
