package bnnsr.report;

import bnnsr.eval.EvalInputException;
import bnnsr.eval.Evaluator;
import bnnsr.eval.ImageScore;
import bnnsr.eval.ImageTooSmallException;
import bnnsr.eval.Protocol;
import bnnsr.eval.SetResult;
import bnnsr.eval.SuperResolver;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageFileException;
import bnnsr.image.ImageReader;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static bnnsr.report.Html.esc;
import static bnnsr.report.Html.f;

/**
 * A self-contained HTML report: a model against bicubic on folders of HR images (results table, per-image rows,
 * HR / bicubic / model crops of the images where the model gains and loses most), and training runs' curves (loss
 * and validation PSNR against iterations and CPU time) as PNG charts. Images and charts are embedded as data URIs.
 */
public final class Report {
    /** Crop side in HR pixels. */
    static final int CROP = 64;

    private final List<ImageComparison> rows = new ArrayList<>();
    private final Map<String, List<Path>> sets = new LinkedHashMap<>();
    private final List<RunLog> runs = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private SuperResolver model;
    private String modelName;
    private int scale;

    /** Measures {@code model} and bicubic on each folder at {@code scale}; unreadable or too small images are skipped. */
    public Report compare(SuperResolver model, String modelName, int scale, List<Path> folders, Consumer<String> progress) {
        this.model = model;
        this.modelName = modelName;
        this.scale = scale;
        for (Path dir : folders) {
            List<Path> files = Evaluator.listImages(dir);
            String set = Evaluator.setName(dir);
            if (sets.put(set, files) != null) throw new EvalInputException(dir + ": a second data folder named " + set);
            for (Path f : files) {
                Protocol.Sample s = sample(f);
                if (s == null) continue;
                rows.add(ImageComparison.measure(set, s, model));
                if (progress != null) progress.accept(set + "/" + f.getFileName());
            }
        }
        if (rows.isEmpty()) throw new EvalInputException("no image could be measured in " + folders);
        return this;
    }

    public Report addRun(RunLog run) {
        runs.add(run);
        return this;
    }

    public List<String> warnings() { return List.copyOf(warnings); }

    private Protocol.Sample sample(Path f) {
        try {
            FloatImage hr = ImageReader.read(f);
            return Protocol.prepare(f.getFileName().toString(), hr, scale);
        } catch (ImageFileException | ImageTooSmallException e) {
            warnings.add(f + ": skipped (" + e.getMessage() + ")");
            return null;
        }
    }

    /** The HTML page; {@code crops} images with the largest and as many with the smallest gains get crops. */
    public String html(int crops) throws IOException {
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>bnnsr report</title><style>")
                .append(Html.STYLE).append("</style></head><body>\n<h1>bnnsr report</h1>\n<p class=\"note\">Made ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(java.time.ZoneOffset.UTC)))
                .append(" by <code>bnnsr report</code>. PSNR (dB) / SSIM on Y, borders shaved by the scale (the SR papers' protocol).</p>\n");
        if (model != null) {
            results(b);
            crops(b, crops);
            perImage(b);
        }
        if (!runs.isEmpty()) curves(b);
        if (!warnings.isEmpty()) {
            b.append("<h2>Skipped files</h2><ul>");
            for (String w : warnings) b.append("<li>").append(esc(w)).append("</li>");
            b.append("</ul>");
        }
        return b.append("</body></html>\n").toString();
    }

    private void results(StringBuilder b) {
        b.append("<h2>Results: ").append(esc(modelName)).append(" x").append(scale).append("</h2>\n<table id=\"results\"><tr>")
                .append("<th class=\"name\">set</th><th>images</th><th>bicubic</th><th>").append(esc(modelName))
                .append("</th><th>gain (dB)</th></tr>\n");
        for (String set : sets.keySet()) {
            List<ImageComparison> in = rows.stream().filter(r -> r.set().equals(set)).toList();
            if (in.isEmpty()) continue;
            SetResult bic = SetResult.of(set, scale, "bicubic", in.stream().map(ImageComparison::bicubic).toList());
            SetResult mod = SetResult.of(set, scale, modelName, in.stream().map(ImageComparison::model).toList());
            double gain = mod.psnr() - bic.psnr();
            b.append("<tr><td class=\"name\">").append(esc(set)).append("</td><td>").append(in.size()).append("</td><td>")
                    .append(cell(bic)).append("</td><td>").append(cell(mod)).append("</td><td class=\"")
                    .append(gain >= 0 ? "up" : "down").append("\">").append(String.format(java.util.Locale.ROOT, "%+.2f", gain))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static String cell(SetResult r) { return f(r.psnr(), 2) + " / " + f(r.ssim(), 4); }

    private static String cell(ImageScore s) { return f(s.psnr(), 2) + " / " + f(s.ssim(), 4); }

    private void crops(StringBuilder b, int n) throws IOException {
        if (n <= 0) return;
        List<ImageComparison> byGain = rows.stream().sorted(Comparator.comparingDouble(ImageComparison::gain).reversed()).toList();
        int k = Math.min(n, (byGain.size() + 1) / 2);
        b.append("<h2>Where the model gains and loses most</h2>\n<p class=\"note\">").append(CROP).append(" x ").append(CROP)
                .append(" HR-pixel crops, shown 3x: for the images with the largest gains, the window where the model beats bicubic most;")
                .append(" for the smallest, where it does worst.</p>\n");
        for (int i = 0; i < k; i++) crop(b, byGain.get(i), true);
        for (int i = 0; i < Math.min(k, byGain.size() - k); i++) crop(b, byGain.get(byGain.size() - 1 - i), false);
    }

    private void crop(StringBuilder b, ImageComparison r, boolean best) {
        Path file = sets.get(r.set()).stream().filter(p -> p.getFileName().toString().equals(r.image())).findFirst().orElseThrow();
        Protocol.Sample s = sample(file);
        ImageComparison.Crops c = ImageComparison.crops(s, model, CROP, best);
        b.append("<h3>").append(esc(r.set() + " / " + r.image())).append(": ")
                .append(String.format(java.util.Locale.ROOT, "%+.2f dB", r.gain())).append(best ? " (a large gain)" : " (a small gain)")
                .append(", crop at ").append(c.x()).append(",").append(c.y()).append("</h3>\n<div class=\"crops\">");
        b.append("<figure>").append(Html.img(c.hr(), "crop", "HR")).append("<figcaption>HR</figcaption></figure>");
        b.append("<figure>").append(Html.img(c.bicubic(), "crop", "bicubic")).append("<figcaption>bicubic ")
                .append(f(r.bicubic().psnr(), 2)).append(" dB</figcaption></figure>");
        b.append("<figure>").append(Html.img(c.model(), "crop", modelName)).append("<figcaption>").append(esc(modelName)).append(" ")
                .append(f(r.model().psnr(), 2)).append(" dB</figcaption></figure></div>\n");
    }

    private void perImage(StringBuilder b) {
        b.append("<h2>Per image</h2>\n<table id=\"images\"><tr><th class=\"name\">set</th><th class=\"name\">image</th>")
                .append("<th>bicubic</th><th>").append(esc(modelName)).append("</th><th>gain (dB)</th></tr>\n");
        for (ImageComparison r : rows)
            b.append("<tr><td class=\"name\">").append(esc(r.set())).append("</td><td class=\"name\">").append(esc(r.image()))
                    .append("</td><td>").append(cell(r.bicubic())).append("</td><td>").append(cell(r.model())).append("</td><td class=\"")
                    .append(r.gain() >= 0 ? "up" : "down").append("\">").append(String.format(java.util.Locale.ROOT, "%+.2f", r.gain()))
                    .append("</td></tr>\n");
        b.append("</table>\n");
    }

    private void curves(StringBuilder b) throws IOException {
        b.append("<h2>Training curves</h2>\n<p class=\"note\">Runs: ");
        b.append(String.join(", ", runs.stream().map(r -> esc(r.name()) + " (" + r.iteration().length + " rows)").toList())).append(".");
        boolean cpu = runs.stream().anyMatch(RunLog::hasCpuTime);
        if (!cpu) b.append(" No CPU time in these logs (log.csv without a cpu_s column, written before it was added): curves against iterations only.");
        b.append("</p>\n<div class=\"charts\">");
        chart(b, "Training loss", "iteration", "loss", r -> RunLog.pairs(r.iterationsAsDouble(), r.loss()), true);
        chart(b, "Validation PSNR", "iteration", "PSNR (dB)", r -> RunLog.pairs(r.iterationsAsDouble(), r.valPsnr()), false);
        if (cpu) {
            chart(b, "Training loss vs CPU time", "CPU hours", "loss", r -> RunLog.pairs(hours(r.cpuSeconds()), r.loss()), true);
            chart(b, "Validation PSNR vs CPU time", "CPU hours", "PSNR (dB)", r -> RunLog.pairs(hours(r.cpuSeconds()), r.valPsnr()), false);
        }
        b.append("</div>\n");
    }

    private static double[] hours(double[] seconds) {
        double[] h = new double[seconds.length];
        for (int i = 0; i < h.length; i++) h[i] = seconds[i] / 3600;
        return h;
    }

    private void chart(StringBuilder b, String title, String x, String y, java.util.function.Function<RunLog, double[][]> data,
                       boolean logY) throws IOException {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (RunLog r : runs) series.put(r.name(), data.apply(r));
        if (series.values().stream().allMatch(xy -> xy[0].length == 0)) return;
        boolean positive = series.values().stream().allMatch(xy -> java.util.Arrays.stream(xy[1]).allMatch(v -> v > 0));
        b.append("<img class=\"chart\" alt=\"").append(esc(title)).append("\" width=\"").append(Charts.WIDTH).append("\" height=\"")
                .append(Charts.HEIGHT).append("\" src=\"").append(Html.dataUri(Charts.png(title, x, y, series, logY && positive)))
                .append("\">");
    }
}
