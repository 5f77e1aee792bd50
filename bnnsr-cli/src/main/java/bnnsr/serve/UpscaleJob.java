package bnnsr.serve;

import bnnsr.engine.Tiler;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import bnnsr.resample.MatlabBicubic;

import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One upload to upscale: decoded, upscaled and encoded as PNG on a worker thread, all in memory. It can be
 * cancelled (timeout, client gone, shutdown) while waiting or between tiles; its {@link #result} then fails with a
 * {@link Cancelled} at once, and the worker stops at the next tile.
 */
final class UpscaleJob implements Runnable {
    enum State { QUEUED, RUNNING, DONE }

    /** Why a job stopped early; {@code status} is the HTTP answer. */
    static final class Cancelled extends CancellationException {
        final int status;

        Cancelled(int status, String why) {
            super(why);
            this.status = status;
        }
    }

    /** The encoded PNG and its size. */
    record Result(byte[] png, int width, int height) {}

    final String id;
    private final byte[] encoded;
    private final ServedModel model;      // null: MATLAB bicubic at bicubicScale
    private final int bicubicScale;
    final CompletableFuture<Result> result = new CompletableFuture<>();
    private volatile State state = State.QUEUED;
    private volatile Cancelled cancelled;
    private volatile int tilesDone, tilesTotal;

    UpscaleJob(String id, byte[] encoded, ServedModel model, int bicubicScale) {
        this.id = id;
        this.encoded = encoded;
        this.model = model;
        this.bicubicScale = bicubicScale;
    }

    State state() { return state; }

    int tilesDone() { return tilesDone; }

    int tilesTotal() { return tilesTotal; }

    /** Stops the job: a queued job never starts, a running one stops after its current tile. */
    void cancel(int status, String why) {
        Cancelled c = new Cancelled(status, why);
        cancelled = c;
        result.completeExceptionally(c);
    }

    boolean isCancelled() { return cancelled != null; }

    @Override public void run() {
        if (cancelled != null) { state = State.DONE; return; }
        state = State.RUNNING;
        try {
            FloatImage in = ImageReader.read(encoded, Path.of("upload"));
            FloatImage out = model == null ? bicubic(in) : model.upscaler().upscale(in, progress());
            byte[] png = ImageWriter.encodePng(out);
            result.complete(new Result(png, out.width, out.height));
        } catch (Cancelled e) {
            result.completeExceptionally(e);
        } catch (Throwable t) {
            result.completeExceptionally(t);
        } finally {
            state = State.DONE;
        }
    }

    private Tiler.Progress progress() {
        return (done, total) -> {
            tilesDone = done;
            tilesTotal = total;
            Cancelled c = cancelled;
            if (c != null) throw c;
        };
    }

    /** The comparison the page shows beside the model: MATLAB bicubic, clamped, with the input's channels. */
    private FloatImage bicubic(FloatImage in) {
        int s = bicubicScale;
        FloatImage up = MatlabBicubic.resize(in, in.height * s, in.width * s, s, s, true, MatlabBicubic.Border.SYMMETRIC);
        for (int i = 0; i < up.data.length; i++) up.data[i] = Math.clamp(up.data[i], 0f, 1f);
        tilesDone = tilesTotal = 1;
        return up.withBitDepth(in.bitDepth());
    }

}
