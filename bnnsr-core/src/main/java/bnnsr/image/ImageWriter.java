package bnnsr.image;

import bnnsr.io.AtomicFiles;
import bnnsr.io.FileWriteException;

import javax.imageio.ImageIO;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes PNG (and JPEG, TIFF): grey, grey + alpha, RGB or RGBA as the image has them, 8-bit, or 16-bit when the image came from a
 * 16-bit file. Samples are clamped to [0, 1] and rounded to the nearest level ({@link Quantize}). The file is written to a temporary
 * file in the target folder and then moved over the target, so readers never see half a file.
 */
public final class ImageWriter {
    static { ImageIO.setUseCache(false); }

    private ImageWriter() {}

    /** Writes a PNG at the image's own bit depth (8 or 16), replacing the file if it exists. */
    public static void writePng(FloatImage img, Path file) { writePng(img, file, img.bitDepth(), true); }

    /** Writes a PNG with 8 or 16 bits per sample, replacing the file if it exists. */
    public static void writePng(FloatImage img, Path file, int bits) { writePng(img, file, bits, true); }

    /**
     * Writes a PNG with 8 or 16 bits per sample; without {@code replace} an existing file, even one that appears
     * while this one is written, is kept (an {@link ImageFileException} saying so).
     */
    public static void writePng(FloatImage img, Path file, int bits, boolean replace) {
        if (bits != 8 && bits != 16) throw new IllegalArgumentException("PNG bit depth must be 8 or 16, got " + bits);
        writePng(toBuffered(img, bits), file, replace);
    }

    /** Writes an image made by {@link #newImage} (or any image ImageIO's PNG writer takes) as PNG, replacing. */
    public static void writePng(BufferedImage bi, Path file) { writePng(bi, file, true); }

    /** As {@link #writePng(BufferedImage, Path)}; without {@code replace} an existing file is kept. */
    public static void writePng(BufferedImage bi, Path file, boolean replace) {
        try {
            AtomicFiles.write(file, replace, out -> {
                if (!ImageIO.write(bi, "png", out)) throw new IOException("no PNG writer for this image type");
            });
        } catch (IOException | RuntimeException e) {
            throw failed(file, e);
        }
    }

    /** The PNG encoding (the image's own bit depth) in memory, e.g. for an HTTP response. */
    public static byte[] encodePng(FloatImage img) {
        BufferedImage bi = toBuffered(img, img.bitDepth());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(img.pixels() * img.channels + 1024);
        try {
            if (!ImageIO.write(bi, "png", out)) throw new IOException("no PNG writer for this image type");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes a baseline JPEG (8-bit, grey or RGB) with {@code quality} in 0..100 (ImageIO's scale times 100).
     * JPEG holds no alpha: an alpha channel is dropped.
     */
    public static void writeJpeg(FloatImage img, Path file, int quality) { writeJpeg(img, file, quality, true); }

    /** As {@link #writeJpeg(FloatImage, Path, int)}; without {@code replace} an existing file is kept. */
    public static void writeJpeg(FloatImage img, Path file, int quality, boolean replace) {
        if (quality < 0 || quality > 100) throw new IllegalArgumentException("JPEG quality must be 0..100, got " + quality);
        write(jpegImage(img), file, replace, ImageWriter::jpegWriter, jpegQuality(quality));
    }

    /**
     * The bytes {@link #writePng} (at the image's bit depth), {@link #writeJpeg} or {@link #writeTiff} would put in a
     * file, for {@code format} "png", "jpg"/"jpeg" (with {@code quality}) or "tif"/"tiff", for writers that are not
     * local files (an HTTP response, a distributed file system).
     */
    public static byte[] encode(FloatImage img, String format, int quality) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 16);
        try {
            switch (format) {
                case "png" -> { return encodePng(img); }
                case "jpg", "jpeg" -> {
                    if (quality < 0 || quality > 100) throw new IllegalArgumentException("JPEG quality must be 0..100, got " + quality);
                    encodeWith(jpegImage(img), ImageWriter::jpegWriter, jpegQuality(quality), out);
                }
                case "tif", "tiff" -> encodeWith(toBuffered(img, img.bitDepth()), tiffWriterFor(img), ImageWriter::lzw, out);
                default -> throw new IllegalArgumentException("format must be png, jpg or tif, not " + format);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);      // a memory stream does not fail
        }
        return out.toByteArray();
    }

    private static javax.imageio.ImageWriter jpegWriter() { return ImageIO.getImageWritersByFormatName("jpeg").next(); }

    private static java.util.function.Consumer<javax.imageio.ImageWriteParam> jpegQuality(int quality) {
        return p -> {
            p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality / 100f);
        };
    }

    /** 8-bit grey or RGB: JPEG holds no alpha. */
    private static BufferedImage jpegImage(FloatImage img) {
        BufferedImage bi = new BufferedImage(img.width, img.height,
                img.isGrey() ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster r = bi.getRaster();
        int cc = img.colourChannels();
        int[] s = new int[img.width * cc];                  // a row at a time (no whole-image int copy)
        for (int y = 0; y < img.height; y++) {
            for (int x = 0, j = 0; x < img.width; x++)
                for (int k = 0; k < cc; k++) s[j++] = Quantize.level(img.data[(y * img.width + x) * img.channels + k]);
            r.setPixels(0, y, img.width, 1, s);
        }
        return bi;
    }

    /**
     * Writes a TIFF (LZW-compressed where the writer offers it) with the image's channels and bit depth (8 or 16),
     * through the TwelveMonkeys TIFF plugin when it is on the class path, else the JDK's.
     */
    public static void writeTiff(FloatImage img, Path file) { writeTiff(img, file, true); }

    /** As {@link #writeTiff(FloatImage, Path)}; without {@code replace} an existing file is kept. */
    public static void writeTiff(FloatImage img, Path file, boolean replace) {
        write(toBuffered(img, img.bitDepth()), file, replace, tiffWriterFor(img), ImageWriter::lzw);
    }

    private static WriterSource tiffWriterFor(FloatImage img) {
        // TwelveMonkeys 3.14 refuses 16-bit colour ("Not implemented for data type: 1"): the JDK's writer takes it
        boolean twelveMonkeys = img.bitDepth() == 8 || img.isGrey() && !img.hasAlpha();
        return () -> tiffWriter(twelveMonkeys);
    }

    private static void lzw(javax.imageio.ImageWriteParam p) {
        if (p.canWriteCompressed() && java.util.Arrays.asList(p.getCompressionTypes()).contains("LZW")) {
            p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType("LZW");
        }
    }

    private interface WriterSource { javax.imageio.ImageWriter get() throws IOException; }

    /** Encodes with a writer and its parameters into a temporary file moved over {@code file} when complete. */
    private static void write(BufferedImage bi, Path file, boolean replace, WriterSource writer,
                              java.util.function.Consumer<javax.imageio.ImageWriteParam> settings) {
        try {
            AtomicFiles.write(file, replace, out -> encodeWith(bi, writer, settings, out));
        } catch (IOException | RuntimeException e) {
            throw failed(file, e);
        }
    }

    private static void encodeWith(BufferedImage bi, WriterSource writer,
                                   java.util.function.Consumer<javax.imageio.ImageWriteParam> settings,
                                   java.io.OutputStream out) throws IOException {
        javax.imageio.ImageWriter w = writer.get();
        try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
            settings.accept(p);
            w.setOutput(ios);
            w.write(null, new javax.imageio.IIOImage(bi, null, null), p);
        } finally {
            w.dispose();
        }
    }

    private static ImageFileException failed(Path file, Exception e) {
        if (e instanceof FileWriteException w) return new ImageFileException(file, w.reason(), e);   // already says why
        return new ImageFileException(file, "cannot write (" + ImageFileException.describe(e) + ")", e);
    }

    private static javax.imageio.ImageWriter tiffWriter(boolean twelveMonkeys) throws IOException {
        javax.imageio.ImageWriter fallback = null;
        for (var it = ImageIO.getImageWritersByFormatName("tiff"); it.hasNext(); ) {
            javax.imageio.ImageWriter w = it.next();
            if (w.getClass().getName().startsWith("com.twelvemonkeys.") == twelveMonkeys) {
                if (fallback != null) fallback.dispose();
                return w;
            }
            if (fallback == null) fallback = w; else w.dispose();
        }
        if (fallback == null) throw new IOException("no TIFF writer installed");
        return fallback;
    }

    /** A BufferedImage whose PNG encoding has exactly the image's channels (grey/RGB, with or without alpha). */
    public static BufferedImage toBuffered(FloatImage img, int bits) {
        BufferedImage bi = newImage(img.height, img.width, img.channels, bits);
        int[] s = new int[img.width * img.channels];
        for (int y = 0; y < img.height; y++) setRow(bi.getRaster(), y, img.data, y * img.width * img.channels, s, bits);
        return bi;
    }

    /**
     * An empty image of 1 to 4 channels (grey, grey + alpha, RGB, RGBA) with 8- or 16-bit samples, whose PNG
     * encoding has exactly those channels; fill it row by row with {@link #setRow}.
     */
    public static BufferedImage newImage(int height, int width, int channels, int bits) {
        boolean alpha = channels == 2 || channels == 4;
        ColorSpace cs = ColorSpace.getInstance(channels <= 2 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                bits == 16 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
        return new BufferedImage(cm, cm.createCompatibleWritableRaster(width, height), false, null);
    }

    /**
     * Row {@code y} of an image of {@link #newImage}: {@code row.length} samples (width x channels, interleaved)
     * from {@code src[offset..]}, clamped and rounded to the nearest level; {@code row} is scratch.
     */
    public static void setRow(WritableRaster r, int y, float[] src, int offset, int[] row, int bits) {
        for (int i = 0; i < row.length; i++) row[i] = bits == 16 ? Quantize.level16(src[offset + i]) : Quantize.level(src[offset + i]);
        r.setPixels(0, y, row.length / r.getNumBands(), 1, row);
    }
}
