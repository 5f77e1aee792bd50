package bnnsr.arch;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Complexity numbers against counts written out layer by layer (x4: LR 320x180 = 57600 px, x2 stage 230400, HR 921600). */
class ComplexityTest {
    static final double LR = 57600, MID = 230400, HR = 921600;

    @Test void srresnetBamX4() {
        Complexity c = Complexity.of(Architectures.create(Architectures.defaults("srresnet-bam", 4), 0));
        long conv = 64 * 64 * 9;
        assertEquals(32 * conv, c.binaryParams());
        // FP: conv_first, upconv1, upconv2, conv_hr, conv_last (+ biases); 32 binary-conv biases; per binary conv the
        // weight-BN affine (128) and act-BN affine (128); per block a (2) and s (2)
        long fp = (3 * 64 * 9 + 64) + 2 * (64 * 256 * 9 + 256) + (conv + 64) + (64 * 3 * 9 + 3) + 32 * 64 + 32 * 256 + 16 * 4;
        assertEquals(fp, c.fpParams());
        assertEquals(32 * conv * LR, c.binaryMacs720p(), 1);
        double fpMacs = 3 * 64 * 9 * LR + 64 * 256 * 9 * (LR + MID) + (conv + 64 * 3 * 9) * HR;
        assertEquals(fpMacs, c.fpMacs720p(), 1);
        assertEquals(fpMacs + 32 * conv * LR / 64, c.ops320x180(), 1);
        // packed: 32 x (64 out x 9 taps x 1 long + 64 scales) + 4 bytes per FP value the engine needs + BN running stats
        long packed = 32 * (64 * 9 * 8 + 4 * 64) + 4 * (fp - 32 * 128 - 16 * 2) + 4 * 32 * 128;
        assertEquals(packed, c.packedBytes());
    }

    @Test void bsrnX4() {
        Complexity c = Complexity.of(Architectures.create(Architectures.defaults("bsrn", 4), 0));
        long perLb = 48 * 48 * 9 + 2 * 48 * 48;
        assertEquals(40 * perLb, c.binaryParams());
        assertEquals(40 * perLb * LR, c.binaryMacs720p(), 1);
        double fpMacs = 3 * 48 * 9 * LR + 48 * 192 * 9 * (LR + MID) + 48 * 3 * 9 * HR;
        assertEquals(fpMacs, c.fpMacs720p(), 1);
    }

    @Test void vdsrBamX4RunsAtHighResolution() {
        Complexity c = Complexity.of(Architectures.create(Architectures.defaults("vdsr-bam", 4), 0));
        assertEquals(18 * 64 * 64 * 9, c.binaryParams());
        assertEquals(18 * 64 * 64 * 9 * HR, c.binaryMacs720p(), 1);
        assertEquals(2 * 3 * 64 * 9 * HR, c.fpMacs720p(), 1);
    }

    @Test void abcCountsItsBasesAndMaIsFpWork() {
        ArchOptions small = Architectures.defaults("srresnet-abc", 2).withBlocks(1);
        Complexity abc = Complexity.of(Architectures.create(small, 0));
        assertEquals(3 * 2 * 64 * 64 * 9, abc.binaryParams());
        Complexity ma = Complexity.of(Architectures.create(Architectures.defaults("srresnet-ma", 2).withBlocks(1), 0));
        assertEquals(2 * 64 * 64 * 9, ma.binaryParams());
        assertEquals(0, ma.binaryMacs720p());
        Complexity bam = Complexity.of(Architectures.create(Architectures.defaults("srresnet-bam", 2).withBlocks(1), 0));
        assertEquals(bam.fpMacs720p() + bam.binaryMacs720p(), ma.fpMacs720p(), 1);
    }
}
