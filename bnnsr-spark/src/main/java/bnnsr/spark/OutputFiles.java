package bnnsr.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * Writes output images on any Hadoop file system so that a reader, a re-run or a killed job never sees half a file:
 * the bytes go to a hidden temporary file beside the target, which is then renamed over it. The temporary name is
 * fixed per target ({@code .NAME.bnnsr-tmp}): a job killed while writing leaves at most one per image, and the
 * re-run that upscales the image writes and renames that same file, so nothing is left over. (Two attempts of one
 * image at once, with speculative execution, write the same bytes: outputs depend only on the input and model.)
 */
final class OutputFiles {
    static final String TMP_SUFFIX = ".bnnsr-tmp";

    private OutputFiles() {}

    /** The file system of {@code p}; the local one without Hadoop's checksum files ({@code .NAME.crc}). */
    static FileSystem fileSystem(Path p, Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    static Path temporary(Path target) { return new Path(target.getParent(), "." + target.getName() + TMP_SUFFIX); }

    /** Writes {@code bytes} to {@code target}, replacing an existing file. */
    static void write(FileSystem fs, Path target, byte[] bytes) throws IOException {
        Path tmp = temporary(target);
        boolean moved = false;
        try {
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                out.write(bytes);
                out.hsync();            // on disk before it replaces anything: a crash leaves one file or the other
            }
            moved = fs.rename(tmp, target);
            if (!moved && fs.exists(target)) {
                // file systems whose rename does not replace (HDFS): remove the old output first
                fs.delete(target, false);
                moved = fs.rename(tmp, target);
            }
            if (!moved) throw new IOException("cannot rename " + tmp + " to " + target);
        } finally {
            if (!moved) fs.delete(tmp, false);
        }
    }

    /** Removes the temporary file a killed run may have left for {@code target} (when the output exists). */
    static void removeLeftover(FileSystem fs, Path target) throws IOException {
        fs.delete(temporary(target), false);
    }
}
