package bnnsr.image;

import javax.imageio.ImageIO;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * Reads PNG (1..16-bit grey, grey + alpha, RGB, RGBA, palette), BMP and JPEG into a {@link FloatImage}, keeping
 * grey as 1 channel, alpha as a channel, and 16-bit precision. Samples are taken from the raster as stored (no
 * gamma or ICC conversion), which is what the SR datasets and their published numbers assume.
 */
public final class ImageReader {
    static { ImageIO.setUseCache(false); }

    private ImageReader() {}

    /** File name extensions (lower case, no dot) that {@link #isImageName} accepts. */
    public static final java.util.List<String> EXTENSIONS = java.util.List.of("png", "bmp", "jpg", "jpeg");

    /** True when the file name has an image extension (how data folders pick their images). */
    public static boolean isImageName(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }

    /** Reads an image, or throws {@link ImageFileException} with a one-line reason that names the file. */
    public static FloatImage read(Path file) {
        checkReadable(file);
        return read(file, file.toFile());
    }

    /**
     * Decodes an image file's bytes held in memory (e.g. read from a distributed file system), exactly as
     * {@link #read(Path)} decodes the file; {@code name} is the file the messages name.
     */
    public static FloatImage read(byte[] bytes, Path name) {
        return read(name, new java.io.ByteArrayInputStream(bytes));
    }

    /** {@code source}: a File or an InputStream, what {@link ImageIO#createImageInputStream} takes. */
    private static FloatImage read(Path file, Object source) {
        BufferedImage bi;
        try {
            bi = decode(file, source);
        } catch (ImageFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageFileException(file, "corrupt or truncated image (" + ImageFileException.describe(e) + ")", e);
        }
        return toFloat(bi);
    }

    /**
     * Width and height from the file's header, without decoding the pixels (to refuse huge images before they
     * take the memory), or {@link ImageFileException} as {@link #read} would throw it.
     */
    public static java.awt.Dimension size(Path file) {
        checkReadable(file);
        return size(file, file.toFile());
    }

    /** As {@link #size(Path)}, for an image file's bytes held in memory; {@code name} is the file the messages name. */
    public static java.awt.Dimension size(byte[] bytes, Path name) {
        return size(name, new java.io.ByteArrayInputStream(bytes));
    }

    private static java.awt.Dimension size(Path file, Object source) {
        try (ImageInputStream in = open(file, source)) {
            javax.imageio.ImageReader reader = readerFor(file, in);
            try {
                reader.setInput(in, true, true);
                return new java.awt.Dimension(reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (ImageFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageFileException(file, "corrupt or truncated image (" + ImageFileException.describe(e) + ")", e);
        }
    }

    /** An image stream over a non-empty source, or the reason why not. */
    private static ImageInputStream open(Path file, Object source) throws IOException {
        boolean empty = source instanceof java.io.File f ? f.length() == 0 : ((InputStream) source).available() == 0;
        if (empty) throw new ImageFileException(file, "empty file, not an image");
        ImageInputStream in = ImageIO.createImageInputStream(source);
        if (in == null) throw new ImageFileException(file, "cannot open");
        return in;
    }

    private static javax.imageio.ImageReader readerFor(Path file, ImageInputStream in) {
        Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) throw new ImageFileException(file, "not a supported image (PNG, BMP or JPEG expected)");
        return readers.next();
    }

    private static void checkReadable(Path file) {
        if (!Files.exists(file)) throw new ImageFileException(file, "no such file");
        if (Files.isDirectory(file)) throw new ImageFileException(file, "is a folder, not an image file");
        if (!Files.isReadable(file)) throw new ImageFileException(file, "not readable (permission denied)");
    }

    private static BufferedImage decode(Path file, Object source) throws IOException {
        try (ImageInputStream in = open(file, source)) {
            javax.imageio.ImageReader reader = readerFor(file, in);
            // The JPEG decoder fills a truncated file with grey and only warns; such a file is corrupt for us.
            String[] truncated = {null};
            IIOReadWarningListener warnings = (src, warning) -> {
                if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) truncated[0] = warning;
            };
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener(warnings);
                BufferedImage bi = reader.read(0);
                if (truncated[0] != null) throw new ImageFileException(file, "corrupt or truncated image (" + truncated[0] + ")");
                if (bi == null) throw new ImageFileException(file, "decoder returned no image");
                return bi;
            } finally {
                reader.dispose();
            }
        }
    }

    /** Converts a decoded image, keeping grey, alpha and up to 16 bits per sample. */
    public static FloatImage toFloat(BufferedImage bi) {
        ColorModel cm = bi.getColorModel();
        if (cm instanceof IndexColorModel icm) return fromPalette(icm, bi.getRaster());
        Raster r = bi.getRaster();
        int csType = cm.getColorSpace().getType();
        int colour = cm.getNumColorComponents();
        boolean direct = (csType == ColorSpace.TYPE_GRAY && colour == 1 || csType == ColorSpace.TYPE_RGB && colour == 3)
                && r.getNumBands() == cm.getNumComponents() && !cm.isAlphaPremultiplied()
                && r.getTransferType() != DataBuffer.TYPE_FLOAT && r.getTransferType() != DataBuffer.TYPE_DOUBLE;
        if (!direct) return viaArgb(bi);
        int h = bi.getHeight(), w = bi.getWidth(), c = cm.getNumComponents(), maxBits = 0;
        float[] d = new float[h * w * c];
        int[] samples = null;
        for (int b = 0; b < c; b++) {
            int bits = r.getSampleModel().getSampleSize(b);
            if (bits > 16) return viaArgb(bi);
            maxBits = Math.max(maxBits, bits);
            float max = (float) ((1 << bits) - 1);
            samples = r.getSamples(r.getMinX(), r.getMinY(), w, h, b, samples);
            for (int i = 0, j = b; i < samples.length; i++, j += c) d[j] = samples[i] / max;
        }
        return new FloatImage(h, w, c, d, maxBits > 8 ? 16 : 8);
    }

    /** Palette images: grey when every palette entry is grey, alpha when any entry is not opaque. */
    private static FloatImage fromPalette(IndexColorModel icm, Raster r) {
        int n = icm.getMapSize();
        boolean grey = true, alpha = false;
        for (int i = 0; i < n; i++) {
            int rr = icm.getRed(i), gg = icm.getGreen(i), bb = icm.getBlue(i);
            grey &= rr == gg && gg == bb;
            alpha |= icm.getAlpha(i) != 255;
        }
        int h = r.getHeight(), w = r.getWidth(), cc = grey ? 1 : 3, c = cc + (alpha ? 1 : 0);
        int[] idx = r.getSamples(r.getMinX(), r.getMinY(), w, h, 0, (int[]) null);
        float[] d = new float[h * w * c];
        for (int i = 0, o = 0; i < idx.length; i++, o += c) {
            int k = Math.min(idx[i], n - 1);
            if (grey) {
                d[o] = icm.getRed(k) / 255f;
            } else {
                d[o] = icm.getRed(k) / 255f;
                d[o + 1] = icm.getGreen(k) / 255f;
                d[o + 2] = icm.getBlue(k) / 255f;
            }
            if (alpha) d[o + cc] = icm.getAlpha(k) / 255f;
        }
        return new FloatImage(h, w, c, d, 8);
    }

    /** Anything else (CMYK, premultiplied, float rasters): let Java convert to 8-bit sRGB. */
    private static FloatImage viaArgb(BufferedImage bi) {
        int h = bi.getHeight(), w = bi.getWidth();
        boolean alpha = bi.getColorModel().hasAlpha();
        int c = alpha ? 4 : 3;
        int[] argb = bi.getRGB(0, 0, w, h, null, 0, w);
        float[] d = new float[h * w * c];
        for (int i = 0, o = 0; i < argb.length; i++, o += c) {
            int p = argb[i];
            d[o] = ((p >> 16) & 255) / 255f;
            d[o + 1] = ((p >> 8) & 255) / 255f;
            d[o + 2] = (p & 255) / 255f;
            if (alpha) d[o + 3] = (p >>> 24) / 255f;
        }
        return new FloatImage(h, w, c, d, 8);
    }
}
