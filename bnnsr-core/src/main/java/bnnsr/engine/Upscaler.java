package bnnsr.engine;

import bnnsr.engine.graph.RowSink;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import bnnsr.resample.MatlabBicubic;
import bnnsr.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * The library API: load a model once, then upscale images, from any number of threads.
 *
 * <pre>{@code
 * Upscaler up = Upscaler.load(Path.of("model.safetensors"));
 * BufferedImage big = up.upscale(ImageIO.read(file));
 * }</pre>
 *
 * <p>What an image goes through: the colour is upscaled by the network, then clamped to [0, 1] straight into the
 * output image. With the automatic tile size, a network that {@link InferenceNetwork#streams() streams} (packed
 * models) runs in bands of rows holding only the rows its layers still need (memory grows with the width, not the
 * height, and nothing is computed twice but a few halo rows); other networks, or an explicit tile size, go tile by
 * tile ({@link Tiler}); an alpha channel is upscaled on its own with MATLAB's bicubic (clamped) and re-attached; a grey image
 * runs through the network as R = G = B and comes back grey as the mean of the three output channels (they differ
 * only by what the network does to a colourless input, and the mean treats them alike); the bit depth of the input
 * is kept (a 16-bit image's float values go through the network without 8-bit rounding).
 *
 * <p>Threads: a network instance is not reentrant, so the upscaler keeps a pool of at most
 * {@link Options#instances()} instances (replicas with the same weights, made on demand); a call takes one for its
 * duration and waits when all are busy. The default is one instance: calls are serialised and each call uses every
 * core inside the kernels, which is the fastest use of the CPU and keeps one set of buffers. More instances let
 * calls overlap (useful with more cores than one image can keep busy) at the cost of a set of buffers each. Results
 * do not depend on which instance, how many instances or the tile size.
 */
public final class Upscaler {
    /** The default limit on output pixels: 2^28 (e.g. 16384 x 16384), about 3 GiB of float RGB. */
    public static final long DEFAULT_MAX_OUTPUT_PIXELS = 1L << 28;
    /** {@link Options#tile()} value that picks the tile size from the network's memory needs. */
    public static final int AUTO_TILE = -1;

    /**
     * How to run: {@code tile} the core side in LR pixels ({@link #AUTO_TILE}, or {@link Tiler#WHOLE} = 0 for no
     * tiling); {@code instances} the most network instances used at once; {@code maxOutputPixels} the largest
     * output accepted.
     */
    public record Options(int tile, int instances, long maxOutputPixels) {
        public Options {
            if (tile < AUTO_TILE) throw new IllegalArgumentException("tile must be >= 0 (0 = no tiling) or AUTO_TILE, got " + tile);
            if (instances < 1) throw new IllegalArgumentException("instances must be >= 1, got " + instances);
            if (maxOutputPixels < 1) throw new IllegalArgumentException("maxOutputPixels must be >= 1");
        }

        public static Options defaults() { return new Options(AUTO_TILE, 1, DEFAULT_MAX_OUTPUT_PIXELS); }

        public Options withTile(int t) { return new Options(t, instances, maxOutputPixels); }

        public Options withInstances(int n) { return new Options(tile, n, maxOutputPixels); }

        public Options withMaxOutputPixels(long p) { return new Options(tile, instances, p); }
    }

    private final InferenceNetwork prototype;
    private final Tiler tiler;
    private final boolean autoTile;
    private final long maxOutputPixels;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<InferenceNetwork> idle = new ConcurrentLinkedQueue<>();

    /** Uses {@code network} as the first instance of the pool (do not use it elsewhere meanwhile). */
    public Upscaler(InferenceNetwork network, Options options) {
        this.prototype = network;
        this.autoTile = options.tile() == AUTO_TILE;
        this.tiler = new Tiler(options.tile() == AUTO_TILE ? Tiler.autoTile(network, Tiler.defaultBudget()) : options.tile());
        this.maxOutputPixels = options.maxOutputPixels();
        this.permits = new Semaphore(options.instances(), true);
        idle.add(network);
    }

    /** Loads a model file (see {@link Networks#load}) with the default options. */
    public static Upscaler load(Path model) throws IOException { return load(model, Options.defaults()); }

    public static Upscaler load(Path model, Options options) throws IOException {
        return new Upscaler(Networks.load(model, null), options);
    }

    public int scale() { return prototype.scale(); }

    /** The tile size in use (LR pixels; 0 = whole images). */
    public int tile() { return tiler.tile(); }

    public InferenceNetwork network() { return prototype; }

    /** Upscales a decoded image; the result is an 8- or 16-bit component image with the input's channels. */
    public BufferedImage upscale(BufferedImage image) {
        FloatImage in = ImageReader.toFloat(image);
        return upscaleToImage(in, in.bitDepth(), Tiler.Progress.NONE);
    }

    /**
     * Upscales an image of 1 to 4 channels (grey, grey + alpha, RGB, RGBA) by {@link #scale()}; the result has
     * the same channels and bit depth, values in [0, 1].
     */
    public FloatImage upscale(FloatImage image) { return upscale(image, Tiler.Progress.NONE); }

    /** As {@link #upscale(FloatImage)}, telling {@code progress} after each tile or band. */
    public FloatImage upscale(FloatImage image, Tiler.Progress progress) {
        int s = scale(), h = image.height * s, w = image.width * s, c = image.channels;
        float[] out = new float[h * w * c];
        upscale(image, progress, (y0, y1, samples, offset) -> System.arraycopy(samples, offset, out, y0 * w * c, (y1 - y0) * w * c));
        return new FloatImage(h, w, c, out, image.bitDepth());
    }

    /**
     * As {@link #upscale(FloatImage, Tiler.Progress)}, straight into an 8- or 16-bit image ({@code bits}) for
     * writing: no full-size float output is ever held (a 1920x1080 photo x4 would need 400 MB of floats besides
     * the 100 MB image).
     */
    public BufferedImage upscaleToImage(FloatImage image, int bits, Tiler.Progress progress) {
        int s = scale(), w = image.width * s, c = image.channels;
        BufferedImage bi = ImageWriter.newImage(image.height * s, w, c, bits);
        int[] row = new int[w * c];
        upscale(image, progress, (y0, y1, samples, offset) -> {
            for (int y = y0; y < y1; y++) ImageWriter.setRow(bi.getRaster(), y, samples, offset + (y - y0) * w * c, row, bits);
        });
        return bi;
    }

    /** Output rows [y0, y1) of the final image: {@code samples[offset..]}, interleaved, clamped. */
    private interface OutputRows { void rows(int y0, int y1, float[] samples, int offset); }

    /**
     * The one upscale path: colour through the network (streamed or tiled) and alpha by bicubic, converted a band
     * of rows at a time into the output's channels and handed to {@code sink} top to bottom.
     */
    private void upscale(FloatImage image, Tiler.Progress progress, OutputRows sink) {
        checkSize(image.height, image.width, image.channels);
        int s = scale(), h = image.height * s, w = image.width * s;
        FloatImage rgb = image.toRgb();
        Tensor lr = new Tensor(1, image.height, image.width, 3, rgb.data);
        int cc = image.colourChannels(), c = image.channels;
        float[] alpha = image.hasAlpha() ? MatlabBicubic.imresize(image.alpha(), image.height, image.width, h, w) : null;
        // converted CHUNK rows at a time: a small buffer, whatever the band or tile delivered
        float[] out = new float[CHUNK * w * c];
        RowSink rows = (slab, y0, from, to) -> {
            for (int y = from; y < to; y += CHUNK) {
                int end = Math.min(to, y + CHUNK);
                convert(slab, (y - y0) * w * 3, alpha, y * w, (end - y) * w, cc, c, out);
                sink.rows(y, end, out, 0);
            }
        };
        InferenceNetwork net = acquire();
        try {
            if (streaming(net)) {
                net.stream(lr, rows, progress);
            } else {
                Tensor sr = tiler.run(net, lr, progress);
                rows.rows(sr, 0, 0, h);
            }
        } finally {
            release(net);
        }
    }

    private static final int CHUNK = 16;

    /**
     * {@code pixels} network RGB pixels from {@code rgb[p..]} into {@code out} with the output's channels: colour
     * clamped (grey as the mean of the three), alpha (pixel index {@code a} on) clamped.
     */
    private static void convert(Tensor rgb, int p, float[] alpha, int a, int pixels, int cc, int c, float[] out) {
        float[] d = rgb.data;
        for (int i = 0, o = 0; i < pixels; i++, o += c, p += 3) {
            if (cc == 3) {
                out[o] = clamp(d[p]);
                out[o + 1] = clamp(d[p + 1]);
                out[o + 2] = clamp(d[p + 2]);
            } else {
                out[o] = clamp((d[p] + d[p + 1] + d[p + 2]) / 3f);
            }
            if (alpha != null) out[o + cc] = clamp(alpha[a + i]);
        }
    }

    /** Streams (bands of rows) when the tile size is automatic and the network can; else tiles. */
    private boolean streaming(InferenceNetwork net) { return autoTile && net.streams(); }

    /** Whether images go through the network in streamed bands of rows rather than tiles. */
    public boolean streams() { return streaming(prototype); }

    /** Runs the network (tiled, or streamed) on a 1 x h x w x 3 tensor; the result is the caller's. */
    public Tensor runNetwork(Tensor lrRgb, Tiler.Progress progress) {
        InferenceNetwork net = acquire();
        try {
            if (!streaming(net)) return tiler.run(net, lrRgb, progress);
            int s = net.scale();
            Tensor out = new Tensor(1, lrRgb.h * s, lrRgb.w * s, 3);
            int rowLen = out.w * 3;
            net.stream(lrRgb, (slab, y0, from, to) ->
                    System.arraycopy(slab.data, (from - y0) * rowLen, out.data, from * rowLen, (to - from) * rowLen), progress);
            return out;
        } finally {
            release(net);
        }
    }

    /**
     * Refuses, with a message fit for users, an input whose output is over the pixel limit or whose work would not
     * fit in the JVM's heap (an estimate: output buffers, the result's conversion for writing, a tile's network
     * buffers).
     */
    public void checkSize(int height, int width, int channels) {
        int s = scale();
        long outPixels = (long) height * width * s * s;
        if (outPixels > maxOutputPixels)
            throw new ImageTooLargeException(width + "x" + height + " upscaled x" + s + " would be " + (long) width * s + "x"
                    + (long) height * s + " = " + outPixels + " pixels, over the limit of " + maxOutputPixels);
        long need = estimateBytes(height, width, channels), max = Runtime.getRuntime().maxMemory();
        if (need > max - max / 10)
            throw new ImageTooLargeException(width + "x" + height + " upscaled x" + s + " needs about " + gib(need)
                    + " of memory, more than the " + gib(max) + " Java may use (raise it with -Xmx"
                    + (tiler.tile() == Tiler.WHOLE ? ", or tile the image" : "") + ")");
    }

    /** Bytes one call needs for an image, by estimate (see {@link #checkSize}). */
    public long estimateBytes(int height, int width, int channels) {
        long s = scale(), in = (long) height * width, out = in * s * s;
        long network = streams() ? prototype.streamBytes(height, width)
                : tiler.windowPixels(height, width, prototype.receptiveRadius()) * prototype.bytesPerInputPixel();
        long alpha = channels % 2 == 0 ? out * 20 : 0;               // bicubic works in doubles
        // RGB copy of the input; float RGB result when tiled; the output image; its ints and samples when converted
        // for writing
        return in * 12 + out * ((streams() ? 0 : 12) + 4L * channels + 6L * channels) + alpha + network;
    }

    private static String gib(long bytes) { return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30)); }

    private static float clamp(float v) { return v < 0f ? 0f : v > 1f ? 1f : v; }

    private InferenceNetwork acquire() {
        permits.acquireUninterruptibly();
        InferenceNetwork net = idle.poll();
        // none idle while holding a permit: fewer than `instances` exist, so one more is allowed
        return net != null ? net : prototype.replica();
    }

    private void release(InferenceNetwork net) {
        idle.add(net);
        permits.release();
    }
}
