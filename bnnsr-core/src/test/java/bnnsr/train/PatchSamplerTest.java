package bnnsr.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class PatchSamplerTest {
    /** An HR image made of s x s blocks of one colour, and its LR (one pixel per block): alignment is exact. */
    static TrainingImages blocky(int scale, int lrH, int lrW, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] lr = new byte[lrH * lrW * 3], hr = new byte[lrH * scale * lrW * scale * 3];
        r.nextBytes(lr);
        for (int y = 0; y < lrH * scale; y++)
            for (int x = 0; x < lrW * scale; x++)
                for (int c = 0; c < 3; c++) hr[(y * lrW * scale + x) * 3 + c] = lr[((y / scale) * lrW + x / scale) * 3 + c];
        return TrainingImages.of(scale, List.of(new TrainingImages.Pair("a", lrH * scale, lrW * scale, hr, lrH, lrW, lr)));
    }

    @Test void lrAndHrPatchesStayAlignedUnderEveryAugmentation() {
        int s = 3, p = 5;
        PatchSampler sampler = new PatchSampler(blocky(s, 11, 9, 1), 8, p, 42);
        PatchSampler.Batch b = sampler.newBatch();
        for (long it = 0; it < 20; it++) {
            sampler.fill(it, b);
            for (int n = 0; n < 8; n++)
                for (int y = 0; y < p * s; y++)
                    for (int x = 0; x < p * s; x++)
                        for (int c = 0; c < 3; c++)
                            assertEquals(b.lr().get(n, y / s, x / s, c), b.hr().get(n, y, x, c), "iteration " + it);
        }
    }

    @Test void augmentationsAreTheEightDihedralTransforms() {
        byte[] src = new byte[2 * 2 * 3];
        for (int i = 0; i < 4; i++) src[i * 3] = (byte) i;   // red channel holds the pixel index 0..3
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int t = 0; t < 8; t++) {
            bnnsr.tensor.Tensor d = new bnnsr.tensor.Tensor(1, 2, 2, 3);
            PatchSampler.copy(src, 2, 0, 0, 2, t, d, 0);
            StringBuilder k = new StringBuilder();
            for (int i = 0; i < 4; i++) k.append(Math.round(d.data[i * 3] * 255));
            seen.add(k.toString());
        }
        assertEquals(8, seen.size(), "8 distinct orientations of an asymmetric 2x2 patch");
    }

    @Test void batchesDependOnlyOnSeedAndIteration() {
        TrainingImages imgs = blocky(2, 20, 20, 3);
        PatchSampler a = new PatchSampler(imgs, 4, 6, 7), b = new PatchSampler(imgs, 4, 6, 7), c = new PatchSampler(imgs, 4, 6, 8);
        PatchSampler.Batch x = a.newBatch(), y = b.newBatch(), z = c.newBatch();
        a.fill(5, x);
        b.fill(4, y);
        b.fill(5, y);
        c.fill(5, z);
        assertArrayEquals(x.hr().data, y.hr().data);
        assertFalse(java.util.Arrays.equals(x.hr().data, z.hr().data));
    }
}
