package bnnsr.io;

import java.util.Locale;

/**
 * The one place that knows how big things may be. Every size, count and factor read from a file (model metadata,
 * packed graphs, image headers) or from an option is checked here <em>before</em> anything is allocated from it, so
 * a hostile or damaged input is refused with one line instead of an integer overflow, a division by zero, an
 * endless loop or an OutOfMemoryError. The bounds are far above any real model or image (the largest bundled
 * network has 64 channels, 16 blocks and 3x3 kernels) and far below what overflows an int or fills a heap.
 */
public final class Limits {
    private Limits() {}

    /** Upscaling factor of a model, and of any scale-changing step in it (pixel shuffle r, bilinear / bicubic). */
    public static final int MAX_SCALE = 8;
    /** Feature channels of a layer. */
    public static final int MAX_CHANNELS = 4096;
    /** Body blocks of an architecture. */
    public static final int MAX_BLOCKS = 1024;
    /** Side of a convolution or box-filter kernel. */
    public static final int MAX_KERNEL = 15;
    /** Nodes of a packed model's graph. */
    public static final int MAX_GRAPH_NODES = 100_000;
    /** Pixels of an image that is read (checked from its header before decoding): 64 Mpx, e.g. 8192 x 8192. */
    public static final long MAX_IMAGE_PIXELS = 1L << 26;
    /** Bytes of a text input read whole (an options file). */
    public static final long MAX_TEXT_BYTES = 1L << 20;
    /** Bytes the decoding and the float copies of one image pixel take, by estimate (for the heap check). */
    public static final long IMAGE_BYTES_PER_PIXEL = 48;

    /** A value outside its bounds; the message names what and says the bounds. */
    public static final class Exceeded extends IllegalArgumentException {
        public Exceeded(String message) { super(message); }
    }

    /** {@code value} must be in {@code [min, max]}; the message names {@code what}. */
    public static long check(String what, long value, long min, long max) {
        if (value < min || value > max) throw new Exceeded(what + " must be in " + min + ".." + max + ", got " + value);
        return value;
    }

    public static int check(String what, int value, int min, int max) { return (int) check(what, (long) value, min, max); }

    /** The model sizes every architecture shares. */
    public static void checkModel(int scale, int channels, int blocks) {
        check("scale", scale, 1, MAX_SCALE);
        check("channels", channels, 1, MAX_CHANNELS);
        check("blocks", blocks, 0, MAX_BLOCKS);
    }

    /**
     * Weights of a network of {@code channels} x {@code blocks} by a generous estimate (two 3x3 convs per block and
     * six more, as the residual backbones have), times {@code copies} (1 to run it; 4 to train it: weights, gradients
     * and Adam's two moments) must fit in the heap, with half of it left for the activations.
     */
    public static void checkModelFitsHeap(int channels, int blocks, int copies) {
        long params = 9L * channels * channels * (2L * blocks + 6);
        long bytes = params * 4 * copies, max = Runtime.getRuntime().maxMemory();
        if (bytes > max / 2)
            throw new Exceeded(String.format(Locale.ROOT, "a network of %d channels and %d blocks needs about %s for its %s,"
                    + " more than the Java heap (%s) allows; use fewer channels or blocks, or give Java more memory"
                    + " (BNNSR_JAVA_OPTS=-Xmx...)", channels, blocks, size(bytes), copies > 1 ? "training state" : "weights", size(max)));
    }

    /**
     * An image of {@code width x height} from a file header may be decoded: at most {@link #MAX_IMAGE_PIXELS}, and
     * its decoding and float copies must fit in a quarter of the heap (images may be read by several threads).
     */
    public static void checkImage(long width, long height) {
        if (width < 1 || height < 1) throw new Exceeded("image size " + width + "x" + height + " is empty");
        long pixels = width * height;    // both < 2^31: no overflow
        if (pixels > MAX_IMAGE_PIXELS)
            throw new Exceeded(width + "x" + height + " = " + pixels + " pixels is over the limit of " + MAX_IMAGE_PIXELS + " pixels");
        long bytes = pixels * IMAGE_BYTES_PER_PIXEL, max = Runtime.getRuntime().maxMemory();
        if (bytes > max / 4)
            throw new Exceeded(width + "x" + height + " needs about " + size(bytes) + " to decode, more than the Java heap ("
                    + size(max) + ") allows (BNNSR_JAVA_OPTS=-Xmx...)");
    }

    static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }
}
