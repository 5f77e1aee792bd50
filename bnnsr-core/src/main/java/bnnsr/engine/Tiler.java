package bnnsr.engine;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a network over an LR image tile by tile so that memory stays bounded whatever the image size.
 *
 * <p>The image is split into a grid of cores of at most {@code tile} x {@code tile} LR pixels (equal parts, so no
 * sliver tiles). Each core runs inside a window that extends it by the network's receptive radius where the image
 * allows; at the image's borders the window stops at the border, where the network's own zero padding is the true
 * one. Only the core's output is kept. Every kept output pixel therefore sees exactly the inputs it sees in the
 * untiled run, so the stitched result equals the untiled one (up to float summation order, which the kernels keep
 * per pixel) and does not depend on the tile size. All windows of a grid have one shape (windows next to a border
 * are shifted inwards rather than clipped), so the network's buffers are allocated once.
 */
public final class Tiler {
    /** Tile size meaning "the whole image at once". */
    public static final int WHOLE = 0;
    /** Bounds of the automatic tile size (LR pixels). */
    public static final int MIN_AUTO_TILE = 32, MAX_AUTO_TILE = 256;

    private final int tile;

    /** {@code tile}: the largest core side in LR pixels, or {@link #WHOLE}. */
    public Tiler(int tile) {
        if (tile < 0) throw new IllegalArgumentException("tile size must be >= 0 (0 = no tiling), got " + tile);
        this.tile = tile;
    }

    public int tile() { return tile; }

    /** One dimension of a tile: the kept core [from, to) and the window [windowFrom, windowFrom + windowLength). */
    record Span(int from, int to, int windowFrom, int windowLength) {}

    /** The spans along a dimension of {@code length} LR pixels. */
    static List<Span> spans(int length, int tile, int radius) {
        int count = tile == WHOLE ? 1 : (int) ((length + (long) tile - 1) / tile);   // long: any tile up to MAX_VALUE
        int maxCore = (length + count - 1) / count;
        int window = (int) Math.min((long) maxCore + 2L * radius, length);
        List<Span> spans = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = Chunks.start(length, count, i), to = Chunks.start(length, count, i + 1);
            int start = Math.max(0, Math.min(from - radius, length - window));
            spans.add(new Span(from, to, start, window));
        }
        return spans;
    }

    /** The largest LR window the network will see for an h x w image (for memory estimates). */
    public long windowPixels(int h, int w, int radius) {
        return (long) spans(h, tile, radius).get(0).windowLength() * spans(w, tile, radius).get(0).windowLength();
    }

    /** Told after each tile (for progress displays of big images). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> {};

        void tileDone(int done, int total);
    }

    /**
     * Upscales {@code lr} (1 x h x w x 3) with {@code net}; the result is a new tensor owned by the caller.
     * {@code net} must not be used by another thread meanwhile.
     */
    public Tensor run(InferenceNetwork net, Tensor lr) { return run(net, lr, Progress.NONE); }

    public Tensor run(InferenceNetwork net, Tensor lr, Progress progress) {
        if (lr.n != 1 || lr.c != 3) throw new IllegalArgumentException("expected a 1 x h x w x 3 image, got " + lr.shape());
        int s = net.scale(), radius = net.receptiveRadius();
        List<Span> rows = spans(lr.h, tile, radius), cols = spans(lr.w, tile, radius);
        int total = rows.size() * cols.size(), done = 0;
        if (total == 1) {
            Tensor out = net.run(lr).copy();
            progress.tileDone(1, 1);
            return out;
        }
        Tensor out = new Tensor(1, lr.h * s, lr.w * s, 3);
        Tensor window = new Tensor(1, rows.get(0).windowLength(), cols.get(0).windowLength(), 3);
        for (Span r : rows)
            for (Span c : cols) {
                copyWindow(lr, r, c, window);
                Tensor y = net.run(window);
                keepCore(y, r, c, s, out);
                progress.tileDone(++done, total);
            }
        return out;
    }

    private static void copyWindow(Tensor lr, Span r, Span c, Tensor window) {
        int rowLen = c.windowLength() * 3;
        for (int y = 0; y < r.windowLength(); y++)
            System.arraycopy(lr.data, lr.index(0, r.windowFrom() + y, c.windowFrom(), 0), window.data, y * rowLen, rowLen);
    }

    private static void keepCore(Tensor y, Span r, Span c, int s, Tensor out) {
        int y0 = (r.from() - r.windowFrom()) * s, x0 = (c.from() - c.windowFrom()) * s;
        int rowsOut = (r.to() - r.from()) * s, rowLen = (c.to() - c.from()) * s * 3;
        for (int i = 0; i < rowsOut; i++)
            System.arraycopy(y.data, y.index(0, y0 + i, x0, 0), out.data, out.index(0, r.from() * s + i, c.from() * s, 0), rowLen);
    }

    /**
     * The automatic tile size: the largest core side in [{@link #MIN_AUTO_TILE}, {@link #MAX_AUTO_TILE}] whose
     * window (core plus the radius on both sides) needs at most {@code budgetBytes} of network buffers.
     */
    public static int autoTile(InferenceNetwork net, long budgetBytes) {
        long perPixel = Math.max(1, net.bytesPerInputPixel());
        long side = (long) Math.sqrt((double) budgetBytes / perPixel);
        long core = side - 2L * net.receptiveRadius();
        return (int) Math.max(MIN_AUTO_TILE, Math.min(MAX_AUTO_TILE, core));
    }

    /**
     * The default buffer budget: a third of the JVM's heap limit (the rest holds the images and the output
     * buffers), at most 4 GiB. Bigger tiles waste less work on overlaps: the float srresnet x4 needs about 40 KB
     * per LR pixel and a radius of 39, so a 4 GiB heap gives tiles of about 108 (3x the untiled work), a 12 GiB
     * heap tiles of about 245 (1.7x); the packed engine needs far less per pixel.
     */
    public static long defaultBudget() { return Math.min(Runtime.getRuntime().maxMemory() / 3, 4L << 30); }
}
