package bnnsr.engine.graph;

import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a packed model over an image in bands of rows, streaming: each tensor of the graph is computed band after
 * band and keeps, between bands, only the rows its readers still need (the halo of a conv, the lag of a skip), so
 * memory grows with the image's width but not its height, and no row is computed twice across bands.
 *
 * <p>Each step (a node, or a binary conv with its fused ReLU) runs the {@link EngineModel}'s own code on a slab:
 * the rows of its inputs that the new output rows need, plus the step's halo ({@code k / 2} rows for a conv) on
 * each side where the image has them. The slab's edge rows see the slab's zero padding, not the image, so the step
 * keeps only the rows at least a halo away from a slab edge that is not an image edge: those rows read exactly the
 * values they read in a whole-image run, in the same float order (every kernel's per-pixel order is independent of
 * the image size), so the result is bit-identical to {@link EngineModel#forward} at x2 and x4. (Resampling nodes
 * compute their source coordinates from the output index in float; at x3, 1/3 is inexact, and the last bit of a
 * bilinear or bicubic weight can differ from the whole-image run's, as with the {@code Tiler}.) FP and binary convs
 * compute only the kept rows ({@code forwardRows}, {@code convRows}); what is still done twice is the sign packing
 * of a binary conv's halo rows (2 k / 2 rows per band) and the small resampling nodes' halos.
 *
 * <p>From the second band on, a step is offered its output's row store ({@link EngineModel#runStep(int, Map, int,
 * int, float[], int)}): convs and fused units write their new rows straight into it, after the rows it keeps
 * ({@code forwardRowsInto}, {@code convRowsInto}, the units' epilogue); only the other steps' rows (elementwise,
 * resampling) are copied in. At 1920 x 1080 x4 the copies took ~5 s of ~30 before.
 * (Indicative, shared machine.)
 *
 * <p>Row geometry per node kind: a {@code factor} (output rows per input row: 1, or r for pixel shuffle and the
 * upsamplers) and a {@code halo} in input rows. A node kind without a geometry here makes {@link #supports} false
 * and callers fall back to whole images or tiles.
 */
public final class BandRunner {
    /** Told after each band. */
    @FunctionalInterface
    public interface Progress { void bandDone(int done, int total); }

    /** Output rows per input row and input halo rows of a node kind; null when streaming does not support it. */
    public record Geometry(int factor, int halo) {}

    public static Geometry geometry(Node n) {
        return switch (n) {
            case Node.Conv c -> new Geometry(1, c.k() / 2);
            case Node.BinaryConv b -> new Geometry(1, b.k() / 2);
            case Node.BoxScale b -> new Geometry(1, b.k() / 2);
            case Node.Activation a -> new Geometry(1, 0);
            case Node.Scale c -> new Geometry(1, 0);
            case Node.RPReLU r -> new Geometry(1, 0);
            // output row y is input row y / s
            case Node.Nearest n2 -> new Geometry(n2.scale(), 0);
            case Node.Add a -> new Geometry(1, 0);
            case Node.PixelShuffle p -> new Geometry(p.r(), 0);
            // output row y reads input rows floor((y + 0.5) / s - 0.5) and the next one
            case Node.Bilinear b -> new Geometry(b.scale(), 1);
            // MATLAB's cubic kernel spans 4 input rows around (y + 0.5) / s - 0.5, and the slab's symmetric
            // border padding must stay out of them: 3 rows
            case Node.Bicubic b -> new Geometry(b.scale(), 3);
        };
    }

    /** Whether every step of {@code engine} has a geometry. */
    public static boolean supports(EngineModel engine) {
        for (int i = 0; i < engine.stepCount(); i++)
            if (engine.stepGeometry(i) == null) return false;
        return true;
    }

    private final EngineModel engine;
    private final int steps;
    private final int[] factor, halo;
    /** Per tensor name: the steps that read it. */
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final ArrayPool arrays = new ArrayPool();

    public BandRunner(EngineModel engine) {
        this.engine = engine;
        this.steps = engine.stepCount();
        this.factor = new int[steps];
        this.halo = new int[steps];
        for (int i = 0; i < steps; i++) {
            Geometry g = engine.stepGeometry(i);
            if (g == null) throw new IllegalArgumentException("no band geometry for " + engine.stepNode(i));
            factor[i] = g.factor();
            halo[i] = g.halo();
            for (String in : engine.stepInputs(i)) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
        }
    }

    /**
     * Runs the model on {@code lr} (1 x h x w x 3) in bands of {@code bandRows} LR rows, handing every output row
     * to {@code sink} exactly once, top to bottom; {@code progress} is told after each band.
     */
    public void run(Tensor lr, int bandRows, RowSink sink, Progress progress) { run(lr, bandRows, sink, progress, null); }

    /**
     * {@link #run} with each step's time over all bands, in schedule order as {@link EngineModel#profileSteps} gives
     * it (the row bookkeeping between steps is in no step's time); the rows go nowhere.
     */
    public List<EngineModel.StepTime> profileSteps(Tensor lr, int bandRows) {
        long[] ns = new long[steps];
        run(lr, bandRows, (slab, y0, from, to) -> {}, (done, total) -> {}, ns);
        return engine.stepTimes(ns);
    }

    private void run(Tensor lr, int bandRows, RowSink sink, Progress progress, long[] ns) {
        if (lr.n != 1 || lr.c != PackedModel.IMAGE_CHANNELS) throw new IllegalArgumentException("expected a 1 x h x w x 3 image, got " + lr.shape());
        if (bandRows < 1) throw new IllegalArgumentException("band rows must be >= 1, got " + bandRows);
        Map<String, Rows> stores = new HashMap<>();
        Map<String, int[]> size = new HashMap<>();                          // rows, width
        size.put(PackedModel.INPUT, new int[] {lr.h, lr.w});
        Map<String, Integer> done = new HashMap<>();
        done.put(PackedModel.INPUT, lr.h);
        int outH = -1;
        for (int i = 0; i < steps; i++) {
            int[] in = size.get(engine.stepInputs(i).getFirst());
            int[] out = new int[] {in[0] * factor[i], in[1] * factor[i]};
            size.put(engine.stepOutput(i), out);
            done.put(engine.stepOutput(i), 0);
            if (engine.stepOutput(i).equals(PackedModel.OUTPUT)) outH = out[0];
        }
        int s = outH / lr.h, bands = (lr.h + bandRows - 1) / bandRows;
        Map<String, Integer> need = new HashMap<>();
        try {
            for (int band = 0; band < bands; band++) {
                // what each tensor must hold by the end of this band, from the output back
                need.clear();
                need.put(PackedModel.OUTPUT, Math.min(outH, (band + 1) * bandRows * s));
                for (int i = steps - 1; i >= 0; i--) {
                    String o = engine.stepOutput(i);
                    int e = need.getOrDefault(o, 0);
                    if (e <= done.get(o)) continue;
                    for (String in : engine.stepInputs(i)) {
                        int h = size.get(in)[0], r = Math.min(h, ceilDiv(e, factor[i]) + halo[i]);
                        need.merge(in, r, Math::max);
                    }
                }
                for (int i = 0; i < steps; i++) {
                    String o = engine.stepOutput(i);
                    int d = done.get(o), e = need.getOrDefault(o, 0);
                    if (e <= d) continue;
                    List<String> ins = engine.stepInputs(i);
                    int inH = size.get(ins.getFirst())[0];
                    int hi = Math.min(inH, ceilDiv(e, factor[i]) + halo[i]);
                    int lo = slabStart(ins, stores, Math.max(0, d / factor[i] - halo[i]));
                    Map<String, Tensor> slabs = new HashMap<>();
                    for (String in : ins)
                        slabs.computeIfAbsent(in, k -> k.equals(PackedModel.INPUT) ? inputSlab(lr, lo, hi) : stores.get(k).slab(lo, hi));
                    int y0 = lo * factor[i];
                    // the output's row store (known from the second band on) is offered to the step, which may write
                    // its new rows straight into it: slab row r is image row y0 + r, kept at store row y0 + r - lo
                    Rows store = stores.get(o);
                    int keep = minNeeded(o, done, d);
                    if (store != null) store.prepare(d, hi * factor[i], keep);
                    long t0 = ns == null ? 0 : System.nanoTime();
                    Tensor y = store == null ? engine.runStep(i, slabs, d - y0, e - y0)
                            : engine.runStep(i, slabs, d - y0, e - y0, store.data, y0 - store.lo);
                    if (ns != null) ns[i] += System.nanoTime() - t0;
                    if (o.equals(PackedModel.OUTPUT)) {
                        sink.rows(y, y0, d, e);
                    } else if (store != null && y.data == store.data) {
                        store.hi = e;
                    } else {
                        stores.computeIfAbsent(o, k -> new Rows(y.w, y.c)).append(y, y0, d, e, keep);
                    }
                    done.put(o, e);
                    engine.release(y);
                    for (Tensor t : slabs.values()) arrays.giveTemporary(t);
                    // rows no reader will ask for again go, and big buffers back to the pool
                    for (String in : ins)
                        if (!in.equals(PackedModel.INPUT)) stores.get(in).dropBelow(minNeeded(in, done, -1));
                }
                progress.bandDone(band + 1, bands);
            }
        } finally {
            for (Rows r : stores.values()) r.free();
        }
    }

    /**
     * The first input row of a step's slabs: {@code natural} (its halo above the rows it computes), or lower when
     * every row store it reads starts at the same row above that: a slab that starts where its store does is that
     * store's array itself, with no copy, and the few extra rows on top are real rows (a conv computes only the
     * rows asked; an elementwise step a few more). Stores start lower than a reader needs when another reader
     * lags behind it (a block's input read by its first conv and, a row later, by its second as a BAM source or
     * residual); without this, the first conv's slab was a copy each band.
     */
    private static int slabStart(List<String> ins, Map<String, Rows> stores, int natural) {
        int common = -1;
        for (String in : ins) {
            if (in.equals(PackedModel.INPUT)) continue;        // the image's rows are copied into a slab anyway
            int l = stores.get(in).lo;
            if (common >= 0 && l != common) return natural;
            common = l;
        }
        return common >= 0 && common < natural ? common : natural;
    }

    /**
     * The first row of tensor {@code t} a reader can still ask for: a reader whose output has rows [0, done) reads
     * from row done / factor - halo on. {@code producedUpTo} >= 0 stands for t's own done count while its rows are
     * being appended (a tensor with no readers keeps nothing).
     */
    private int minNeeded(String t, Map<String, Integer> done, int producedUpTo) {
        List<Integer> cs = consumers.get(t);
        if (cs == null) return producedUpTo < 0 ? Integer.MAX_VALUE : producedUpTo;
        int m = Integer.MAX_VALUE;
        for (int c : cs) m = Math.min(m, Math.max(0, done.get(engine.stepOutput(c)) / factor[c] - halo[c]));
        return m;
    }

    private Tensor inputSlab(Tensor lr, int lo, int hi) {
        int rowLen = lr.w * lr.c;
        if (lo == 0) return new Tensor(1, hi, lr.w, lr.c, lr.data);
        float[] d = arrays.take((hi - lo) * rowLen);
        Parallel.copy(lr.data, lo * rowLen, d, 0, (hi - lo) * rowLen);
        arrays.markTemporary(d);
        return new Tensor(1, hi - lo, lr.w, lr.c, d);
    }

    /** Bytes of all the row arrays this runner has allocated (they are reused, never freed): its memory. */
    public long pooledBytes() { return arrays.allocated; }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    /**
     * The rows [lo, hi) of one tensor that are kept, packed at the front of a pooled array (row lo at offset 0).
     */
    private final class Rows {
        final int width, channels, rowLen;
        float[] data;
        int lo, hi;

        Rows(int width, int channels) {
            this.width = width;
            this.channels = channels;
            this.rowLen = width * channels;
        }

        /** Appends image rows [from, to) taken from {@code y} (whose row 0 is image row y0), first dropping rows below keepFrom. */
        void append(Tensor y, int y0, int from, int to, int keepFrom) {
            prepare(from, to, keepFrom);
            Parallel.copy(y.data, (from - y0) * rowLen, data, (hi - lo) * rowLen, (to - from) * rowLen);
            hi = to;
        }

        /**
         * Makes room for image rows [from, end) after the kept ones (from must follow them), first dropping rows
         * below keepFrom: the array then holds rows lo.. from its start, with space up to row end.
         */
        void prepare(int from, int end, int keepFrom) {
            if (from != hi && (data != null || lo != hi)) throw new IllegalStateException("rows from " + from + " do not follow " + lo + ".." + hi);
            if (data == null) lo = hi = from;       // nothing kept: start at the new rows
            dropBelow(Math.min(keepFrom, from));
            int rows = end - lo;
            if (data == null || data.length < rows * rowLen) {
                float[] bigger = arrays.take(rows * rowLen);
                if (data != null) {
                    System.arraycopy(data, 0, bigger, 0, (hi - lo) * rowLen);
                    arrays.give(data);
                }
                data = bigger;
            }
        }

        /**
         * Forgets rows below {@code row}; the rest move to the front, or to a smaller pooled array when they fit
         * one (the band's big array then serves the next tensor), or the array goes back when nothing is left.
         */
        void dropBelow(int row) {
            if (data == null || row <= lo) return;
            row = Math.min(row, hi);
            int keep = (hi - row) * rowLen;
            if (keep == 0) {
                arrays.give(data);
                data = null;
            } else if (ArrayPool.capacity(keep) < data.length) {
                float[] small = arrays.take(keep);
                Parallel.copy(data, (row - lo) * rowLen, small, 0, keep);
                arrays.give(data);
                data = small;
            } else {
                System.arraycopy(data, (row - lo) * rowLen, data, 0, keep);
            }
            lo = row;
        }

        /** Rows [from, to) as a tensor: this array itself when from is its first row, else a pooled copy. */
        Tensor slab(int from, int to) {
            if (from < lo || to > hi) throw new IllegalStateException("rows " + from + ".." + to + " asked, " + lo + ".." + hi + " held");
            if (from == lo) return new Tensor(1, to - from, width, channels, data);
            float[] d = arrays.take((to - from) * rowLen);
            Parallel.copy(data, (from - lo) * rowLen, d, 0, (to - from) * rowLen);
            arrays.markTemporary(d);
            return new Tensor(1, to - from, width, channels, d);
        }

        void free() {
            if (data != null) arrays.give(data);
            data = null;
        }
    }

    /**
     * Float arrays reused across bands and tensors: a band's worth of rows of one tensor goes back once its readers
     * are done and serves the next tensor (best fit; lengths rounded up to 8 steps per power of two so that
     * nearly equal requests share arrays).
     */
    static final class ArrayPool {
        private final java.util.TreeMap<Integer, ArrayDeque<float[]>> free = new java.util.TreeMap<>();
        private long allocated;
        private final java.util.Set<float[]> temporary = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        /** The length of the arrays that serve requests of {@code length} floats. */
        static int capacity(int length) {
            if (length <= 64) return 64;
            int step = Integer.highestOneBit(length - 1) >> 3;
            long c = ((long) length + step - 1) / step * step;
            return (int) Math.min(Integer.MAX_VALUE - 8, c);
        }

        /** The smallest free array that fits and is at most twice the size asked, else a new one. */
        float[] take(int length) {
            int cap = capacity(length);
            var e = free.ceilingEntry(cap);
            if (e != null && e.getKey() / 2 <= cap) {
                float[] a = e.getValue().poll();
                if (e.getValue().isEmpty()) free.remove(e.getKey());
                return a;
            }
            allocated += 4L * cap;
            return new float[cap];
        }

        void give(float[] a) { free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a); }

        void markTemporary(float[] a) { temporary.add(a); }

        /** Gives back a slab's array when it was a copy made for one step. */
        void giveTemporary(Tensor t) { if (temporary.remove(t.data)) give(t.data); }
    }
}
