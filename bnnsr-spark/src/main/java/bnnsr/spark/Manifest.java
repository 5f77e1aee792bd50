package bnnsr.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The manifest table: one row per input image and run. Every run appends its rows (column {@code run} tells runs
 * apart), so the table keeps the history: an image done in an earlier run is {@code skipped} in later ones.
 */
final class Manifest {
    private Manifest() {}

    static final String OK = "ok", SKIPPED = "skipped", ERROR = "error";

    static final StructType SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("run", DataTypes.StringType, false),
            DataTypes.createStructField("input", DataTypes.StringType, false),
            DataTypes.createStructField("output", DataTypes.StringType, true),
            DataTypes.createStructField("input_bytes", DataTypes.LongType, false),
            DataTypes.createStructField("width", DataTypes.IntegerType, true),
            DataTypes.createStructField("height", DataTypes.IntegerType, true),
            DataTypes.createStructField("output_width", DataTypes.IntegerType, true),
            DataTypes.createStructField("output_height", DataTypes.IntegerType, true),
            DataTypes.createStructField("output_bytes", DataTypes.LongType, true),
            DataTypes.createStructField("model", DataTypes.StringType, false),
            DataTypes.createStructField("ms", DataTypes.LongType, false),
            DataTypes.createStructField("status", DataTypes.StringType, false),
            DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    /** What one image came to; null fields are unknown (e.g. the sizes of a skipped or unreadable image). */
    record Entry(String input, String output, long inputBytes, Integer width, Integer height, Integer outputWidth,
                 Integer outputHeight, Long outputBytes, long ms, String status, String error) {
        Row toRow(String run, String model) {
            return RowFactory.create(run, input, output, inputBytes, width, height, outputWidth, outputHeight, outputBytes,
                    model, ms, status, error);
        }
    }
}
