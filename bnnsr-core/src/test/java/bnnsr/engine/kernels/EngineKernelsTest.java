package bnnsr.engine.kernels;

import bnnsr.nn.LeakyReLU;
import bnnsr.nn.ReLU;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** The engine's fused float kernels against their scalar twins and the nn layers, bit for bit. */
class EngineKernelsTest {
    static Tensor random(SplittableRandom r, int h, int w, int c) {
        Tensor t = new Tensor(1, h, w, c);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) r.nextGaussian();
        t.data[0] = 0f;
        t.data[1] = -0f;
        return t;
    }

    @Test void residualEpilogueMatchesTheScalarTwin() {
        SplittableRandom r = new SplittableRandom(5);
        for (int c : new int[] {3, 16, 48, 64})
            for (boolean add : new boolean[] {false, true}) {
                Tensor conv = random(r, 4, 5, c), res = random(r, 4, 5, c), extra = random(r, 4, 5, c);
                Tensor want = ScalarEngineKernels.residual(conv, res, add ? extra : null);
                Tensor got = new Tensor(1, 4, 5, c);
                int row = 5 * c;
                float[] band = new float[2 * row];
                for (int y = 0; y < 4; y += 2) {            // bands of 2 rows, as the fused step hands them
                    System.arraycopy(conv.data, y * row, band, 0, 2 * row);
                    EngineKernels.residual(band, res.data, add ? extra.data : null, got.data, y * row, 2 * row);
                }
                assertArrayEquals(want.data, got.data, "c=" + c + " add " + add);
            }
    }

    @Test void meanAbsMatchesTheScalarTwin() {
        SplittableRandom r = new SplittableRandom(1);
        for (int c : new int[] {1, 3, 48, 64, 70}) {
            Tensor a = random(r, 5, 7, c), fast = new Tensor(1, 5, 7, 1), slow = new Tensor(1, 5, 7, 1);
            EngineKernels.meanAbs(a, fast);
            ScalarEngineKernels.meanAbs(a, slow);
            assertArrayEquals(slow.data, fast.data, "c=" + c);
        }
    }

    @Test void accumulatePackMatchesTheScalarTwin() {
        SplittableRandom r = new SplittableRandom(2);
        for (int c : new int[] {5, 16, 48, 64, 100, 128})
            for (int n = 1; n <= 3; n++)
                for (boolean statistic : new boolean[] {true, false}) {
                    Tensor[] a = new Tensor[n], e = new Tensor[n];
                    float[][] src = new float[n][], stat = new float[n][];
                    float[] s = statistic ? new float[n] : null;
                    for (int i = 0; i < n; i++) {
                        a[i] = random(r, 4, 6, c);
                        e[i] = new Tensor(1, 4, 6, 1);
                        ScalarEngineKernels.meanAbs(a[i], e[i]);
                        src[i] = a[i].data;
                        stat[i] = e[i].data;
                        if (statistic) s[i] = (float) r.nextGaussian();
                    }
                    float[] scale = new float[c], shift = new float[c];
                    for (int j = 0; j < c; j++) {
                        scale[j] = (float) r.nextGaussian();
                        shift[j] = (float) r.nextGaussian() * 0.3f;
                    }
                    SignThresholds t = SignThresholds.ofScaleShift(scale, shift);
                    PackedActivations fast = new PackedActivations(1, 4, 6, c, 1), slow = new PackedActivations(1, 4, 6, c, 1);
                    ScalarEngineKernels.accumulatePack(a, s, e, t, slow);
                    // the last source's statistic computed on the fly, as for a conv's own input
                    boolean[] compute = new boolean[n];
                    compute[n - 1] = true;
                    stat[n - 1] = new float[4 * 6];
                    EngineKernels.accumulatePack(a[0], src, s, stat, compute, t, fast);
                    assertArrayEquals(slow.bits, fast.bits, "c=" + c + " n=" + n + " statistic=" + statistic);
                    if (statistic) assertArrayEquals(e[n - 1].data, stat[n - 1]);
                }
    }

    @Test void activationsEqualTheNnLayers() {
        SplittableRandom r = new SplittableRandom(3);
        Tensor x = random(r, 7, 9, 19);
        x.data[2] = Float.NaN;
        Tensor y = new Tensor(1, 7, 9, 19);
        EngineKernels.activation(x, 0f, y);
        assertArrayEquals(new ReLU().forward(x, false).data, y.data);
        EngineKernels.activation(x, 0.1f, y);
        assertArrayEquals(new LeakyReLU(0.1f).forward(x, false).data, y.data);
    }
}
