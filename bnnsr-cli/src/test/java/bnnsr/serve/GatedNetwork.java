package bnnsr.serve;

import bnnsr.engine.InferenceNetwork;
import bnnsr.tensor.Tensor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real bundled network behind a gate the test opens: lets a test hold a job inside the network (to fill the
 * queue, pass a timeout, disconnect or shut down mid-job) without timing guesses. Counts the runs.
 */
final class GatedNetwork implements InferenceNetwork {
    private final InferenceNetwork real;
    final CountDownLatch open = new CountDownLatch(1);
    final AtomicInteger entered = new AtomicInteger();

    GatedNetwork(InferenceNetwork real) { this.real = real; }

    @Override public Tensor run(Tensor lr) {
        entered.incrementAndGet();
        try {
            if (!open.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("gate never opened");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return real.run(lr);
    }

    @Override public int scale() { return real.scale(); }

    @Override public int receptiveRadius() { return real.receptiveRadius(); }

    @Override public long bytesPerInputPixel() { return real.bytesPerInputPixel(); }

    @Override public InferenceNetwork replica() { throw new UnsupportedOperationException("one instance in these tests"); }

    @Override public String describe() { return real.describe(); }
}
