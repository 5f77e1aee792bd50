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
        BufferedImage bi = toBuffered(img, bits);
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
        int[] s = new int[img.pixels() * cc];
        for (int i = 0, j = 0; i < img.pixels(); i++)
            for (int k = 0; k < cc; k++) s[j++] = Quantize.level(img.data[i * img.channels + k]);
        r.setPixels(0, 0, img.width, img.height, s);
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
        boolean alpha = img.hasAlpha();
        ColorSpace cs = ColorSpace.getInstance(img.isGrey() ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                bits == 16 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(img.width, img.height);
        int[] s = new int[img.data.length];
        for (int i = 0; i < s.length; i++) s[i] = bits == 16 ? Quantize.level16(img.data[i]) : Quantize.level(img.data[i]);
        r.setPixels(0, 0, img.width, img.height, s);
        return new BufferedImage(cm, r, false, null);
    }
}
