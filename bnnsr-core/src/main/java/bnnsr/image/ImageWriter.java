package bnnsr.image;

import bnnsr.io.AtomicFiles;

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
 * Writes PNG: grey, grey + alpha, RGB or RGBA as the image has them, 8-bit, or 16-bit when the image came from a
 * 16-bit file. Samples are clamped to [0, 1] and rounded to the nearest level ({@link Quantize}). The file is written to a temporary
 * file in the target folder and then moved over the target, so readers never see half a file.
 */
public final class ImageWriter {
    static { ImageIO.setUseCache(false); }

    private ImageWriter() {}

    /** Writes a PNG at the image's own bit depth (8 or 16). */
    public static void writePng(FloatImage img, Path file) { writePng(img, file, img.bitDepth()); }

    /** Writes a PNG with 8 or 16 bits per sample. */
    public static void writePng(FloatImage img, Path file, int bits) {
        if (bits != 8 && bits != 16) throw new IllegalArgumentException("PNG bit depth must be 8 or 16, got " + bits);
        BufferedImage bi = toBuffered(img, bits);
        try {
            AtomicFiles.write(file, out -> {
                if (!ImageIO.write(bi, "png", out)) throw new IOException("no PNG writer for this image type");
            });
        } catch (IOException | RuntimeException e) {
            throw new ImageFileException(file, "cannot write (" + ImageFileException.describe(e) + ")", e);
        }
    }

    /**
     * Writes a baseline JPEG (8-bit, grey or RGB) with {@code quality} in 0..100 (ImageIO's scale times 100).
     * JPEG holds no alpha: an alpha channel is dropped.
     */
    public static void writeJpeg(FloatImage img, Path file, int quality) {
        if (quality < 0 || quality > 100) throw new IllegalArgumentException("JPEG quality must be 0..100, got " + quality);
        BufferedImage bi = new BufferedImage(img.width, img.height,
                img.isGrey() ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster r = bi.getRaster();
        int cc = img.colourChannels();
        int[] s = new int[img.pixels() * cc];
        for (int i = 0, j = 0; i < img.pixels(); i++)
            for (int k = 0; k < cc; k++) s[j++] = Quantize.level(img.data[i * img.channels + k]);
        r.setPixels(0, 0, img.width, img.height, s);
        try {
            AtomicFiles.write(file, out -> {
                javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
                try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                    javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
                    p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
                    p.setCompressionQuality(quality / 100f);
                    w.setOutput(ios);
                    w.write(null, new javax.imageio.IIOImage(bi, null, null), p);
                } finally {
                    w.dispose();
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new ImageFileException(file, "cannot write (" + ImageFileException.describe(e) + ")", e);
        }
    }

    /** A BufferedImage whose PNG encoding has exactly the image's channels (grey/RGB, with or without alpha). */
    public static BufferedImage toBuffered(FloatImage img, int bits) {
        boolean alpha = img.hasAlpha();
        ColorSpace cs = ColorSpace.getInstance(img.isGrey() ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                bits == 16 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(img.width, img.height);
        // a row at a time: a whole-image int copy would be 4 bytes per sample more at the peak (400 MB at 7680x4320)
        int rowLen = img.width * img.channels;
        int[] s = new int[rowLen];
        for (int y = 0, o = 0; y < img.height; y++) {
            for (int i = 0; i < rowLen; i++, o++) s[i] = bits == 16 ? Quantize.level16(img.data[o]) : Quantize.level(img.data[o]);
            r.setPixels(0, y, img.width, 1, s);
        }
        return new BufferedImage(cm, r, false, null);
    }
}
