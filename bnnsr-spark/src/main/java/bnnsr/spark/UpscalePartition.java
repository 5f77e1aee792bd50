package bnnsr.spark;

import bnnsr.engine.ImageTooLargeException;
import bnnsr.engine.Upscaler;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageFileException;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

import java.awt.Dimension;
import java.io.IOException;
import java.io.Serial;
import java.util.Iterator;
import java.util.Map;

/**
 * The executors' work: each row of Spark's binaryFile source (path, length, content) becomes its output image and
 * one manifest row. Everything that can go wrong with one image (corrupt, too large, unwritable output, out of
 * memory) is caught and recorded, so one bad image never fails the task. Rows are produced lazily, one image in
 * memory at a time.
 */
final class UpscalePartition implements MapPartitionsFunction<Row, Row> {
    @Serial private static final long serialVersionUID = 1L;

    /** Test hook: a pause per image in ms (system property), so a test can kill a job half-way through. */
    static final String SLOWDOWN_PROPERTY = "bnnsr.spark.test.slowdownMs";

    private final JobSettings settings;
    private final OutputNames names;
    private final String run, modelName, modelKey;
    private final Broadcast<byte[]> model;
    private final Broadcast<HadoopConf> hadoop;
    /** Inputs that may not be written, with why (several inputs with one output name). */
    private final Map<String, String> refused;

    UpscalePartition(JobSettings settings, OutputNames names, String run, String modelName, String modelKey,
                     Broadcast<byte[]> model, Broadcast<HadoopConf> hadoop, Map<String, String> refused) {
        this.settings = settings;
        this.names = names;
        this.run = run;
        this.modelName = modelName;
        this.modelKey = modelKey;
        this.model = model;
        this.hadoop = hadoop;
        this.refused = refused;
    }

    @Override public Iterator<Row> call(Iterator<Row> rows) {
        long slowdown = Long.getLong(SLOWDOWN_PROPERTY, 0);
        return new Iterator<>() {
            @Override public boolean hasNext() { return rows.hasNext(); }

            @Override public Row next() {
                Row r = rows.next();
                Manifest.Entry e = process(r.getString(r.fieldIndex("path")), r.getLong(r.fieldIndex("length")),
                        r.getAs("content"));
                if (slowdown > 0) pause(slowdown);
                return e.toRow(run, modelName);
            }
        };
    }

    private Manifest.Entry process(String input, long length, byte[] content) {
        long t0 = System.nanoTime();
        String output = null;
        Dimension size = null;
        try {
            output = names.output(input);
            String problem = refused.get(input);
            if (problem != null) return error(input, output, length, size, t0, problem);
            Path target = new Path(output);
            FileSystem fs = OutputFiles.fileSystem(target, hadoop.value().get());
            if (!settings.overwrite() && fs.exists(target)) {
                OutputFiles.removeLeftover(fs, target);
                return new Manifest.Entry(input, output, length, null, null, null, null, null, ms(t0), Manifest.SKIPPED, null);
            }
            Upscaler up = ExecutorModels.get(modelKey, model, settings.tile());
            java.nio.file.Path name = java.nio.file.Path.of(names.relative(input));
            size = ImageReader.size(content, name);
            up.checkSize(size.height, size.width, 4);       // before decoding: a huge image must not fill the memory
            FloatImage sr = up.upscale(ImageReader.read(content, name));
            byte[] bytes = ImageWriter.encode(sr, settings.format(), settings.quality());
            OutputFiles.write(fs, target, bytes);
            return new Manifest.Entry(input, output, length, size.width, size.height, sr.width, sr.height,
                    (long) bytes.length, ms(t0), Manifest.OK, null);
        } catch (ImageFileException e) {
            return error(input, output, length, size, t0, e.reason());
        } catch (ImageTooLargeException e) {
            return error(input, output, length, size, t0, e.getMessage());
        } catch (OutOfMemoryError e) {
            return error(input, output, length, size, t0, "out of memory (use a smaller --tile, or give executors more memory)");
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage();
            return error(input, output, length, size, t0, (e.getClass().getSimpleName() + (m == null ? "" : ": " + m)).replace('\n', ' '));
        }
    }

    private static Manifest.Entry error(String input, String output, long length, Dimension size, long t0, String why) {
        return new Manifest.Entry(input, output, length, size == null ? null : size.width, size == null ? null : size.height,
                null, null, null, ms(t0), Manifest.ERROR, why);
    }

    private static long ms(long t0) { return (System.nanoTime() - t0) / 1_000_000; }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
