package bnnsr.train;

import bnnsr.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Draws a batch of aligned LR/HR patches with BasicSR's augmentation (horizontal flip, vertical flip, transpose:
 * together the 8 dihedral transforms, i.e. flips and 90-degree rotations). The generator of each iteration is
 * derived from (seed, iteration) alone, so a resumed run draws exactly the batches an uninterrupted one would,
 * whatever thread prepared them.
 */
public final class PatchSampler {
    private final TrainingImages images;
    private final int batch, patch, scale;
    private final long seed;

    public PatchSampler(TrainingImages images, int batch, int patch, long seed) {
        if (images.size() == 0) throw new IllegalArgumentException("no training images");
        this.images = images;
        this.batch = batch;
        this.patch = patch;
        this.scale = images.scale();
        this.seed = seed;
    }

    /** A batch's buffers: LR [batch, patch, patch, 3] and HR [batch, patch*s, patch*s, 3], values in [0, 1]. */
    public record Batch(Tensor lr, Tensor hr) {}

    public Batch newBatch() {
        return new Batch(new Tensor(batch, patch, patch, 3), new Tensor(batch, patch * scale, patch * scale, 3));
    }

    /** Fills {@code into} with the batch of {@code iteration}. */
    public void fill(long iteration, Batch into) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + iteration);
        for (int b = 0; b < batch; b++) {
            TrainingImages.Pair p = images.pairs().get(rng.nextInt(images.size()));
            int y = rng.nextInt(p.lrH() - patch + 1), x = rng.nextInt(p.lrW() - patch + 1);
            int t = rng.nextInt(8);
            copy(p.lr(), p.lrW(), y, x, patch, t, into.lr(), b);
            copy(p.hr(), p.hrW(), y * scale, x * scale, patch * scale, t, into.hr(), b);
        }
    }

    /**
     * Copies a size x size RGB crop at (y0, x0) into batch slot b under dihedral transform t (bit 0: flip
     * horizontally, bit 1: flip vertically, bit 2: transpose), the same t for LR and HR keeps them aligned.
     */
    static void copy(byte[] src, int srcW, int y0, int x0, int size, int t, Tensor dst, int b) {
        boolean hflip = (t & 1) != 0, vflip = (t & 2) != 0, transpose = (t & 4) != 0;
        float[] d = dst.data;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
                int sy = transpose ? x : y, sx = transpose ? y : x;
                if (hflip) sx = size - 1 - sx;
                if (vflip) sy = size - 1 - sy;
                int s = ((y0 + sy) * srcW + x0 + sx) * 3, o = dst.index(b, y, x, 0);
                for (int c = 0; c < 3; c++) d[o + c] = (src[s + c] & 0xff) / 255f;
            }
    }
}
