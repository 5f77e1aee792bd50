package bnnsr.cli;

import bnnsr.engine.NetworkResolver;
import bnnsr.eval.EvalInputException;
import bnnsr.io.AtomicFiles;
import bnnsr.report.Report;
import bnnsr.report.RunLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bnnsr report}: one self-contained HTML file with a model's results against bicubic and training curves. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a self-contained HTML report: a model against bicubic on folders of HR images",
                "(results table, per-image rows, crops where it gains and loses most) and training",
                "runs' curves (loss and validation PSNR vs iteration and CPU time) as charts."})
public final class ReportCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", description = "A bnnsr model, checkpoint or packed model to compare with bicubic.")
    Path model;

    @Option(names = "--data", split = ",", paramLabel = "DIR", description = "Folders of HR images, comma separated (with --model).")
    List<Path> data = new ArrayList<>();

    @Option(names = "--scale", paramLabel = "S", description = "Scale (default: the model's).")
    Integer scale;

    @Option(names = "--run", paramLabel = "DIR", description = "A training run folder (its log.csv) to chart; repeatable.")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--crops", defaultValue = "2", paramLabel = "N",
            description = "Crops of the N images with the largest and the N with the smallest gains (default: ${DEFAULT-VALUE}).")
    int crops;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The HTML file to write.")
    Path out;

    @Option(names = "--force", description = "Overwrite an existing output file.")
    boolean force;

    @Spec CommandSpec spec;

    @Override public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (model == null && runs.isEmpty()) throw new UserException("nothing to report: give --model with --data, and/or --run DIR");
        if (model != null && data.isEmpty()) throw new UserException("--model needs --data DIR[,DIR...] (the HR images to compare on)");
        if (model == null && !data.isEmpty()) throw new UserException("--data needs --model (the model to compare with bicubic)");
        if (crops < 0) throw new UserException("--crops must be >= 0, got " + crops);
        if (Files.exists(out) && !force) throw new UserException(out + ": exists (use --force to overwrite)");
        if (Files.isDirectory(out)) throw new UserException(out + ": is a folder");
        Report report = new Report();
        for (Path r : runs) {
            try {
                report.addRun(RunLog.read(r));
            } catch (IOException e) {
                throw new UserException(e.getMessage());
            }
        }
        if (model != null) {
            NetworkResolver net = new NetworkResolver(ModelFiles.load(model, null, null), model.getFileName().toString());
            if (scale != null && scale != net.scale())
                throw new UserException("--scale " + scale + ": " + model + " is a x" + net.scale() + " model");
            try {
                report.compare(net, model.getFileName().toString(), net.scale(), data, null);
            } catch (EvalInputException e) {
                throw new UserException(e.getMessage());
            }
            for (String w : report.warnings()) err.println("bnnsr: warning: " + w);
        }
        String html = report.html(crops);
        try {
            AtomicFiles.writeString(out, html);
        } catch (IOException e) {
            throw new UserException(out + ": cannot write (" + e.getMessage() + ")", Cli.EXIT_FAILURE);
        }
        spec.commandLine().getOut().println("wrote " + out + " (" + html.length() / 1024 + " KB)");
        return 0;
    }
}
