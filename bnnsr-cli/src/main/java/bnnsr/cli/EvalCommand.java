package bnnsr.cli;

import bnnsr.eval.BicubicResolver;
import bnnsr.engine.NetworkResolver;
import bnnsr.eval.EvalInputException;
import bnnsr.eval.Evaluator;
import bnnsr.eval.ResultJson;
import bnnsr.eval.ResultTable;
import bnnsr.eval.SetResult;
import bnnsr.eval.SuperResolver;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code bnnsr eval}: PSNR / SSIM of a method on folders of HR images by the SR papers' protocol. Unreadable
 * images, and images too small for a scale, are skipped with a warning and the image counts show it; {@code --strict}
 * turns any such file into an error instead.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure PSNR / SSIM on Y by the SR papers' protocol (modcrop, LR by bicubic",
                "downscaling, shave = scale) on folders of HR images, one set per folder.",
                "Unreadable images and images too small for a scale are skipped with a",
                "warning (see --strict)."})
public final class EvalCommand implements Callable<Integer> {
    /** Below this many images a set finishes too fast for a progress bar to help. */
    static final int PROGRESS_MIN_IMAGES = 20;

    @Option(names = "--method", defaultValue = BicubicResolver.NAME, paramLabel = "NAME",
            description = "What to evaluate: bicubic (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--scale", split = ",", defaultValue = "2,3,4", paramLabel = "S",
            description = "Scale factors, comma separated (default: ${DEFAULT-VALUE}).")
    int[] scales;

    @Option(names = "--data", split = ",", required = true, paramLabel = "DIR",
            description = "Folders of HR images (*.png, *.bmp, *.jpg), comma separated; each is one set named after the folder.")
    List<Path> data;

    @Option(names = "--model", paramLabel = "FILE",
            description = "Evaluate a trained model (bnnsr model/checkpoint, or a plain state dict with --arch) instead of --method.")
    Path model;

    @Option(names = "--arch", paramLabel = "NAME",
            description = "Architecture of a plain state dict without bnnsr metadata (with a single --scale).")
    String arch;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--per-image", description = "Also print (and put in the JSON) every image's PSNR / SSIM.")
    boolean perImage;

    @Option(names = "--strict", description = "Fail on an unreadable or too small image instead of skipping it.")
    boolean strict;

    @Option(names = "--progress", negatable = true,
            description = "Show a progress bar on stderr (default: for sets of " + PROGRESS_MIN_IMAGES + "+ images on a terminal).")
    Boolean progress;

    @Spec CommandSpec spec;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        for (int s : scales)
            if (s < 2 || s > 16) throw new UserException("--scale: " + s + " is not a scale factor from 2 to 16");
        SuperResolver resolver = resolver();
        // Check every folder before measuring anything: a typo in the last folder should not cost the first ones.
        List<List<Path>> files = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path dir : data) {
            if (!names.add(Evaluator.setName(dir)))
                throw new UserException(dir + ": a second data folder named " + Evaluator.setName(dir) + " (set names must differ)");
            files.add(listImages(dir));
        }
        Evaluator evaluator = new Evaluator(resolver, scales, strict);
        List<SetResult> results = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < data.size(); i++) {
            Evaluator.FolderReport report;
            try (ProgressBar bar = progressBar(Evaluator.setName(data.get(i)), files.get(i).size())) {
                report = evaluator.evaluateFiles(Evaluator.setName(data.get(i)), files.get(i),
                        bar == null ? null : f -> bar.step());
            } catch (EvalInputException e) {
                throw new UserException(e.getMessage());
            }
            for (Evaluator.Skip s : report.skipped()) err.println("bnnsr: warning: skipped " + s.message());
            skipped += report.skipped().size();
            results.addAll(report.results());
        }
        if (perImage) out.println(ResultTable.perImage(results));
        out.print(ResultTable.grid(results));
        if (skipped > 0) out.println("Skipped: " + skipped + " file" + (skipped == 1 ? "" : "s") + " (warnings on stderr).");
        out.flush();
        if (json != null) {
            try {
                ResultJson.write(json, results, perImage);
            } catch (IOException e) {
                throw new UserException(json + ": cannot write the JSON (" + e.getMessage() + ")", Cli.EXIT_FAILURE);
            }
        }
        return 0;
    }

    /**
     * What is being measured. This is where a trained model plugs in: a {@code --model FILE} option will load the
     * network and return a SuperResolver wrapping it (its name() the model file's name).
     */
    SuperResolver resolver() {
        if (model != null) return modelResolver();
        if (BicubicResolver.NAME.equals(method)) return new BicubicResolver();
        throw new UserException("--method: unknown method '" + method + "' (known: " + BicubicResolver.NAME + ")");
    }

    /** A model is trained for one scale: it is the default, and the only one allowed. */
    private SuperResolver modelResolver() {
        boolean scaleGiven = spec.commandLine().getParseResult().hasMatchedOption("--scale");
        if (arch != null && (!scaleGiven || scales.length != 1))
            throw new UserException("--arch needs exactly one --scale (the state dict's upscaling factor)");
        NetworkResolver r = new NetworkResolver(ModelFiles.load(model, arch, arch == null ? null : scales[0]),
                model.getFileName().toString());
        int s = r.scale();
        if (!scaleGiven) scales = new int[] {s};
        for (int x : scales)
            if (x != s) throw new UserException("--scale " + x + ": " + model + " is a x" + s + " model");
        return r;
    }

    private static List<Path> listImages(Path dir) {
        try {
            return Evaluator.listImages(dir);
        } catch (EvalInputException e) {
            throw new UserException(e.getMessage());
        }
    }

    private ProgressBar progressBar(String set, int images) {
        boolean show = progress != null ? progress
                : images >= PROGRESS_MIN_IMAGES && System.console() != null && System.console().isTerminal();
        if (!show) return null;
        return new ProgressBarBuilder().setTaskName(set).setInitialMax(images).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(250).build();
    }
}
