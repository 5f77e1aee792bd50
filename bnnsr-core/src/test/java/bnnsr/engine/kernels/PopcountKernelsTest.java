package bnnsr.engine.kernels;

import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static bnnsr.engine.kernels.BinaryConvOpsTest.randomArray;
import static bnnsr.engine.kernels.BinaryConvOpsTest.randomTensor;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every popcount kernel (whichever this CPU would choose) against the scalar oracle, bit for bit, on shapes that
 * exercise the tiles' edges: rows longer than a run of pixels and not a multiple of the 3-pixel tile (phantom
 * pixels at a row's end and at the buffer's end), 1-group tails (48, 80 channels), 256 and 576 output channels,
 * several input words, 1x1 to 5x5 windows and the border classes.
 */
class PopcountKernelsTest {
    private static final BinaryConvOps SCALAR = BinaryConvOps.scalar();

    /** kernel, n, h, w, cin, cout, k */
    static Stream<Arguments> cases() {
        int[][] shapes = {
                {1, 3, 67, 64, 64, 3},   // runs of 30 pixels plus a short last run (7: one phantom pixel)
                {1, 2, 65, 64, 48, 3},   // a 1-group tail; 65 = 2 x 30 + 5: a last run of 5 (one phantom)
                {1, 2, 7, 64, 256, 3},
                {1, 2, 5, 64, 576, 3},   // runs of 3 pixels
                {2, 4, 4, 130, 80, 3},   // 3 input words, channel tails, two images
                {1, 5, 8, 64, 64, 5},
                {1, 1, 1, 64, 16, 3},    // one pixel: two phantoms at the buffer's end
                {1, 1, 2, 3, 8, 1},      // k = 1 (no border), tiny channel counts
                {1, 6, 31, 96, 32, 3}};
        return Stream.of(PopcountKernel.values()).flatMap(kernel -> Arrays.stream(shapes).map(s ->
                Arguments.of(kernel, s[0], s[1], s[2], s[3], s[4], s[5])));
    }

    @ParameterizedTest(name = "{0} n{1} {2}x{3} {4}->{5} k{6}")
    @MethodSource("cases")
    void everyKernelMatchesTheScalarOracleBitForBit(PopcountKernel kernel, int n, int h, int w, int cin, int cout, int k) {
        VectorBinaryConvOps fast = VectorBinaryConvOps.with(kernel);
        assertEquals(kernel, fast.kernel());
        SplittableRandom rnd = new SplittableRandom(1000L * w + 31L * cout + cin + k);
        Tensor x = randomTensor(rnd, n, h, w, cin);
        PackedWeights pw = PackedWeights.fromOihw(randomArray(rnd, cout * cin * k * k, 0, 1), cout, cin, k);
        float[] alpha = randomArray(rnd, cout, 0, 0.1), beta = randomArray(rnd, cout, 0, 1), thr = randomArray(rnd, cout, 0, 0.5);
        PackedActivations pa = new PackedActivations(n, h, w, cin, k / 2);
        fast.pack(x, null, pa);

        int[] exactFast = new int[n * h * w * cout], exactScalar = new int[exactFast.length];
        fast.convExact(pa, pw, exactFast);
        SCALAR.convExact(pa, pw, exactScalar);
        assertArrayEquals(exactScalar, exactFast, "exact results");

        Tensor yf = new Tensor(n, h, w, cout), ys = new Tensor(n, h, w, cout);
        fast.conv(pa, pw, alpha, beta, false, yf);
        SCALAR.conv(pa, pw, alpha, beta, false, ys);
        assertArrayEquals(ys.data, yf.data, "float epilogue");

        Tensor rf = randomTensor(rnd, n, h, w, cout), rs = rf.copy();
        fast.conv(pa, pw, alpha, beta, true, rf);
        SCALAR.conv(pa, pw, alpha, beta, true, rs);
        assertArrayEquals(rs.data, rf.data, "accumulating epilogue");

        fast.convRelu(pa, pw, alpha, beta, yf);
        SCALAR.convRelu(pa, pw, alpha, beta, ys);
        assertArrayEquals(ys.data, yf.data, "ReLU epilogue");

        // the fused layer (pack + conv in one pass, threads packing their halo rows too) against pack then conv
        for (SignThresholds signs : new SignThresholds[] {null, SignThresholds.below(randomArray(rnd, cin, 0, 0.3))}) {
            PackedActivations packedScalar = new PackedActivations(n, h, w, cin, k / 2), packedFused = new PackedActivations(n, h, w, cin, k / 2);
            SCALAR.pack(x, signs, packedScalar);
            Tensor residual = randomTensor(rnd, n, h, w, cout), want = residual.copy(), got = residual.copy();
            SCALAR.conv(packedScalar, pw, alpha, beta, true, want);
            fast.packConv(x, signs, packedFused, pw, alpha, beta, true, got);
            assertArrayEquals(packedScalar.bits, packedFused.bits, "fused layer's packed signs");
            assertArrayEquals(want.data, got.data, "fused layer");
        }

        PackedActivations pf = new PackedActivations(n, h, w, cout, 1), ps = new PackedActivations(n, h, w, cout, 1);
        // stale interior bits (the border stays zero): the packing epilogue must overwrite every word it owns
        for (int i = 0; i < n; i++)
            for (int y = 0; y < h; y++) Arrays.fill(pf.bits, pf.index(i, y, 0), pf.index(i, y, w - 1) + pf.words, -1L);
        fast.convPack(pa, pw, alpha, beta, thr, pf);
        SCALAR.convPack(pa, pw, alpha, beta, thr, ps);
        assertArrayEquals(ps.bits, pf.bits, "packing epilogue");
    }

    @Test
    void theChoiceFollowsVectorSizeAndTheOverride() {
        String zen5 = "fpu avx2 avx512f avx512_vpopcntdq avx512_bitalg", skylake = "fpu avx2 avx512f avx512bw";
        assertEquals(PopcountKernel.VECTOR, PopcountKernel.choose("", 512));
        assertEquals(PopcountKernel.VECTOR, PopcountKernel.choose("", 256), "-XX:UseAVX=2: emulated, still faster");
        assertEquals(PopcountKernel.SCALAR, PopcountKernel.choose("", 128), "narrow vectors");
        assertEquals(PopcountKernel.SCALAR, PopcountKernel.choose(" Scalar ", 512));
        assertEquals(PopcountKernel.VECTOR, PopcountKernel.choose("vector", 128));
        assertEquals(PopcountKernel.VECTOR, PopcountKernel.choose("bogus", 512), "an unknown value is no override");
        assertEquals("512-bit vectors, AVX-512 VPOPCNTDQ", PopcountKernel.reason("", 512, zen5));
        assertEquals("256-bit vectors, popcount emulated (no VPOPCNTDQ in use)", PopcountKernel.reason("", 256, zen5));
        assertEquals("512-bit vectors, popcount emulated (no VPOPCNTDQ in use)", PopcountKernel.reason("", 512, skylake));
        assertEquals("512-bit vectors, popcount emulated (no VPOPCNTDQ in use)", PopcountKernel.reason("", 512, "avx512_vpopcntdqx"),
                "whole flag names only");
        assertTrue(PopcountKernel.reason("scalar", 512, zen5).startsWith("set by -Dbnnsr.popcount"));
        assertTrue(PopcountKernel.describe().startsWith(PopcountKernel.CHOSEN.name().toLowerCase()), PopcountKernel.describe());
    }

    @Test
    void interleavedWeightsHoldEveryChannelOnceInItsSlot() {
        SplittableRandom rnd = new SplittableRandom(5);
        int cout = 80, cin = 100, k = 3; // two tiles: a full one and a 1-group one (with AVX-512 lanes)
        PackedWeights pw = PackedWeights.fromOihw(randomArray(rnd, cout * cin * k * k, 0, 1), cout, cin, k);
        long[] il = pw.interleaved();
        assertSame(il, pw.interleaved(), "built once");
        int per = k * k * pw.words;
        for (int start = 0; start < pw.coutPadded; start += InterleavedWeights.TILE) {
            int width = Math.min(InterleavedWeights.TILE, pw.coutPadded - start);
            Set<Integer> seen = new HashSet<>();
            for (int q = 0; q < width; q++) {
                int co = start + InterleavedWeights.channelAt(q);
                assertTrue(seen.add(co) && co < start + width, "slot " + q + " of tile " + start);
                for (int t = 0; t < k * k; t++)
                    for (int j = 0; j < pw.words; j++)
                        assertEquals(co < cout ? pw.word(t, j, co) : 0L, il[start * per + (t * pw.words + j) * width + q]);
            }
        }
    }
}
