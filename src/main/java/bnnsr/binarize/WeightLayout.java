package bnnsr.binarize;

/**
 * Conversions between PyTorch's OIHW weight order (how parameters and files store them) and the HWIO order the
 * conv kernels take ({@code w[((ky * k + kx) * cin + ci) * cout + co]}).
 */
public final class WeightLayout {
    private WeightLayout() {}

    public static void oihwToHwio(float[] oihw, int cout, int cin, int k, float[] hwio) {
        int taps = k * k;
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++)
                for (int t = 0; t < taps; t++)
                    hwio[(t * cin + i) * cout + o] = oihw[(o * cin + i) * taps + t];
    }

    public static void hwioToOihw(float[] hwio, int cout, int cin, int k, float[] oihw) {
        int taps = k * k;
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++)
                for (int t = 0; t < taps; t++)
                    oihw[(o * cin + i) * taps + t] = hwio[(t * cin + i) * cout + o];
    }
}
