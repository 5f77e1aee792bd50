package bnnsr.spark;

import bnnsr.engine.Upscaler;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import scala.Tuple2;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code bnnsr spark}: upscales every image under a folder through Apache Spark. The main class of the job jar
 * (for spark-submit, which sets the master) and of {@code ./bnnsr spark} (an embedded local Spark by default).
 * Exit codes as {@code bnnsr}'s: 2 for a bad command (one line), 1 when the job itself failed; images that fail
 * are recorded in the manifest and do not fail the job.
 */
@Command(name = "bnnsr spark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Upscale every image (PNG, BMP, JPEG) under IN into OUT on Apache Spark, keeping relative names.",
                "Images whose output exists are skipped (re-runs finish what is left); each image's",
                "outcome is appended to a Parquet manifest."})
public final class SparkUpscale implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Input folder (recursed) or image file; any Hadoop file system path or URI.")
    String input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output folder.")
    String output;

    @Option(names = "--manifest", paramLabel = "DIR", description = "Manifest table folder (Parquet; default: OUT/manifest).")
    String manifest;

    @Option(names = "--model", paramLabel = "FILE", description = "Model file (bnnsr model or packed model). Default: the bundled default_x<S>.")
    String model;

    @Option(names = "--scale", paramLabel = "S", description = "Upscaling factor; must be the model's (default: the model's).")
    Integer scale;

    @Option(names = "--format", defaultValue = "png", paramLabel = "png|jpg", description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--quality", defaultValue = "95", paramLabel = "Q", description = "JPEG quality 0..100 (default: ${DEFAULT-VALUE}).")
    int quality;

    @Option(names = "--tile", paramLabel = "N", description = "Tile side in input pixels (bounds executor memory; results do not depend on it); 0 = whole image. Default: from the model's memory needs.")
    Integer tile;

    @Option(names = "--partitions", paramLabel = "N", description = "Tasks to split the images into (default: 2 x Spark's default parallelism).")
    Integer partitions;

    @Option(names = "--overwrite", description = "Upscale images whose output exists too, replacing it.")
    boolean overwrite;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    static final int EXIT_USAGE = 2, EXIT_FAILURE = 1;

    @Override public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        JobSettings settings = settings();
        SparkConf conf = new SparkConf().setAppName("bnnsr-spark");
        boolean local = master != null || !conf.contains("spark.master");
        if (master != null) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        if (local && !conf.contains("spark.ui.enabled")) conf.set("spark.ui.enabled", "false");
        // the listing's small aggregation needs no 200 shuffle partitions on one machine
        if (local && !conf.contains("spark.sql.shuffle.partitions")) conf.set("spark.sql.shuffle.partitions", "4");
        // the command's own problems first, without waiting for Spark to start
        Configuration hadoop = new Configuration();
        for (Tuple2<String, String> kv : conf.getAllWithPrefix("spark.hadoop.")) hadoop.set(kv._1(), kv._2());
        UpscaleJob.Plan plan = UpscaleJob.prepare(settings, hadoop);
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            UpscaleJob.Summary s = UpscaleJob.run(spark, plan);
            err.printf(Locale.ROOT, "spark: %d upscaled, %d skipped (output exists), %d failed, %.1f s; manifest %s (run %s)%n",
                    s.ok(), s.skipped(), s.errors(), s.seconds(), s.manifest(), s.run());
            for (Map.Entry<String, String> e : s.firstErrors().entrySet()) err.println("bnnsr: " + e.getKey() + ": " + e.getValue());
            if (s.errors() > s.firstErrors().size())
                err.println("bnnsr: ... " + (s.errors() - s.firstErrors().size()) + " more failed (status = 'error' in the manifest)");
            return 0;
        } finally {
            spark.stop();
        }
    }

    private JobSettings settings() {
        if (tile != null && tile < 0) throw new UpscaleJob.JobException("--tile must be >= 0 (0 = no tiling), got " + tile);
        if (scale != null && scale < 1) throw new UpscaleJob.JobException("--scale must be >= 1, got " + scale);
        if (partitions != null && partitions < 1) throw new UpscaleJob.JobException("--partitions must be >= 1, got " + partitions);
        if (quality < 0 || quality > 100) throw new UpscaleJob.JobException("--quality must be 0..100, got " + quality);
        String fmt = format.toLowerCase(Locale.ROOT).equals("jpeg") ? "jpg" : format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("png") && !fmt.equals("jpg")) throw new UpscaleJob.JobException("--format must be png or jpg, not " + format);
        return new JobSettings(input, output, manifest != null ? manifest : JobSettings.defaultManifest(output), model, scale,
                fmt, quality, tile == null ? Upscaler.AUTO_TILE : tile, partitions == null ? 0 : partitions, overwrite);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SparkUpscale());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof UpscaleJob.JobException) {
                err.println("bnnsr: " + ex.getMessage());
                return EXIT_USAGE;
            }
            if (System.getenv("BNNSR_DEBUG") != null) ex.printStackTrace(err);
            String m = ex.getMessage();
            err.println("bnnsr: spark job failed: " + (ex.getClass().getSimpleName() + (m == null ? "" : ": " + m)).lines().findFirst().orElse(""));
            return EXIT_FAILURE;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
