package bnnsr.spark;

import java.io.Serializable;

/**
 * What one run of the job does; travels to the executors with each task.
 *
 * @param input      folder (or one image file) whose images are upscaled, recursively; any Hadoop file system URI
 * @param output     folder the upscaled images go to, under their names relative to {@code input}
 * @param manifest   folder of the manifest table (Parquet, appended to by every run)
 * @param model      model file (local path or URI), or null for the bundled default model of {@code scale}
 * @param scale      the upscaling factor asked for (null: the model's; 4 for the default model)
 * @param format     "png" or "jpg"
 * @param quality    JPEG quality 0..100
 * @param tile       tile side in LR pixels ({@code Upscaler.AUTO_TILE}, or 0 for whole images)
 * @param partitions the number of input partitions aimed at (0: Spark's default parallelism times 2)
 * @param overwrite  replace existing outputs instead of skipping their images
 */
public record JobSettings(String input, String output, String manifest, String model, Integer scale, String format,
                          int quality, int tile, int partitions, boolean overwrite) implements Serializable {
    public JobSettings {
        if (!format.equals("png") && !format.equals("jpg")) throw new IllegalArgumentException("format must be png or jpg, not " + format);
        if (quality < 0 || quality > 100) throw new IllegalArgumentException("quality must be 0..100, got " + quality);
        if (partitions < 0) throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }

    /** The default manifest folder: {@code manifest} under the output (its Parquet files are never taken as images). */
    public static String defaultManifest(String output) {
        return output.replaceAll("/+$", "") + "/manifest";
    }
}
