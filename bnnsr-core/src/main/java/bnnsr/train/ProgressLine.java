package bnnsr.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * Training progress: a live progress bar (iterations, rate, ETA, loss, lr, validation PSNR) on a terminal, and
 * one plain log line per update elsewhere (log files, CI), where a redrawn bar would be noise.
 */
final class ProgressLine implements AutoCloseable {
    private final PrintStream log;
    private final long total, start;
    private final long startNanos = System.nanoTime();
    private final ProgressBar bar;

    ProgressLine(PrintStream log, long total, long start) {
        this.log = log;
        this.total = total;
        this.start = start;
        this.bar = System.console() != null && System.console().isTerminal() && log == System.err
                ? new ProgressBarBuilder().setTaskName("train").setInitialMax(total).startsFrom(start, Duration.ZERO)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed()
                    .setConsumer(new ConsoleProgressBarConsumer(log)).build()
                : null;
    }

    /** {@code valPsnr}: the latest validation PSNR (NaN if none yet); {@code measuredNow}: it was measured at this update. */
    void update(long done, double loss, double lr, double itPerS, double valPsnr, boolean measuredNow) {
        String val = Double.isNaN(valPsnr) || (bar == null && !measuredNow) ? "" : String.format(Locale.ROOT, " val %.3f dB", valPsnr);
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.5f lr %.2e%s", loss, lr, val));
            return;
        }
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double rate = (done - start) / Math.max(elapsed, 1e-9);
        long eta = rate > 0 ? Math.round((total - done) / rate) : -1;
        log.printf(Locale.ROOT, "iter %d/%d  loss %.5f  lr %.2e  %.2f it/s  ETA %s%s%n", done, total, loss, lr, itPerS,
                eta < 0 ? "?" : formatDuration(eta), val);
    }

    static String formatDuration(long s) {
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }

    @Override public void close() { if (bar != null) bar.close(); }
}
