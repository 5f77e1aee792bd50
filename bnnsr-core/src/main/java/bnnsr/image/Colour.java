package bnnsr.image;

/**
 * RGB <-> YCbCr exactly as MATLAB's {@code rgb2ycbcr} / {@code ycbcr2rgb} on double images (ITU-R BT.601, "studio
 * swing": Y in [16, 235] / 255, Cb and Cr in [16, 240] / 255 for RGB in [0, 1]).
 */
public final class Colour {
    private Colour() {}

    /** MATLAB's origT: rows Y, Cb, Cr; columns R, G, B; for RGB in [0, 1] and YCbCr in 0..255. */
    private static final double[][] T = {
            {65.481, 128.553, 24.966},
            {-37.797, -74.203, 112.0},
            {112.0, -93.786, -18.214}};
    private static final double[] OFFSET = {16, 128, 128};
    private static final double[][] T_INV = invert(T);

    /** Y of one pixel on the 0..255 scale, from RGB in [0, 1], not rounded (the protocol's luma). */
    public static double y255(double r, double g, double b) {
        return OFFSET[0] + T[0][0] * r + T[0][1] * g + T[0][2] * b;
    }

    /**
     * The Y plane (0..255 scale, not rounded) of an RGB image whose samples are 8-bit levels, computed from the
     * exact levels L / 255 as the protocol demands ("Y from the uint8 RGB"). Quantise with {@link Quantize#q} first.
     */
    public static double[] yFromUint8(FloatImage rgb) {
        requireRgb(rgb);
        double[] y = new double[rgb.pixels()];
        float[] d = rgb.data;
        for (int i = 0, j = 0; i < y.length; i++, j += 3) {
            // the same sums as y255(L / 255.0, ...), in the same order, with the products looked up
            y[i] = OFFSET[0] + Y_OF_LEVEL[0][Quantize.level(d[j])] + Y_OF_LEVEL[1][Quantize.level(d[j + 1])]
                    + Y_OF_LEVEL[2][Quantize.level(d[j + 2])];
        }
        return y;
    }

    /** T[0][k] * (L / 255.0) for each level L: channel k's term of Y. */
    private static final double[][] Y_OF_LEVEL = new double[3][256];
    static {
        for (int k = 0; k < 3; k++) for (int l = 0; l < 256; l++) Y_OF_LEVEL[k][l] = T[0][k] * (l / 255.0);
    }

    /** MATLAB {@code rgb2ycbcr} of a double RGB image in [0, 1]: YCbCr in [0, 1] (Y in [16/255, 235/255]). */
    public static FloatImage rgbToYcbcr(FloatImage rgb) {
        requireRgb(rgb);
        float[] s = rgb.data, d = new float[s.length];
        for (int i = 0; i < s.length; i += 3) {
            double r = s[i], g = s[i + 1], b = s[i + 2];
            for (int k = 0; k < 3; k++)
                d[i + k] = (float) ((OFFSET[k] + T[k][0] * r + T[k][1] * g + T[k][2] * b) / 255.0);
        }
        return new FloatImage(rgb.height, rgb.width, 3, d, rgb.bitDepth());
    }

    /** MATLAB {@code ycbcr2rgb} of a double YCbCr image in [0, 1]: RGB in [0, 1] (not clipped, as MATLAB). */
    public static FloatImage ycbcrToRgb(FloatImage ycbcr) {
        if (ycbcr.channels != 3) throw new IllegalArgumentException("YCbCr image needs 3 channels, got " + ycbcr.channels);
        float[] s = ycbcr.data, d = new float[s.length];
        for (int i = 0; i < s.length; i += 3) {
            double y = s[i] * 255.0 - OFFSET[0], cb = s[i + 1] * 255.0 - OFFSET[1], cr = s[i + 2] * 255.0 - OFFSET[2];
            for (int k = 0; k < 3; k++) d[i + k] = (float) (T_INV[k][0] * y + T_INV[k][1] * cb + T_INV[k][2] * cr);
        }
        return new FloatImage(ycbcr.height, ycbcr.width, 3, d, ycbcr.bitDepth());
    }

    private static void requireRgb(FloatImage img) {
        if (img.channels != 3)
            throw new IllegalArgumentException("RGB image needed, got " + img.channels + " channels (use toRgb())");
    }

    /** 3x3 inverse by cofactors (MATLAB uses inv(origT)). */
    private static double[][] invert(double[][] m) {
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) {
                int i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
                c[j][i] = m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1];   // transposed cofactor = adjugate
            }
        double det = m[0][0] * c[0][0] + m[0][1] * c[1][0] + m[0][2] * c[2][0];
        for (double[] row : c) for (int j = 0; j < 3; j++) row[j] /= det;
        return c;
    }
}
