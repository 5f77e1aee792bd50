package bnnsr.image;

import bnnsr.io.InputFiles;
import bnnsr.io.Limits;

import javax.imageio.ImageIO;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

/**
 * Reads PNG (1..16-bit grey, grey + alpha, RGB, RGBA, palette), BMP, JPEG (also CMYK/YCCK and progressive), WebP,
 * TIFF (up to 16 bits) and GIF (the first frame) into a {@link FloatImage}, keeping grey as 1 channel, alpha as a
 * channel, and 16-bit precision. JPEG, WebP and TIFF go through the TwelveMonkeys ImageIO plugins (found on the
 * class path by ImageIO), PNG, BMP and GIF through the JDK's.
 *
 * <p>Colour: sRGB and grey samples are taken from the raster as stored (no gamma conversion), which is what the SR
 * datasets and their published numbers assume; an embedded ICC profile that is not sRGB (Adobe RGB, a CMYK press
 * profile, ...) is honoured by converting the pixels to sRGB, keeping 16 bits where the file has them.
 */
public final class ImageReader {
    static { ImageIO.setUseCache(false); }

    private ImageReader() {}

    /** File name extensions (lower case, no dot) that {@link #isImageName} accepts. */
    public static final java.util.List<String> EXTENSIONS =
            java.util.List.of("png", "bmp", "jpg", "jpeg", "webp", "tif", "tiff", "gif");

    /** The formats named in "not a supported image" messages. */
    static final String SUPPORTED = "PNG, JPEG, WebP, TIFF, BMP or GIF expected";

    /** Where the encoded bytes come from: a file, or bytes in memory (an upload). */
    @FunctionalInterface
    private interface Source { ImageInputStream open() throws IOException; }

    /** True when the file name has an image extension (how data folders pick their images). */
    public static boolean isImageName(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }

    /** Reads an image, or throws {@link ImageFileException} with a one-line reason that names the file. */
    public static FloatImage read(Path file) {
        checkReadable(file);
        BufferedImage bi;
        try {
            if (Files.size(file) == 0) throw new ImageFileException(file, "empty file, not an image");
            bi = decode(file, () -> ImageIO.createImageInputStream(file.toFile()));
        } catch (ImageFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageFileException(file, "corrupt or truncated image (" + ImageFileException.describe(e) + ")", e);
        }
        return toFloat(bi);
    }

    /**
     * Reads an image from encoded bytes (e.g. an HTTP upload); {@code name} stands for the file in messages.
     * Nothing is written to disk.
     */
    public static FloatImage read(byte[] encoded, Path name) {
        if (encoded.length == 0) throw new ImageFileException(name, "empty file, not an image");
        BufferedImage bi;
        try {
            bi = decode(name, memory(encoded));
        } catch (ImageFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageFileException(name, "corrupt or truncated image (" + ImageFileException.describe(e) + ")", e);
        }
        return toFloat(bi);
    }

    /** As {@link #size(Path)}, for encoded bytes in memory. */
    public static java.awt.Dimension size(byte[] encoded, Path name) {
        if (encoded.length == 0) throw new ImageFileException(name, "empty file, not an image");
        return size(name, memory(encoded));
    }

    private static Source memory(byte[] encoded) {
        return () -> new javax.imageio.stream.MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(encoded));
    }

    /**
     * Width and height from the file's header, without decoding the pixels (to refuse huge images before they
     * take the memory), or {@link ImageFileException} as {@link #read} would throw it.
     */
    public static java.awt.Dimension size(Path file) {
        checkReadable(file);
        try {
            if (Files.size(file) == 0) throw new ImageFileException(file, "empty file, not an image");
        } catch (IOException e) {
            throw new ImageFileException(file, "cannot open (" + ImageFileException.describe(e) + ")", e);
        }
        return size(file, () -> ImageIO.createImageInputStream(file.toFile()));
    }

    private static java.awt.Dimension size(Path file, Source source) {
        try (ImageInputStream in = source.open()) {
            if (in == null) throw new ImageFileException(file, "cannot open");
            Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new ImageFileException(file, "not a supported image (" + SUPPORTED + ")");
            javax.imageio.ImageReader reader = readers.next();
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

    /** Before opening: a FIFO or device would block or never end (see {@link InputFiles}). */
    private static void checkReadable(Path file) {
        if (Files.isDirectory(file)) throw new ImageFileException(file, "is a folder, not an image file");
        String problem = InputFiles.problem(file);
        if (problem != null) throw new ImageFileException(file, problem);
    }

    private static BufferedImage decode(Path file, Source source) throws IOException {
        try (ImageInputStream in = source.open()) {
            if (in == null) throw new ImageFileException(file, "cannot open");
            Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new ImageFileException(file, "not a supported image (" + SUPPORTED + ")");
            javax.imageio.ImageReader reader = readers.next();
            if ("bmp".equalsIgnoreCase(reader.getFormatName())) refuseEmbedded(file, in);
            // The JPEG decoder fills a truncated file with grey and only warns; such a file is corrupt for us.
            String[] truncated = {null};
            IIOReadWarningListener warnings = (src, warning) -> {
                if (warning != null && warning.toLowerCase(Locale.ROOT).contains("premature end")) truncated[0] = warning;
            };
            try {
                reader.setInput(in, true, false);         // metadata kept: a PNG's ICC profile is there
                checkSize(file, reader);      // from the header: an image bomb must not reach the decoder
                reader.addIIOReadWarningListener(warnings);
                BufferedImage bi = reader.read(0);        // a GIF's first frame
                if (truncated[0] != null) throw new ImageFileException(file, "corrupt or truncated image (" + truncated[0] + ")");
                if (bi == null) throw new ImageFileException(file, "decoder returned no image");
                // The JDK's PNG reader leaves an iCCP profile in the metadata; the plugins put theirs in the colour model.
                ICC_Profile png = "png".equalsIgnoreCase(reader.getFormatName()) ? IccProfiles.fromPngMetadata(reader) : null;
                return png == null ? bi : IccProfiles.withProfile(bi, png);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * A BMP may wrap a whole JPEG or PNG (compression 4 or 5, meant for printers); the JDK's reader then allocates
     * the header's image size (up to 4 GB) before reading a byte of it, and decodes the inner image without our size
     * check. No camera or editor writes these, so they are refused from the header.
     */
    private static void refuseEmbedded(Path file, ImageInputStream in) throws IOException {
        byte[] h = new byte[34];
        in.mark();
        int n = 0;
        try {
            for (int k; n < h.length && (k = in.read(h, n, h.length - n)) > 0; ) n += k;
        } finally {
            in.reset();
        }
        if (n < h.length) return;                         // too short for a compression field: the reader will say
        int dib = (h[14] & 255) | (h[15] & 255) << 8 | (h[16] & 255) << 16 | (h[17] & 255) << 24;
        if (dib < 40) return;                             // OS/2 1.x header: no compression field
        int compression = (h[30] & 255) | (h[31] & 255) << 8 | (h[32] & 255) << 16 | (h[33] & 255) << 24;
        if (compression == 4 || compression == 5)
            throw new ImageFileException(file, "BMP wrapping a " + (compression == 4 ? "JPEG" : "PNG")
                    + " is not supported (save the image as a plain BMP, PNG or JPEG)");
    }

    private static void checkSize(Path file, javax.imageio.ImageReader reader) throws IOException {
        try {
            Limits.checkImage(reader.getWidth(0), reader.getHeight(0));
        } catch (Limits.Exceeded e) {
            throw new ImageFileException(file, "too large: " + e.getMessage());
        }
    }

    /**
     * Converts a decoded image, keeping grey, alpha and up to 16 bits per sample; colour in another space than
     * sRGB (an ICC profile, CMYK, YCCK) is converted to sRGB first.
     */
    public static FloatImage toFloat(BufferedImage bi) {
        ColorModel cm = bi.getColorModel();
        if (cm instanceof IndexColorModel icm) return fromPalette(icm, bi.getRaster());
        if (IccProfiles.needsConversion(cm.getColorSpace())) {
            bi = IccProfiles.toSrgb(bi);
            cm = bi.getColorModel();
        }
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
