package bnnsr.spark;

import java.util.Locale;

/**
 * Where each input image's output goes, as {@code bnnsr upscale} names a folder's outputs: the path relative to
 * the input folder is kept and the extension becomes the output format's ({@code trip/a.jpg} to
 * {@code OUT/trip/a.png}). Paths are the fully qualified strings Spark's file listing gives ({@code file:/...},
 * {@code hdfs://...}); the roots must be qualified the same way.
 */
final class OutputNames implements java.io.Serializable {
    private final String inputRoot, outputRoot, format;

    /** {@code inputRoot}: the input folder, or an image file (then its folder is the root). */
    OutputNames(String inputRoot, boolean inputIsFile, String outputRoot, String format) {
        String in = trimSlash(inputRoot);
        this.inputRoot = inputIsFile ? in.substring(0, in.lastIndexOf('/')) : in;
        this.outputRoot = trimSlash(outputRoot);
        this.format = format;
    }

    /** The input's path relative to the input folder, or null if it does not lie under it. */
    String relative(String inputPath) {
        return inputPath.startsWith(inputRoot + "/") ? inputPath.substring(inputRoot.length() + 1) : null;
    }

    /** The output path of an input under the input folder. */
    String output(String inputPath) {
        String rel = relative(inputPath);
        if (rel == null) throw new IllegalArgumentException(inputPath + " is not under " + inputRoot);
        int slash = rel.lastIndexOf('/'), dot = rel.lastIndexOf('.');
        String stem = dot > slash + 1 ? rel.substring(0, dot) : rel;
        return outputRoot + "/" + stem + "." + format;
    }

    /** True for paths inside the output folder (outputs are never inputs, when OUT lies inside IN). */
    boolean isUnderOutput(String path) { return path.startsWith(outputRoot + "/"); }

    String outputRoot() { return outputRoot; }

    /** The name extensions taken as images, as {@code bnnsr upscale} and {@code bnnsr eval} take them. */
    static boolean isImageName(String path) {
        String n = path.toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".bmp") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static String trimSlash(String s) {
        return s.length() > 1 && s.endsWith("/") ? trimSlash(s.substring(0, s.length() - 1)) : s;
    }
}
