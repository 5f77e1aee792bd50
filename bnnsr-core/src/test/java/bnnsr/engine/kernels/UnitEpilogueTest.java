package bnnsr.engine.kernels;

import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static bnnsr.engine.kernels.EngineKernelsTest.random;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The fused BBCU unit epilogue and the band conv it reads against their unfused scalar twins, bit for bit: vector
 * and masked-tail channel counts, r = 1, 2, 3, bands of any height, with and without the next conv's packing.
 */
class UnitEpilogueTest {
    private static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * scale);
        return v;
    }

    @Test void epilogueEqualsTheNodeByNodeTwin() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int c : new int[] {8, 16, 48, 64, 80})
            for (int r = 1; r <= 3; r++)
                for (int bandRows : new int[] {1, 2, 5}) {
                    int n = 2, h = 5, w = 3, cout = c * r * r;
                    Tensor x = random(rnd, h * n, w, c);
                    x = new Tensor(n, h, w, c, x.data);
                    Tensor conv = new Tensor(n, h, w, cout, gaussian(rnd, n * h * w * cout, 1));
                    float[] s1 = gaussian(rnd, cout, 0.3), a = gaussian(rnd, cout, 0.5), s2 = gaussian(rnd, cout, 0.3);
                    Tensor want = ScalarEngineKernels.unit(conv, s1, a, s2, r, x);
                    SignThresholds next = SignThresholds.ofScaleShift(gaussian(rnd, c, 1), gaussian(rnd, c, 0.5));
                    PackedActivations wantBits = new PackedActivations(n, h * r, w * r, c, 1);
                    BinaryConvOps.scalar().pack(want, next, wantBits);

                    int[] perm = UnitEpilogue.shuffleMajor(c, r);
                    float[] ps1 = UnitEpilogue.permute(s1, perm), pa = UnitEpilogue.permute(a, perm), ps2 = UnitEpilogue.permute(s2, perm);
                    Tensor got = new Tensor(n, h * r, w * r, c), gotPlain = new Tensor(n, h * r, w * r, c);
                    // the same rows written shifted down by 2 output rows into a bigger array (a band's row store)
                    int shift = 2, outRow = w * r * c;
                    float[] shifted = bnnsr.RowStores.filled(n * h * r, shift, outRow, 42f);
                    PackedActivations bits = new PackedActivations(n, h * r, w * r, c, 1);
                    float[] band = new float[bandRows * w * cout];
                    for (int r0 = 0; r0 < n * h; r0 += bandRows) {
                        int r1 = Math.min(n * h, r0 + bandRows);
                        for (int row = r0; row < r1; row++)         // the conv's band, shuffle-major
                            for (int px = 0; px < w; px++)
                                for (int k = 0; k < cout; k++) band[((row - r0) * w + px) * cout + k] = conv.data[(row * w + px) * cout + perm[k]];
                        UnitEpilogue.rows(band, ps1, pa, ps2, r, x, r0, r1, got, next, bits);
                        UnitEpilogue.rows(band, ps1, pa, ps2, r, x, r0, r1, gotPlain, null, null);
                        UnitEpilogue.rows(band, ps1, pa, ps2, r, x, r0, r1, shifted, shift, null, null);
                    }
                    String what = "c=" + c + " r=" + r + " band " + bandRows;
                    bnnsr.RowStores.assertShifted(want.data, shifted, outRow, 0, n * h * r, shift, 42f, what + " shifted");
                    assertArrayEquals(want.data, got.data, what);
                    assertArrayEquals(want.data, gotPlain.data, what);
                    assertArrayEquals(wantBits.bits, bits.bits, what + " packed");
                }
    }

    @Test void shuffleMajorIsAPermutationThatGroupsSubPixels() {
        int[] p = UnitEpilogue.shuffleMajor(3, 2);
        assertArrayEquals(new int[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, p);
    }

    @Test void bandConvEqualsTheWholeConvRows() {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int cin : new int[] {16, 64, 70})
            for (int cout : new int[] {16, 48, 64, 256}) {
                int n = 2, h = 6, w = 5, k = 3;
                Tensor x = new Tensor(n, h, w, cin, gaussian(rnd, n * h * w * cin, 1));
                PackedActivations px = new PackedActivations(n, h, w, cin, 1);
                BinaryConvOps.fast().pack(x, null, px);
                PackedWeights wts = PackedWeights.fromOihw(gaussian(rnd, cout * cin * k * k, 1), cout, cin, k);
                float[] alpha = gaussian(rnd, cout, 0.1), beta = gaussian(rnd, cout, 1);
                Tensor whole = new Tensor(n, h, w, cout);
                BinaryConvOps.scalar().conv(px, wts, alpha, beta, false, whole);
                for (BinaryConvOps ops : new BinaryConvOps[] {BinaryConvOps.fast(), BinaryConvOps.scalar()})
                    for (int from = 0; from < n * h; from += 4) {
                        int to = Math.min(n * h, from + 4);
                        float[] band = new float[(to - from) * w * cout + 7];
                        band[band.length - 1] = 42f;
                        ops.convBand(px, wts, alpha, beta, band, from, to);
                        for (int i = 0; i < (to - from) * w * cout; i++)
                            assertEquals(whole.data[from * w * cout + i], band[i], ops.getClass().getSimpleName() + " cin " + cin + " cout " + cout + " rows " + from);
                        assertEquals(42f, band[band.length - 1], "writes only its rows");
                    }
            }
    }

    @Test void bandConvRejectsBadRows() {
        PackedActivations px = new PackedActivations(1, 4, 4, 16, 1);
        PackedWeights wts = PackedWeights.fromOihw(new float[16 * 16 * 9], 16, 16, 3);
        float[] c = new float[16];
        assertThrows(IllegalArgumentException.class, () -> BinaryConvOps.fast().convBand(px, wts, c, c, new float[4 * 16 * 16], 2, 5));
        assertThrows(IllegalArgumentException.class, () -> BinaryConvOps.fast().convBand(px, wts, c, c, new float[16], 0, 2));
    }
}
