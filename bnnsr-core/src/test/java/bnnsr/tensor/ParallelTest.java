package bnnsr.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParallelTest {
    /** A copy split over threads (big) or not (small) equals System.arraycopy's, and leaves the rest alone. */
    @Test void copyEqualsArraycopyWhateverTheSize() {
        int before = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                for (int length : new int[] {0, 5, Parallel.PARALLEL_COPY - 1, Parallel.PARALLEL_COPY + 7}) {
                    float[] src = new float[length + 11];
                    for (int i = 0; i < src.length; i++) src[i] = i * 0.5f;
                    float[] want = new float[length + 20], got = new float[length + 20];
                    Arrays.fill(want, -1f);
                    Arrays.fill(got, -1f);
                    System.arraycopy(src, 3, want, 9, length);
                    Parallel.copy(src, 3, got, 9, length);
                    assertArrayEquals(want, got, threads + " threads, " + length + " floats");
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
        float[] a = new float[10];
        assertThrows(IllegalArgumentException.class, () -> Parallel.copy(a, 0, a, 1, 5));
    }
}
