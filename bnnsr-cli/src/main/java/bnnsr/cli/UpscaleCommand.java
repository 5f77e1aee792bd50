package bnnsr.cli;

import bnnsr.engine.DefaultModel;
import bnnsr.engine.ImageTooLargeException;
import bnnsr.engine.InferenceNetwork;
import bnnsr.engine.Tiler;
import bnnsr.engine.Upscaler;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageFileException;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import bnnsr.tensor.Parallel;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.awt.Dimension;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bnnsr upscale}: super-resolves image files and folders with a model, as users of Real-ESRGAN-ncnn and
 * waifu2x expect. Problems with the command (model, options) stop it with one line; problems with one image are
 * reported as one line naming the file and the other images go on; the exit code is 0 only when every image was
 * written (2 when the failures were bad inputs, 1 when something else failed, e.g. writing or memory).
 */
@Command(name = "upscale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Upscale images (PNG, BMP, JPEG files or folders of them) with a model.",
                "Alpha is upscaled separately (bicubic) and kept, grey stays grey, 16-bit PNG",
                "stays 16-bit. Existing outputs are kept unless --force; inputs are never",
                "overwritten."})
public final class UpscaleCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "IN", description = "Image files or folders (recursed, relative names kept).")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = "Output folder (created); with one input file, may be the output file's name.")
    Path out;

    @Option(names = "--model", paramLabel = "FILE",
            description = "Model file (a bnnsr model such as a training run's model_latest.safetensors, or a plain state dict with --arch). Default: the bundled default_x<S> model.")
    Path model;

    @Option(names = "--scale", paramLabel = "S",
            description = "Upscaling factor; must be the model's (default: the model's, 4 for the default model).")
    Integer scale;

    @Option(names = "--tile", paramLabel = "N",
            description = "Tile side in input pixels (bounds memory; results do not depend on it); 0 = whole image. Default: from the model's memory needs.")
    Integer tile;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--format", paramLabel = "png|jpg|tif",
            description = "Output format (default: from OUT's name for one file, else png).")
    String format;

    @Option(names = "--quality", defaultValue = "95", paramLabel = "Q", description = "JPEG quality 0..100 (default: ${DEFAULT-VALUE}).")
    int quality;

    @Option(names = "--suffix", defaultValue = "", paramLabel = "S",
            description = "Added to output file names before the extension (e.g. _x4).")
    String suffix;

    @Option(names = "--force", description = "Overwrite existing output files (never an input).")
    boolean force;

    @Option(names = "--arch", paramLabel = "NAME", description = "Architecture of a plain state dict without bnnsr metadata (needs --scale).")
    String arch;

    @Spec CommandSpec spec;

    /** Carriage return and ANSI erase-line: a message replaces the progress bar's line on a terminal. */
    private static final String CLEAR_LINE = "\r\033[K";

    /** How one image ended. */
    private enum Outcome { DONE, BAD_INPUT, FAILED }

    @Override public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        checkOptions();
        int threadsBefore = Parallel.threads();
        if (threads != null) Parallel.setThreads(threads);
        try {
            return upscaleAll(err);
        } finally {
            Parallel.setThreads(threadsBefore);    // the command may run inside a longer-lived program (tests, tools)
        }
    }

    private int upscaleAll(PrintWriter err) {
        UpscalePlan plan = new UpscalePlan(inputs, out, format, suffix);
        // one network instance per core, for small images upscaled one per core at once
        Upscaler upscaler = new Upscaler(loadNetwork(), new Upscaler.Options(
                tile == null ? Upscaler.AUTO_TILE : tile, Parallel.threads(), Upscaler.DEFAULT_MAX_OUTPUT_PIXELS));

        int n = plan.jobs.size();
        int[] count = new int[Outcome.values().length];
        String last = null;
        long start = System.nanoTime();
        boolean terminal = System.console() != null && System.console().isTerminal();
        if (n > 1 && !terminal)
            err.println("upscale: " + n + " images, " + upscaler.network().describe() + ", "
                    + (upscaler.streams() ? "streamed in bands of rows (small images whole)" : "tile " + (upscaler.tile() == 0 ? "off" : upscaler.tile()))
                    + ", " + Parallel.threads() + " threads");
        // on a terminal a bar over the images, its message the current image's tiles; elsewhere a line per image
        try (ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName("upscale x" + upscaler.scale())
                .setInitialMax(n).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null) {
            Tiler.Progress tiles = bar == null ? Tiler.Progress.NONE
                    : (done, total) -> bar.setExtraMessage(total > 1 ? (upscaler.streams() ? "band " : "tile ") + done + "/" + total : "");
            for (int i = 0; i < n; ) {
                // small images: one per core at once (each image on one core); a big one alone, on every core
                int batch = batchSize(upscaler, plan, i);
                Result[] results = new Result[batch];
                long[] seconds = new long[batch];
                int first = i;
                Parallel.forEach(batch, j -> {
                    long t0 = System.nanoTime();
                    results[j] = run(upscaler, plan.jobs.get(first + j), plan.format, batch > 1 ? Tiler.Progress.NONE : tiles);
                    seconds[j] = System.nanoTime() - t0;
                });
                for (int j = 0; j < batch; j++, i++) {
                    Result r = results[j];
                    count[r.outcome().ordinal()]++;
                    String line = r.outcome() != Outcome.DONE ? r.message()
                            : (n > 1 ? "[" + (i + 1) + "/" + n + "] " : "") + r.message()
                              + String.format(Locale.ROOT, ", %.1f s)", seconds[j] / 1e9);
                    if (bar == null) {
                        err.println(line);
                    } else {
                        if (r.outcome() != Outcome.DONE) err.println(CLEAR_LINE + line);    // the bar redraws below it
                        else if (n == 1) last = line;
                        bar.step();
                    }
                }
            }
        }
        if (last != null) err.println(last);
        int failed = count[Outcome.FAILED.ordinal()], bad = count[Outcome.BAD_INPUT.ordinal()];
        if (n > 1) {
            double s = (System.nanoTime() - start) / 1e9;
            err.printf(Locale.ROOT, "upscale: %d done, %d failed, %.1f s, %.2f images/s%n", count[Outcome.DONE.ordinal()], bad + failed,
                    s, count[Outcome.DONE.ordinal()] / s);
        }
        return failed > 0 ? Cli.EXIT_FAILURE : bad > 0 ? Cli.EXIT_USAGE : 0;
    }

    private record Result(Outcome outcome, String message) {}

    /** Input pixels up to which an image is "small": it runs on one core, next to others (a 640x480 photo). */
    static final long SMALL_IMAGE_PIXELS = 640 * 480;

    /**
     * How many images from job {@code i} on run at once: the following small images, one per core, as many as fit
     * in a third of the heap together; 1 for a big image (it gets every core inside the kernels) or one whose size
     * cannot be read (its error is reported in order).
     */
    private static int batchSize(Upscaler upscaler, UpscalePlan plan, int i) {
        int cores = Parallel.threads(), batch = 0;
        long bytes = 0, budget = Runtime.getRuntime().maxMemory() / 3;
        while (batch < cores && i + batch < plan.jobs.size()) {
            UpscalePlan.Job job = plan.jobs.get(i + batch);
            if (job.problem() != null) break;
            Dimension d;
            try {
                d = ImageReader.size(job.input());
            } catch (RuntimeException e) {
                break;
            }
            long pixels = (long) d.width * d.height;
            if (pixels > SMALL_IMAGE_PIXELS) break;
            bytes += upscaler.estimateBytes(d.height, d.width, 4);
            if (batch > 0 && bytes > budget) break;
            batch++;
        }
        return Math.max(1, batch);
    }

    /** One image, every problem turned into its one-line report. */
    private Result run(Upscaler upscaler, UpscalePlan.Job job, String fmt, Tiler.Progress tiles) {
        if (job.problem() != null) return new Result(Outcome.BAD_INPUT, "bnnsr: " + job.input() + ": " + job.problem());
        try {
            return new Result(Outcome.DONE, process(upscaler, job, fmt, tiles));
        } catch (ImageFileException e) {
            // the input's own problem, or (another file) the output could not be written
            return new Result(e.file().equals(job.input()) ? Outcome.BAD_INPUT : Outcome.FAILED, "bnnsr: " + e.getMessage());
        } catch (ImageTooLargeException | UserException e) {
            return new Result(Outcome.BAD_INPUT, "bnnsr: " + job.input() + ": " + e.getMessage());
        } catch (OutOfMemoryError e) {
            return new Result(Outcome.FAILED, "bnnsr: " + job.input()
                    + ": out of memory (use a smaller --tile, or give Java more memory: BNNSR_JAVA_OPTS=-Xmx...)");
        } catch (RuntimeException e) {
            return new Result(Outcome.FAILED, "bnnsr: " + job.input() + ": " + Cli.oneLine(e));
        }
    }

    private void checkOptions() {
        if (threads != null && threads < 1) throw new UserException("--threads must be >= 1, got " + threads);
        if (tile != null && tile < 0) throw new UserException("--tile must be >= 0 (0 = no tiling), got " + tile);
        if (scale != null && scale < 1) throw new UserException("--scale must be >= 1, got " + scale);
        if (quality < 0 || quality > 100) throw new UserException("--quality must be 0..100, got " + quality);
        if (format != null) {
            format = format.toLowerCase(Locale.ROOT);
            if (format.equals("jpeg")) format = "jpg";
            if (format.equals("tiff")) format = "tif";
            if (!format.equals("png") && !format.equals("jpg") && !format.equals("tif"))
                throw new UserException("--format must be png, jpg or tif, not " + format);
        }
    }

    /** The model, checked against --scale; every problem is one line naming the file. */
    private InferenceNetwork loadNetwork() {
        Path file = model;
        if (file == null) {
            int s = scale == null ? 4 : scale;
            try {
                file = DefaultModel.find(s).orElseThrow(() -> new UserException("no --model given and no default model "
                        + DefaultModel.searched(s) + "; pass --model FILE"));
            } catch (IOException e) {
                throw new UserException("cannot read the bundled default model: " + e.getMessage());
            }
        }
        InferenceNetwork net = ModelFiles.load(file, arch, scale);
        if (scale != null && scale != net.scale())
            throw new UserException(file + ": is a x" + net.scale() + " model (" + net.describe() + "); it cannot upscale x"
                    + scale + " (--scale " + scale + ")");
        return net;
    }

    /** Upscales one image and writes it; returns the report line, open for the time to be added. */
    private String process(Upscaler upscaler, UpscalePlan.Job job, String fmt, Tiler.Progress tiles) {
        Path in = job.input(), target = job.output();
        if (Files.exists(target) && !force) throw new UserException("output " + target + " exists (use --force to overwrite)");
        if (Files.isDirectory(target)) throw new UserException("output " + target + " is a folder");
        Dimension size = ImageReader.size(in);
        upscaler.checkSize(size.height, size.width, 4);          // before decoding: a huge image must not fill the memory
        FloatImage img = ImageReader.read(in);
        // PNG: the network's rows go straight into the 8/16-bit image (no full-size float output held)
        boolean png = !fmt.equals("jpg") && !fmt.equals("tif");
        java.awt.image.BufferedImage bi = png ? upscaler.upscaleToImage(img, img.bitDepth(), tiles) : null;
        FloatImage sr = png ? null : upscaler.upscale(img, tiles);
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException e) {
            throw new ImageFileException(target, "cannot create its folder (" + e.getMessage() + ")", e);
        }
        String note = "";
        if (fmt.equals("jpg")) {
            ImageWriter.writeJpeg(sr, target, quality, force);
            if (sr.hasAlpha()) note = ", alpha dropped (JPEG has none)";
            if (sr.bitDepth() == 16) note += ", 16 -> 8 bits (JPEG)";
        } else if (fmt.equals("tif")) {
            ImageWriter.writeTiff(sr, target, force);
        } else {
            ImageWriter.writePng(bi, target, force);   // created exclusively: a concurrent writer cannot be replaced
        }
        int s = upscaler.scale();
        return in + " -> " + target + " (" + img.width + "x" + img.height + " -> " + img.width * s + "x" + img.height * s
                + (img.isGrey() ? " grey" : "") + (img.hasAlpha() ? " +alpha" : "") + (img.bitDepth() == 16 ? " 16-bit" : "") + note;
    }
}
