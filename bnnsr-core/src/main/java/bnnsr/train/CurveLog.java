package bnnsr.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training curve as CSV: iteration, loss, lr, iterations per second, validation PSNR (empty when not measured).
 * A resumed run first drops the rows past its checkpoint, so the curve has each iteration once.
 */
final class CurveLog {
    static final String HEADER = "iteration,loss,lr,iters_per_s,val_psnr";
    private final Path file;

    CurveLog(Path file, long resumedAt) throws IOException {
        this.file = file;
        List<String> keep = new ArrayList<>();
        keep.add(HEADER);
        if (resumedAt > 0 && Files.exists(file))
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.equals(HEADER) || line.isBlank()) continue;
                try {
                    if (Long.parseLong(line.substring(0, line.indexOf(','))) <= resumedAt) keep.add(line);
                } catch (RuntimeException e) {
                    // a half-written last line of a killed run: dropped
                }
            }
        Files.write(file, keep, StandardCharsets.UTF_8);
    }

    void append(long iteration, double loss, double lr, double itPerS, double valPsnr) throws IOException {
        String row = String.format(Locale.ROOT, "%d,%.6f,%.4g,%.3f,%s%n", iteration, loss, lr, itPerS,
                Double.isNaN(valPsnr) ? "" : String.format(Locale.ROOT, "%.4f", valPsnr));
        Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
