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
        writePng(toBuffered(img, bits), file);
    }

    /** Writes an image made by {@link #newImage} (or any image ImageIO's PNG writer takes) as PNG. */
    public static void writePng(BufferedImage bi, Path file) {
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
        int[] s = new int[img.width * cc];                  // a row at a time (no whole-image int copy)
        for (int y = 0; y < img.height; y++) {
            for (int x = 0, j = 0; x < img.width; x++)
                for (int k = 0; k < cc; k++) s[j++] = Quantize.level(img.data[(y * img.width + x) * img.channels + k]);
            r.setPixels(0, y, img.width, 1, s);
        }
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
