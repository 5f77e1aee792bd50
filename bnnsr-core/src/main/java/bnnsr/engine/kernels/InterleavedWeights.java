package bnnsr.engine.kernels;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;

/**
 * The weights of a {@link PackedWeights} re-laid for the 64-bit-lane popcount tiles ({@link PopcountTiles}).
 * <p>
 * One long = one output channel x 64 input channels (an activation word), so a tile broadcasts each activation
 * word as it is (a 64-bit load-broadcast, no shifting of halves). Output channels go in groups of {@link #GROUP}
 * (= the int lanes of the preferred vector, 16 with AVX-512): within a group the first {@link #LANES} longs hold
 * the even channels and the next {@link #LANES} the odd ones. A tile's two accumulators of a group, A (even) and
 * B (odd), then merge into the group's int sums in channel order with one shift and one OR ({@code A | B << 32}
 * read as ints: lane 2i = A_i, lane 2i+1 = B_i), and the epilogue converts them lane for lane to floats: no
 * narrowing conversion (which measured slower than the whole epilogue should cost).
 * <p>
 * Tiles are 2 groups wide ({@link #TILE}), the last one 1 group when the padded output channels end there; the
 * tile starting at channel c is stored at {@code c * taps * words} as {@code [tap][word][tile width]}, so a
 * kernel walks it with the constant stride of its width.
 */
final class InterleavedWeights {
    /** 64-bit lanes of the preferred vector. */
    static final int LANES = LongVector.SPECIES_PREFERRED.length();
    /** Output channels per group: two longs' halves per lane, the int lanes of a vector of the same size. */
    static final int GROUP = 2 * LANES;
    /** Output channels per full tile. */
    static final int TILE = 2 * GROUP;

    static {
        if (GROUP != IntVector.SPECIES_PREFERRED.length() || GROUP != PackedWeights.COUT_BLOCK)
            throw new IllegalStateException("unsupported vector shape: " + LongVector.SPECIES_PREFERRED);
    }

    private InterleavedWeights() {}

    /** The layout above for {@code w} (output channels padded to {@link PackedWeights#coutPadded} with zeros). */
    static long[] of(PackedWeights w) {
        int taps = w.k * w.k, perChannel = taps * w.words;
        long[] r = new long[w.coutPadded * perChannel];
        for (int start = 0; start < w.coutPadded; start += TILE) {
            int width = Math.min(TILE, w.coutPadded - start);
            for (int t = 0; t < taps; t++)
                for (int j = 0; j < w.words; j++)
                    for (int q = 0; q < width; q++) {
                        int co = start + channelAt(q);
                        if (co < w.cout) r[start * perChannel + (t * w.words + j) * width + q] = w.word(t, j, co);
                    }
        }
        return r;
    }

    /** The output channel (relative to the tile's first) stored at position q of a tile row. */
    static int channelAt(int q) {
        int g = q / GROUP, r = q % GROUP;
        return g * GROUP + (r < LANES ? 2 * r : 2 * (r - LANES) + 1);
    }
}
