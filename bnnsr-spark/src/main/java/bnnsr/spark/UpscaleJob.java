package bnnsr.spark;

import bnnsr.engine.DefaultModel;
import bnnsr.engine.InferenceNetwork;
import bnnsr.engine.Networks;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

/**
 * The driver's side of the job: checks the command, loads the model once to check it and broadcasts its bytes,
 * lists the images with Spark's binaryFile source, and runs {@link UpscalePartition} over them, which writes the
 * outputs; the manifest rows it returns are appended to the manifest table (that write is the action that runs
 * the job). Problems with the command (missing input, bad model) are {@link JobException}s with one line.
 */
public final class UpscaleJob {
    /** The images taken: name ends, any case (Hadoop glob); Spark's listing also skips names starting with _ or . */
    static final String IMAGE_GLOB = "*.{" + String.join(",", caseless("png"), caseless("bmp"), caseless("jpg"), caseless("jpeg")) + "}";

    /** What a run did: counts by status, the wall time, the first errors (input: why). */
    public record Summary(String run, long ok, long skipped, long errors, double seconds, String manifest,
                          Map<String, String> firstErrors) {}

    /** A problem with the command itself: its message is one line for the user. */
    public static final class JobException extends RuntimeException {
        public JobException(String message) { super(message); }
    }

    private UpscaleJob() {}

    /** The checked command: qualified paths, how outputs are named, the model. */
    record Plan(JobSettings settings, Path in, Path out, Path manifest, OutputNames names, Model model) {}

    /** Checks the command and loads the model, before any Spark job: each problem is a {@link JobException}. */
    static Plan prepare(JobSettings s, Configuration conf) throws IOException {
        Path in = qualify(s.input(), conf), out = qualify(s.output(), conf), manifest = qualify(s.manifest(), conf);
        FileSystem inFs = in.getFileSystem(conf);
        FileStatus inStatus;
        try {
            inStatus = inFs.getFileStatus(in);
        } catch (FileNotFoundException e) {
            throw new JobException(s.input() + ": no such file or folder");
        }
        if (inStatus.isFile() && !OutputNames.isImageName(in.getName()))
            throw new JobException(s.input() + ": not an image file (PNG, BMP or JPEG by name)");
        if (in.equals(out)) throw new JobException("the output folder is the input folder: outputs would replace inputs");
        FileSystem outFs = out.getFileSystem(conf);
        if (outFs.exists(out) && !outFs.getFileStatus(out).isDirectory())
            throw new JobException(s.output() + ": exists and is not a folder");

        return new Plan(s, in, out, manifest, new OutputNames(in.toString(), inStatus.isFile(), out.toString(), s.format()),
                loadModel(s, conf));
    }

    public static Summary run(SparkSession spark, JobSettings s) throws IOException {
        return run(spark, prepare(s, spark.sparkContext().hadoopConfiguration()));
    }

    static Summary run(SparkSession spark, Plan p) throws IOException {
        long t0 = System.nanoTime();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JobSettings s = p.settings();
        Path in = p.in(), manifest = p.manifest();
        OutputNames names = p.names();
        Model m = p.model();
        Listing listing = list(spark, in, names);
        if (listing.images() == 0) throw new JobException(s.input() + ": no images (*.png, *.bmp, *.jpg, *.jpeg) there");

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> modelBytes = jsc.broadcast(m.bytes());
        Broadcast<HadoopConf> hadoop = jsc.broadcast(new HadoopConf(conf));
        String run = Instant.now().toString();
        int partitions = s.partitions() > 0 ? s.partitions() : 2 * spark.sparkContext().defaultParallelism();
        String before = spark.conf().get("spark.sql.files.minPartitionNum", null);
        // Split the listing into about `partitions` tasks without a shuffle of the images' bytes: small files count
        // as spark.sql.files.openCostInBytes (4 MB) each, so this bounds the files per task.
        spark.conf().set("spark.sql.files.minPartitionNum", partitions);
        try {
            Dataset<Row> rows = images(spark, in, names).select("path", "length", "content")
                    .mapPartitions(new UpscalePartition(s, names, run, m.name(), m.sha256(), modelBytes, hadoop,
                            listing.refused()), Encoders.row(Manifest.SCHEMA));
            rows.write().mode(SaveMode.Append).parquet(manifest.toString());
        } finally {
            if (before == null) spark.conf().unset("spark.sql.files.minPartitionNum");
            else spark.conf().set("spark.sql.files.minPartitionNum", before);
            modelBytes.destroy();
            hadoop.destroy();
        }
        Dataset<Row> thisRun = spark.read().parquet(manifest.toString()).filter(col("run").equalTo(run));
        Map<String, Long> counts = new HashMap<>();
        for (Row r : thisRun.groupBy("status").count().collectAsList()) counts.put(r.getString(0), r.getLong(1));
        Map<String, String> errors = new LinkedHashMap<>();
        for (Row r : thisRun.filter(col("status").equalTo(Manifest.ERROR)).orderBy("input").select("input", "error")
                .limit(10).collectAsList())
            errors.put(r.getString(0), r.getString(1));
        return new Summary(run, counts.getOrDefault(Manifest.OK, 0L), counts.getOrDefault(Manifest.SKIPPED, 0L),
                counts.getOrDefault(Manifest.ERROR, 0L), (System.nanoTime() - t0) / 1e9, manifest.toString(), errors);
    }

    /** The model's bytes (broadcast), its manifest name (file name @ hash prefix) and SHA-256 (the executors' key). */
    record Model(byte[] bytes, String name, String sha256) {}

    private static Model loadModel(JobSettings s, Configuration conf) throws IOException {
        byte[] bytes;
        String name;
        if (s.model() == null) {
            int scale = s.scale() == null ? 4 : s.scale();
            java.nio.file.Path f = DefaultModel.find(scale).orElseThrow(() -> new JobException("no --model given and no default model "
                    + DefaultModel.searched(scale) + "; pass --model FILE"));
            bytes = Files.readAllBytes(f);
            name = DefaultModel.fileName(scale);
        } else {
            Path p = qualify(s.model(), conf);
            FileSystem fs = p.getFileSystem(conf);
            if (!fs.exists(p)) throw new JobException(s.model() + ": no such model file");
            if (!fs.getFileStatus(p).isFile()) throw new JobException(s.model() + ": not a file");
            try (InputStream is = fs.open(p)) {
                bytes = is.readAllBytes();
            }
            name = p.getName();
        }
        // load it here once: a bad model file or scale is the command's error, not every task's
        java.nio.file.Path tmp = Files.createTempFile("bnnsr-model-", ".safetensors");
        InferenceNetwork net;
        try {
            Files.write(tmp, bytes);
            net = Networks.load(tmp, null);
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new JobException(name + ": " + m.replace(tmp.toString() + ": ", "").replace(tmp.toString(), name));
        } catch (NoClassDefFoundError e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("jdk/incubator/vector")) throw e;
            throw new JobException("the engine needs the Vector API: run the driver and the executors with"
                    + " --add-modules=jdk.incubator.vector (spark.driver/executor.extraJavaOptions)");
        } finally {
            Files.deleteIfExists(tmp);
        }
        if (s.scale() != null && s.scale() != net.scale())
            throw new JobException(name + ": is a x" + net.scale() + " model (" + net.describe() + "); it cannot upscale x" + s.scale());
        String sha = sha256(bytes);
        return new Model(bytes, name + "@" + sha.substring(0, 12), sha);
    }

    /** The images under {@code in} (or {@code in} itself), outputs excluded, as Spark's binaryFile rows. */
    private static Dataset<Row> images(SparkSession spark, Path in, OutputNames names) {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .option("pathGlobFilter", IMAGE_GLOB).load(in.toString());
        return files.filter(col("path").startsWith(names.outputRoot() + "/").unary_$bang());
    }

    /** The listing's outcome: how many images, and the inputs refused because another input has their output name. */
    record Listing(long images, Map<String, String> refused) {}

    /**
     * Counts the images and finds inputs whose output name another input already has ({@code a.jpg} and
     * {@code a.png} both to {@code a.png}): in name order the first one is upscaled, the others are refused, as
     * {@code bnnsr upscale} does. Reads the listing only (no image bytes).
     */
    private static Listing list(SparkSession spark, Path in, OutputNames names) {
        UserDefinedFunction output = udf((UDF1<String, String>) names::output, DataTypes.StringType);
        Dataset<Row> outputs = images(spark, in, names).select(col("path"), output.apply(col("path")).as("output"));
        // one job: the names shared by several inputs, and the number of images
        Row r = outputs.groupBy("output").agg(count("path").as("n"), sort_array(collect_list("path")).as("paths"))
                .agg(sum("n"), collect_list(when(col("n").gt(1), struct(col("output"), col("paths"))))).first();
        long n = r.isNullAt(0) ? 0 : r.getLong(0);
        Map<String, String> refused = new HashMap<>();
        for (Row g : r.<Row>getList(1)) {
            List<String> paths = g.getList(1);
            for (int i = 1; i < paths.size(); i++)
                refused.put(paths.get(i), "output " + g.getString(0) + " is also the output of " + paths.get(0)
                        + " (same name, other extension)");
        }
        return new Listing(n, refused);
    }

    private static Path qualify(String p, Configuration conf) throws IOException {
        Path path = new Path(p);
        return path.getFileSystem(conf).makeQualified(path);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String caseless(String ext) {
        StringBuilder sb = new StringBuilder();
        for (char c : ext.toCharArray()) sb.append('[').append(c).append(Character.toUpperCase(c)).append(']');
        return sb.toString();
    }
}
