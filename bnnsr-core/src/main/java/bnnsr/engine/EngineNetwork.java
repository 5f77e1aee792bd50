package bnnsr.engine;

import bnnsr.engine.graph.BandRunner;
import bnnsr.engine.graph.EngineModel;
import bnnsr.engine.graph.Node;
import bnnsr.engine.graph.PackedModel;
import bnnsr.engine.graph.RowSink;
import bnnsr.tensor.Tensor;

/**
 * A {@link PackedModel} run by the {@link EngineModel} as an {@link InferenceNetwork}, so the tiler, the upscaler,
 * {@code eval} and {@code upscale} take packed files like float ones; it also streams ({@link BandRunner}).
 * <p>
 * Receptive radius: k / 2 per conv node (FP or binary, wherever it runs) plus {@link ModelNetwork#RESAMPLING_MARGIN}:
 * an over-count (HR convs see less than k / 2 LR pixels) but never an under-count, as for float models.
 * <p>
 * Band height when streaming: as many LR rows as keep a band's live activations (the largest set of step
 * outputs alive at once, {@link EngineModel#liveBytesPerInputPixel}) within {@link #BAND_BUDGET}, between
 * {@link #MIN_BAND} and {@link #MAX_BAND} rows. What it sizes for: the halo rows each conv computes twice per band
 * (2 k / 2 rows) against the band's rows, at most ~12% of the LR convs' work at 16 rows and under 4% at 64, while
 * memory stays bounded; full-width bands of a 1920-pixel-wide image hold ~0.5 MB per row of one 64-channel LR
 * tensor, so they cannot live in a 1-2 MB L2 whatever their height (that would take column tiles too).
 * <p>
 * Small images are not streamed: when a whole-image run's live activations fit in {@link #WHOLE_BUDGET}, {@link
 * #stream} runs the image whole and hands its rows on in one go. The band schedule's costs bought nothing there:
 * a 320x180 frame streamed took 1.5-1.9x the whole-image time while rows were copied into and out of the row
 * stores, and still 0.94-1.28x since steps write into them in place (halo packing, per-band parallel sections). The output is the same either way (bit for bit at x2 and x4; at x3 the band
 * schedule's bilinear weights may differ in the last bit, and the whole-image result is the reference).
 */
public final class EngineNetwork implements InferenceNetwork {
    /**
     * Bytes of live activations a band may hold by default: 256 MB, or the system property {@code
     * bnnsr.bandBudgetMb} (e.g. {@code BNNSR_JAVA_OPTS=-Dbnnsr.bandBudgetMb=1024 ./bnnsr ...}), so the band height's
     * effect on speed and memory can be measured without a rebuild; the output is the same for any budget.
     */
    public static final long BAND_BUDGET = Long.getLong("bnnsr.bandBudgetMb", 256L) << 20;
    /** Bounds of the band height, LR rows. */
    public static final int MIN_BAND = 16, MAX_BAND = 256;
    /**
     * Bytes of live activations up to which {@link #stream} runs an image whole: a 320x180 frame of the bundled
     * models at x4 (about 9 KB per LR pixel: ~0.5 GB), while a 1080p photo (~1.1 GB) is streamed.
     */
    public static final long WHOLE_BUDGET = 640L << 20;

    private final PackedModel model;
    private final EngineModel engine;
    private final int radius;
    private final boolean streams;
    private final long wholeBudget, bandBudget;
    private BandRunner bands;

    public EngineNetwork(PackedModel model) { this(model, WHOLE_BUDGET); }

    /** With another budget for whole-image runs of {@link #stream} (0: every image in bands). */
    public EngineNetwork(PackedModel model, long wholeBudget) { this(model, wholeBudget, BAND_BUDGET); }

    /** With other budgets for whole-image runs and for a band's live activations (see the class comment). */
    public EngineNetwork(PackedModel model, long wholeBudget, long bandBudget) {
        if (bandBudget < 0) throw new IllegalArgumentException("band budget must be >= 0, got " + bandBudget);
        this.model = model;
        this.wholeBudget = wholeBudget;
        this.bandBudget = bandBudget;
        this.engine = new EngineModel(model);
        int r = ModelNetwork.RESAMPLING_MARGIN;
        for (Node n : model.nodes) {
            if (n instanceof Node.Conv c) r += c.k() / 2;
            if (n instanceof Node.BinaryConv b) r += b.k() / 2;
        }
        this.radius = r;
        this.streams = BandRunner.supports(engine);
    }

    public PackedModel model() { return model; }

    @Override public int scale() { return model.scale; }

    @Override public int receptiveRadius() { return radius; }

    @Override public Tensor run(Tensor lr) {
        if (lr.n != 1 || lr.c != 3) throw new IllegalArgumentException("network input must be 1 x h x w x 3, got " + lr.shape());
        return engine.forward(lr);
    }

    @Override public boolean streams() { return streams; }

    @Override public void stream(Tensor lr, RowSink sink, Tiler.Progress progress) {
        if (!streams) {                   // the band schedule cannot run this graph: the default path, once
            InferenceNetwork.super.stream(lr, sink, progress);
            return;
        }
        if (whole(lr.h, lr.w)) {
            Tensor y = engine.forward(lr);
            sink.rows(y, 0, 0, y.h);
            progress.tileDone(1, 1);
            return;
        }
        if (bands == null) bands = new BandRunner(engine);
        bands.run(lr, bandRows(lr.w), sink, progress::tileDone);
    }

    /** Whether {@link #stream} runs an image of this size whole (see the class comment). */
    public boolean whole(int height, int width) {
        return (long) height * width * engine.liveBytesPerInputPixel() <= wholeBudget;
    }

    /** The band height for images {@code width} LR pixels wide (see the class comment). */
    public int bandRows(int width) {
        long perRow = Math.max(1, engine.liveBytesPerInputPixel() * width);
        return (int) Math.max(MIN_BAND, Math.min(MAX_BAND, bandBudget / perRow));
    }

    /**
     * A band's live activations plus the rows every tensor keeps between bands (its readers' halos and lags: a few
     * rows each, bounded here by 8 rows of every step's output).
     */
    @Override public long streamBytes(int height, int width) {
        if (whole(height, width)) return (long) height * width * engine.liveBytesPerInputPixel();
        return (long) bandRows(width) * width * engine.liveBytesPerInputPixel() + 8L * width * engine.allBytesPerInputPixel();
    }

    /**
     * The float buffers of a whole-image run per input pixel: the largest set of step outputs alive at once (the
     * engine hands buffers back after their last reader) plus the binary steps' packed inputs and statistics.
     */
    @Override public long bytesPerInputPixel() { return engine.liveBytesPerInputPixel(); }

    @Override public InferenceNetwork replica() { return new EngineNetwork(model, wholeBudget, bandBudget); }

    @Override public String describe() { return model.arch + " x" + model.scale + " (packed)"; }
}
