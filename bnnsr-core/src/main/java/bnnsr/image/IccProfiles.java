package bnnsr.image;

import org.w3c.dom.Node;

import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Honouring embedded colour profiles: pixels in a colour space other than sRGB are converted to sRGB through the
 * JDK's colour management (LittleCMS). sRGB profiles, whatever their maker, and grey are left as stored, so
 * ordinary files (and the SR test sets) read bit-exactly as before.
 */
final class IccProfiles {
    private IccProfiles() {}

    /** True for colour spaces whose samples must be converted: ICC profiles other than sRGB, CMYK, YCC, linear RGB. */
    static boolean needsConversion(ColorSpace cs) {
        if (cs.isCS_sRGB() || cs.getType() == ColorSpace.TYPE_GRAY) return false;
        if (cs instanceof ICC_ColorSpace ics && cs.getType() == ColorSpace.TYPE_RGB && isSrgb(ics.getProfile())) return false;
        return true;
    }

    /** An sRGB profile by its description (every maker's "sRGB IEC61966-2.1" and friends), which is how tools tell. */
    static boolean isSrgb(ICC_Profile p) {
        byte[] desc = p.getData(ICC_Profile.icSigProfileDescriptionTag);
        if (desc == null) return false;
        // 'desc' holds ASCII, 'mluc' UTF-16BE: dropping the zero bytes reads both well enough to find the name
        StringBuilder sb = new StringBuilder();
        for (byte b : desc) if (b >= 32 && b < 127) sb.append((char) b);
        return sb.toString().toLowerCase(Locale.ROOT).contains("srgb");
    }

    /** The image converted to sRGB, with its alpha, 16-bit when any sample had more than 8 bits. */
    static BufferedImage toSrgb(BufferedImage src) {
        ColorModel cm = src.getColorModel();
        int bits = 0;
        for (int b = 0; b < cm.getNumComponents(); b++) bits = Math.max(bits, cm.getComponentSize(b));
        boolean alpha = cm.hasAlpha();
        ComponentColorModel target = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, bits > 8 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE);
        BufferedImage dst = new BufferedImage(target, target.createCompatibleWritableRaster(src.getWidth(), src.getHeight()),
                false, null);
        new ColorConvertOp(null).filter(src, dst);
        return dst;
    }

    /** The profile of a PNG's iCCP chunk (zlib-compressed in the metadata), or null without one or when it is sRGB. */
    static ICC_Profile fromPngMetadata(javax.imageio.ImageReader reader) throws IOException {
        IIOMetadata meta = reader.getImageMetadata(0);
        if (meta == null) return null;
        Node root = meta.getAsTree("javax_imageio_png_1.0");
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!"iCCP".equals(n.getNodeName()) || !(((IIOMetadataNode) n).getUserObject() instanceof byte[] z)) continue;
            try {
                ICC_Profile p = ICC_Profile.getInstance(inflate(z));
                return isSrgb(p) ? null : p;
            } catch (IllegalArgumentException | DataFormatException e) {
                return null;          // a broken profile: read the samples as sRGB, as viewers do
            }
        }
        return null;
    }

    /** The same pixels, tagged with the profile (RGB or grey images whose profile has as many colour components). */
    static BufferedImage withProfile(BufferedImage bi, ICC_Profile profile) {
        ColorModel cm = bi.getColorModel();
        if (!(cm instanceof ComponentColorModel) || cm.isAlphaPremultiplied()) return bi;
        ICC_ColorSpace cs = new ICC_ColorSpace(profile);
        if (cs.getNumComponents() != cm.getNumColorComponents() || cs.getType() == ColorSpace.TYPE_GRAY) return bi;
        ComponentColorModel tagged = new ComponentColorModel(cs, cm.hasAlpha(), false, cm.getTransparency(),
                cm.getTransferType());
        return new BufferedImage(tagged, bi.getRaster(), false, null);
    }

    private static byte[] inflate(byte[] z) throws DataFormatException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(z);
            ByteArrayOutputStream out = new ByteArrayOutputStream(z.length * 3);
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) throw new DataFormatException("truncated profile");
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } finally {
            inf.end();
        }
    }

}
