package bnnsr.image;

import java.util.Arrays;

/**
 * An image as floats in [0, 1], height x width x channels, channels interleaved: sample (y, x, c) lives at
 * {@code (y * width + x) * channels + c}. Channels: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. The image remembers the
 * bit depth (8 or 16) of the file it came from, so that writing it back can keep 16-bit precision.
 */
public final class FloatImage {
    public final int height, width, channels;
    public final float[] data;
    private final int bitDepth;

    public FloatImage(int height, int width, int channels) {
        this(height, width, channels, new float[checkedSize(height, width, channels)], 8);
    }

    public FloatImage(int height, int width, int channels, float[] data, int bitDepth) {
        int size = checkedSize(height, width, channels);
        if (data.length != size)
            throw new IllegalArgumentException("data has " + data.length + " samples, " + height + "x" + width + "x"
                    + channels + " needs " + size);
        if (bitDepth != 8 && bitDepth != 16) throw new IllegalArgumentException("bit depth must be 8 or 16, got " + bitDepth);
        this.height = height; this.width = width; this.channels = channels;
        this.data = data;
        this.bitDepth = bitDepth;
    }

    private static int checkedSize(int h, int w, int c) {
        if (h <= 0 || w <= 0) throw new IllegalArgumentException("bad image size " + h + "x" + w);
        if (c < 1 || c > 4) throw new IllegalArgumentException("channels must be 1..4, got " + c);
        long s = (long) h * w * c;
        if (s > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("image too large: " + h + "x" + w + "x" + c);
        return (int) s;
    }

    /** 8 or 16: the precision of the source file (new images are 8-bit). */
    public int bitDepth() { return bitDepth; }

    public FloatImage withBitDepth(int bits) { return new FloatImage(height, width, channels, data, bits); }

    public boolean hasAlpha() { return channels == 2 || channels == 4; }

    public boolean isGrey() { return channels <= 2; }

    /** Number of colour (non-alpha) channels: 1 or 3. */
    public int colourChannels() { return isGrey() ? 1 : 3; }

    public int index(int y, int x, int c) { return (y * width + x) * channels + c; }

    public float get(int y, int x, int c) { return data[index(y, x, c)]; }

    public void set(int y, int x, int c, float v) { data[index(y, x, c)] = v; }

    public int pixels() { return height * width; }

    public FloatImage copy() { return new FloatImage(height, width, channels, data.clone(), bitDepth); }

    /** One channel as a dense height x width plane. */
    public float[] plane(int c) {
        if (c < 0 || c >= channels) throw new IllegalArgumentException("no channel " + c + " in a " + channels + "-channel image");
        float[] p = new float[height * width];
        for (int i = 0, j = c; i < p.length; i++, j += channels) p[i] = data[j];
        return p;
    }

    /** Interleaves equally sized height x width planes into an image. */
    public static FloatImage ofPlanes(int height, int width, int bitDepth, float[]... planes) {
        int c = planes.length;
        float[] d = new float[checkedSize(height, width, c)];
        for (int k = 0; k < c; k++) {
            float[] p = planes[k];
            if (p.length != height * width) throw new IllegalArgumentException("plane " + k + " has the wrong size");
            for (int i = 0, j = k; i < p.length; i++, j += c) d[j] = p[i];
        }
        return new FloatImage(height, width, c, d, bitDepth);
    }

    /**
     * The colour part as RGB: a grey image becomes R = G = B, alpha is dropped (the SR protocol measures colour
     * only). Returns this image when it already is plain RGB.
     */
    public FloatImage toRgb() {
        if (channels == 3) return this;
        float[] d = new float[height * width * 3];
        int grey = isGrey() ? 1 : 0;
        for (int i = 0, s = 0, o = 0; i < height * width; i++, s += channels, o += 3) {
            d[o] = data[s];
            d[o + 1] = data[s + 1 - grey];
            d[o + 2] = data[s + 2 - 2 * grey];
        }
        return new FloatImage(height, width, 3, d, bitDepth);
    }

    /** The alpha channel as a plane, or null when the image has none. */
    public float[] alpha() { return hasAlpha() ? plane(channels - 1) : null; }

    /** The rectangle [y0, y0 + h) x [x0, x0 + w). */
    public FloatImage crop(int y0, int x0, int h, int w) {
        if (y0 < 0 || x0 < 0 || h <= 0 || w <= 0 || y0 + h > height || x0 + w > width)
            throw new IllegalArgumentException("crop " + h + "x" + w + "+" + y0 + "+" + x0 + " outside " + height + "x" + width);
        if (y0 == 0 && x0 == 0 && h == height && w == width) return this;
        float[] d = new float[h * w * channels];
        for (int y = 0; y < h; y++)
            System.arraycopy(data, index(y0 + y, x0, 0), d, y * w * channels, w * channels);
        return new FloatImage(h, w, channels, d, bitDepth);
    }

    /**
     * Crops the bottom and right so that both sides are multiples of {@code scale}, keeping the top-left (the SR
     * papers' modcrop). Fails when a side is smaller than the scale.
     */
    public FloatImage modcrop(int scale) {
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        int h = height - height % scale, w = width - width % scale;
        if (h == 0 || w == 0)
            throw new IllegalArgumentException(width + "x" + height + " image is smaller than the scale " + scale);
        return crop(0, 0, h, w);
    }

    public boolean sameShape(FloatImage o) {
        return height == o.height && width == o.width && channels == o.channels;
    }

    public boolean samePixels(FloatImage o) {
        return sameShape(o) && Arrays.equals(data, o.data);
    }

    /** W x H x C, the order people say image sizes in. */
    public String describe() { return width + "x" + height + "x" + channels + " (" + bitDepth + "-bit)"; }

    @Override public String toString() { return "FloatImage " + describe(); }
}
