package bnnsr.engine.graph;

import bnnsr.engine.kernels.BinaryConvOps;
import bnnsr.engine.kernels.EngineKernels;
import bnnsr.engine.kernels.PackedActivations;
import bnnsr.engine.kernels.PackedWeights;
import bnnsr.engine.kernels.SignThresholds;
import bnnsr.engine.kernels.VectorBinaryConvOps;
import bnnsr.arch.ModelInput;
import bnnsr.nn.BilinearUpsample;
import bnnsr.nn.Elementwise;
import bnnsr.nn.Layer;
import bnnsr.nn.PixelShuffle;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link PackedModel}: full-precision nodes through the same {@code nn} layers training uses (so they give
 * the training forward's floats), binary convs through {@link BinaryConvOps#fast()}, and the float work around
 * them (BAM's accumulation and statistics, activations, XNOR's scale) through {@link EngineKernels}, fused but with
 * the training code's float operations: the output equals the training forward's bit for bit
 * ({@code ExportParityTest}). A ReLU that alone reads a binary conv's output runs in that conv's epilogue; the pixel
 * shuffle and activation after an FP conv run in its epilogue too ({@link ConvStep}).
 * <p>
 * Buffers belong to the steps and are reused across calls of the same input size, so one instance serves one
 * caller at a time (create one per thread; they share nothing mutable but the thread pool). The returned tensor
 * is overwritten by the next call.
 */
public final class EngineModel {
    /** One step of the schedule: reads its input tensors from {@code values}, returns its output. */
    interface Step { Tensor run(Map<String, Tensor> values); }

    public final PackedModel model;
    private final MeanAbsCache stats = new MeanAbsCache();
    private final List<Step> steps = new ArrayList<>();
    private final List<String> outs = new ArrayList<>();
    /** Per step: the node whose geometry it has (a fused conv + ReLU: the conv) and the tensors it reads. */
    private final List<Node> stepNodes = new ArrayList<>();
    private final List<List<String>> stepInputs = new ArrayList<>();
    /** Per step: its row geometry for the band schedule (a fused unit's is the whole unit's). */
    private final List<BandRunner.Geometry> geometries = new ArrayList<>();
    /** How many steps read each tensor (so its buffer goes back to the pool after the last). */
    private final Map<String, Integer> readers = new HashMap<>();
    /** Step outputs come from here and return once read for the last time: memory = the live set, not the sum. */
    private final TensorPool pool = new TensorPool();
    private Tensor output;
    /** The output rows a step must compute (band use), rowTo -1 meaning all. */
    private int rowFrom, rowTo = -1;
    /**
     * Band use: the caller's array a step may write its output rows into (output row r at row r + placeShift), so
     * the band schedule's row store receives them in place; null when none is offered.
     */
    private float[] placeIn;
    private int placeShift;

    /** The engine with every fusion (the schedule {@code bench engine} and {@code upscale} run). */
    public EngineModel(PackedModel model) { this(model, true); }

    /**
     * {@code fuseUnits} false runs each node of a BBCU unit, and an FP conv's pixel shuffle and activation, as its
     * own step (the unfused schedule, which the fused one must equal bit for bit: the tests' reference).
     */
    public EngineModel(PackedModel model, boolean fuseUnits) {
        this.model = model;
        List<Node> nodes = model.nodes;
        Map<String, Integer> nodeReaders = new HashMap<>();
        for (Node n : nodes) for (String in : n.inputs()) nodeReaders.merge(in, 1, Integer::sum);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            // BSRN's LB block: its convs in bands, the intermediates never whole
            ChainPattern chain = fuseUnits ? ChainPattern.match(nodes, i, nodeReaders) : null;
            if (chain != null) {
                ChainStep c = new ChainStep(chain, model, stats, this);
                add(c, chain.members().getFirst().conv(), c.inputs(), chain.out());
                i += chain.nodes() - 1;
                continue;
            }
            // a ReLU that alone reads a binary conv's output runs in the conv's epilogue: one step that outputs the
            // ReLU's tensor (the conv's own is read by nobody else, so it never exists)
            if (n instanceof Node.BinaryConv b && b.residual() == null && i + 1 < nodes.size()
                    && nodes.get(i + 1) instanceof Node.Activation a && a.slope() == 0f && a.in().equals(b.out())
                    && nodeReaders.get(b.out()) == 1) {
                add(new BinaryStep(b, model, stats, pool, true, this, null), b, b.inputs(), a.out());
                i++;
                continue;
            }
            // a binary conv with a residual whose output only an add reads: the add runs in the conv's epilogue
            if (fuseUnits && n instanceof Node.BinaryConv b && b.residual() != null && i + 1 < nodes.size()
                    && nodes.get(i + 1) instanceof Node.Add a && nodeReaders.get(b.out()) == 1
                    && (a.a().equals(b.out()) != a.b().equals(b.out()))) {
                String other = a.a().equals(b.out()) ? a.b() : a.a();
                List<String> ins = new ArrayList<>(b.inputs());
                ins.add(other);
                add(new BinaryStep(b, model, stats, pool, false, this, other), b, ins, a.out());
                i++;
                continue;
            }
            // an FP conv with the pixel shuffle and/or activation after it: one pass, from its output rows in cache
            ConvPattern fp = fuseUnits ? ConvPattern.match(nodes, i, nodeReaders) : null;
            if (fp != null) {
                add(new ConvStep(fp.conv(), fp.r(), fp.act(), model, this), fp.conv(), fp.conv().inputs(), fp.out(),
                        new BandRunner.Geometry(fp.r(), fp.conv().k() / 2));
                i += fp.nodes() - 1;
                continue;
            }
            UnitPattern unit = fuseUnits ? UnitPattern.match(nodes, i, nodeReaders) : null;
            if (unit != null) {
                add(new UnitStep(unit.conv(), unit.act(), unit.r(), model, this), unit.conv(), List.of(unit.conv().sources().getFirst()),
                        unit.out(), new BandRunner.Geometry(unit.r(), unit.conv().k() / 2));
                i += unit.nodes() - 1;
                continue;
            }
            add(step(n), n, n.inputs(), n.out());
        }
        for (List<String> ins : stepInputs) for (String in : ins) readers.merge(in, 1, Integer::sum);
        // a unit whose output is another unit's input packs that input's signs in its epilogue
        Map<String, UnitStep> unitByInput = new HashMap<>();
        for (Step s : steps) if (s instanceof UnitStep v) unitByInput.putIfAbsent(v.input, v);
        for (int i = 0; i < steps.size(); i++)
            if (steps.get(i) instanceof UnitStep u) u.next = unitByInput.get(outs.get(i));
    }

    private void add(Step s, Node n, List<String> inputs, String out) { add(s, n, inputs, out, BandRunner.geometry(n)); }

    private void add(Step s, Node n, List<String> inputs, String out, BandRunner.Geometry g) {
        steps.add(s);
        geometries.add(g);
        stepNodes.add(n);
        stepInputs.add(List.copyOf(inputs));
        outs.add(out);
    }

    /** The network output (NHWC, {@code scale} times larger) for an NHWC RGB input. */
    public Tensor forward(Tensor input) { return run(input, null); }

    /**
     * One step's time in a profiled forward: the tensor it outputs, the node whose geometry it has (a fused step:
     * its conv), what kind of step runs it (BinaryStep, ChainStep, UnitStep, ConvStep, LayerStep, ...).
     */
    public record StepTime(String out, Node node, String kind, double ms) {}

    /**
     * Milliseconds in binary conv steps (a fused unit or LB block included), in FP conv steps, and in the rest: the
     * benchmark's breakdown of {@link #profileSteps}.
     */
    public static double[] split(List<StepTime> steps) {
        double[] ms = new double[3];
        for (StepTime t : steps) ms[t.node() instanceof Node.BinaryConv ? 0 : t.node() instanceof Node.Conv ? 1 : 2] += t.ms();
        return ms;
    }

    /** A step's class name; a node run as its {@code nn} layer or a lambda is a "LayerStep". */
    private static String kind(Step s) { return s.getClass().isHidden() || s.getClass().isAnonymousClass() ? "LayerStep" : s.getClass().getSimpleName(); }

    /** One forward with each step timed, in schedule order (the output is the same as {@link #forward}'s). */
    public List<StepTime> profileSteps(Tensor input) {
        long[] ns = new long[steps.size()];
        run(input, ns);
        return stepTimes(ns);
    }

    /** Nanoseconds per step as {@link StepTime}s. */
    List<StepTime> stepTimes(long[] ns) {
        List<StepTime> times = new ArrayList<>();
        for (int i = 0; i < ns.length; i++)
            times.add(new StepTime(outs.get(i), stepNodes.get(i), kind(steps.get(i)), ns[i] * 1e-6));
        return times;
    }

    private Tensor run(Tensor input, long[] ns) {
        if (input.c != PackedModel.IMAGE_CHANNELS) throw new IllegalArgumentException("expected " + PackedModel.IMAGE_CHANNELS + " channels, got " + input.shape());
        Map<String, Tensor> values = new HashMap<>();
        values.put(PackedModel.INPUT, input);
        Map<Tensor, Integer> pending = new IdentityHashMap<>();
        pool.releaseAll();
        stats.newPass();
        for (int i = 0; i < steps.size(); i++) {
            long t0 = ns == null ? 0 : System.nanoTime();
            Tensor y = steps.get(i).run(values);
            if (ns != null) ns[i] += System.nanoTime() - t0;
            values.put(outs.get(i), y);
            // the output is never released; a step that passes an input on adds its readers to the same buffer
            pending.merge(y, outs.get(i).equals(PackedModel.OUTPUT) ? 1 : readers.getOrDefault(outs.get(i), 0), Integer::sum);
            for (String in : stepInputs.get(i)) {
                Tensor t = values.get(in);
                if (pending.merge(t, -1, Integer::sum) == 0) pool.give(t);
            }
            if (pending.getOrDefault(y, 0) == 0) pool.give(y);
        }
        Tensor out = values.get(PackedModel.OUTPUT);
        if (out.data.length == out.size()) return out;
        // pooled buffers may be longer than their tensor; callers may read the result's whole array
        output = Tensor.reuse(output, out.n, out.h, out.w, out.c);
        System.arraycopy(out.data, 0, output.data, 0, out.size());
        return output;
    }

    // ---------------------------------------------------------------- step-by-step use (the band schedule)

    int stepCount() { return steps.size(); }

    /** Step {@code i} itself (tests look at the fused ones). */
    Step step(int i) { return steps.get(i); }

    /** The node whose geometry step {@code i} has. */
    Node stepNode(int i) { return stepNodes.get(i); }

    List<String> stepInputs(int i) { return stepInputs.get(i); }

    /** Step {@code i}'s row geometry (null: the band schedule cannot run it). */
    BandRunner.Geometry stepGeometry(int i) { return geometries.get(i); }

    /** The first output row the running step must compute (band use). */
    int rowFrom() { return rowFrom; }

    /** Rows [from, to) of a step's input (images stacked). */
    record Rows(int from, int to) {}

    /**
     * The input rows the running step computes, its output having {@code r} rows per input row and its input
     * {@code stacked} rows: in a band, those whose output rows it must keep; else all.
     */
    Rows inputRows(int stacked, int r) { return rowTo < 0 ? new Rows(0, stacked) : new Rows(rowFrom / r, (rowTo + r - 1) / r); }

    /** The end of the output rows the running step must compute, -1 meaning all (a whole-image run). */
    int rowTo() { return rowTo; }

    String stepOutput(int i) { return outs.get(i); }

    /**
     * Runs step {@code i} alone on {@code values} (its inputs: slabs of rows of the whole tensors, all of one
     * height); statistics are computed afresh for these slabs. Only output rows [keepFrom, keepTo) need to be
     * right: convs compute just those (the others hold garbage). The result may be an input (an alias step) or a
     * buffer of this model's pool, which the caller hands back with {@link #release} once it has read it.
     */
    Tensor runStep(int i, Map<String, Tensor> values, int keepFrom, int keepTo) { return runStep(i, values, keepFrom, keepTo, null, 0); }

    /**
     * {@link #runStep(int, Map, int, int)} offering {@code dst}: a step that can write its output rows [keepFrom,
     * keepTo) straight into a caller's array puts row r at {@code dst[(r + shift) * rowFloats ..]}, writes nothing
     * else of it, and returns a tensor on {@code dst} (the caller checks {@code result.data == dst}); the others
     * (elementwise and resampling steps) return their own buffer as without it.
     */
    Tensor runStep(int i, Map<String, Tensor> values, int keepFrom, int keepTo, float[] dst, int shift) {
        stats.newPass();
        rowFrom = keepFrom;
        rowTo = keepTo;
        placeIn = dst;
        placeShift = shift;
        try {
            return steps.get(i).run(values);
        } finally {
            rowTo = -1;
            placeIn = null;
        }
    }

    /** A tensor on {@link #placeIn} for a step that writes its rows there (its shape is nominal). */
    private Tensor placed(int w, int c) { return new Tensor(1, Math.max(1, placeIn.length / (w * c)), w, c, placeIn); }

    /**
     * Where the running step writes its n x h x w x c output: output row y at row y + shift of {@code tensor.data}.
     * In a band with a row store offered, and the rows asked whole groups of {@code r} (a step that writes r output
     * rows per computed row must write no other row there), that store ({@link #placed}, shift {@link #placeShift});
     * else a pool buffer, shift 0.
     */
    record Output(Tensor tensor, int shift) {
        boolean placed(EngineModel m) { return tensor.data == m.placeIn; }
    }

    Output output(int n, int h, int w, int c, int r) {
        if (rowTo >= 0 && placeIn != null && rowFrom % r == 0 && rowTo % r == 0) return new Output(placed(w, c), placeShift);
        return new Output(pool.take(n, h, w, c), 0);
    }

    void release(Tensor t) { pool.give(t); }

    /**
     * Working memory per input pixel of a whole-image {@link #forward}, in bytes: the largest set of step outputs
     * alive at once (as the pool keeps them), plus what binary steps keep (packed input, statistics).
     */
    public long liveBytesPerInputPixel() { return bytesPerInputPixel()[0]; }

    /** The bytes per input pixel of all step outputs together (what keeping a few rows of each costs). */
    public long allBytesPerInputPixel() { return bytesPerInputPixel()[1]; }

    private long[] bytesPerInputPixel() {
        Map<String, Long> perPixel = new HashMap<>();     // bytes per input pixel of each tensor
        Map<String, Integer> area = new HashMap<>();      // spatial factor
        perPixel.put(PackedModel.INPUT, 4L * PackedModel.IMAGE_CHANNELS);
        area.put(PackedModel.INPUT, 1);
        Map<String, Integer> left = new HashMap<>(readers);
        long live = 0, peak = 0, kept = 0, all = 0;
        for (int i = 0; i < steps.size(); i++) {
            Node n = stepNodes.get(i);
            String in = stepInputs.get(i).getFirst();
            BandRunner.Geometry g = geometries.get(i);
            int gf = g == null ? 1 : g.factor();
            int f = area.get(in) * gf;
            long inPerPixel = perPixel.get(in) / ((long) area.get(in) * area.get(in));     // bytes per pixel of in
            long channels4 = switch (n) {
                // a fused upsampling conv or unit outputs C r^2 channels at r^2 fewer pixels than its output
                case Node.Conv c -> 4L * c.cout() / ((long) gf * gf);
                case Node.BinaryConv b -> 4L * b.cout() / ((long) gf * gf);
                case Node.PixelShuffle p -> inPerPixel / ((long) p.r() * p.r());
                default -> inPerPixel;
            };
            long bytes = channels4 * f * f;
            // packed input (and statistics) at the conv's input size
            long fi = f / gf;
            if (steps.get(i) instanceof ChainStep c) {
                // an LB chain keeps every member's packed input and statistics at the same size
                for (ChainPattern.Member m : c.chain.members())
                    kept += (PackedActivations.wordsFor(m.conv().cin()) * 8L + 4L * m.conv().sources().size()) * fi * fi;
            } else if (n instanceof Node.BinaryConv b) {
                kept += (PackedActivations.wordsFor(b.cin()) * 8L + 4L * b.sources().size()) * fi * fi;
            }
            perPixel.put(outs.get(i), bytes);
            area.put(outs.get(i), f);
            live += bytes;
            all += bytes;
            peak = Math.max(peak, live);
            for (String x : stepInputs.get(i))
                if (!x.equals(PackedModel.INPUT) && left.merge(x, -1, Integer::sum) == 0) live -= perPixel.get(x);
        }
        return new long[] {peak + kept, all + kept};
    }

    /** Bytes of the step output buffers this instance holds. */
    public long pooledBytes() { return pool.bytes(); }

    /**
     * The popcount work of the binary convs alone: runs each binary step's kernel on the packed input of the last
     * {@link #forward}, results discarded (no packing, no float epilogue): the floor the binary part could reach.
     * Needs the fast kernels ({@link VectorBinaryConvOps}).
     */
    public Runnable popcountOnly() {
        VectorBinaryConvOps kernel = (VectorBinaryConvOps) BinaryConvOps.fast();
        // the packed inputs as they are now: a later run in bands replaces the steps' buffers with band-sized ones
        List<BinaryInput> inputs = binaryInputs().stream().filter(b -> b.packed() != null).toList();
        return () -> {
            for (BinaryInput b : inputs) kernel.convKernelOnly(b.packed(), b.weights());
        };
    }

    /**
     * The packed input signs a binary conv node used in the last {@link #forward} (parity checks against the
     * training forward's signs); null for an unknown name. Valid until the next forward.
     */
    public PackedActivations packedInput(String binaryConv) {
        for (BinaryInput b : binaryInputs()) if (b.conv().equals(binaryConv)) return b.packed();
        return null;
    }

    /** A binary conv of the schedule: its node's name, its packed input of the last run (or null), its weights. */
    private record BinaryInput(String conv, PackedActivations packed, PackedWeights weights) {}

    /** Every binary conv's, in schedule order, whichever kind of step runs it. */
    private List<BinaryInput> binaryInputs() {
        List<BinaryInput> all = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof BinaryStep b) all.add(new BinaryInput(b.node.name(), b.packed, b.weights));
            if (s instanceof UnitStep u) all.add(new BinaryInput(u.conv.name(), u.packed, u.weights()));
            if (s instanceof ChainStep c)
                for (int i = 0; i < c.convs.length; i++) all.add(new BinaryInput(c.convs[i].name(), c.packed[i], c.constants[i].weights()));
        }
        return all;
    }

    private Step step(Node n) {
        return switch (n) {
            case Node.Conv c -> new ConvStep(c, 1, null, model, this);
            case Node.Activation a -> v -> {
                Tensor x = v.get(a.in()), y = pool.take(x.n, x.h, x.w, x.c);
                EngineKernels.activation(x, a.slope(), y);
                return y;
            };
            case Node.PixelShuffle p -> v -> {
                Tensor x = v.get(p.in());
                int r = p.r();
                if (x.c % (r * r) != 0) throw new IllegalArgumentException("pixel shuffle x" + r + ": " + x.c + " channels not divisible by " + r * r);
                Tensor y = pool.take(x.n, x.h * r, x.w * r, x.c / (r * r));
                PixelShuffle.shuffle(x, y, r, true);
                return y;
            };
            case Node.Scale c -> layer(new bnnsr.nn.Scale(c.factor()), c.in());
            case Node.Nearest c -> layer(new bnnsr.nn.NearestUpsample(c.scale()), c.in());
            case Node.RPReLU r -> {
                bnnsr.nn.RPReLU l = new bnnsr.nn.RPReLU(r.name(), r.channels());
                List<bnnsr.nn.Param> ps = l.params();
                for (int i = 0; i < ps.size(); i++)
                    System.arraycopy(model.floats(r.name() + "." + PackedModel.RPRELU_TENSORS[i]), 0, ps.get(i).value, 0, r.channels());
                yield layer(l, r.in());
            }
            case Node.Bilinear b -> layer(new BilinearUpsample(b.scale()), b.in());
            case Node.Bicubic b -> v -> ModelInput.bicubic(v.get(b.in()), b.scale());
            case Node.Add a -> v -> {
                Tensor x = v.get(a.a()), y = pool.take(x.n, x.h, x.w, x.c);
                Elementwise.add(x, v.get(a.b()), y);
                return y;
            };
            case Node.BinaryConv b -> new BinaryStep(b, model, stats, pool, false, this, null);
            case Node.BoxScale b -> new Step() {
                final float[] bias = model.floats(b.name() + ".bias");
                Tensor k;
                @Override public Tensor run(Map<String, Tensor> v) {
                    Tensor x = v.get(b.in()), src = v.get(b.source());
                    k = Tensor.reuse(k, x.n, x.h, x.w, 1);
                    EngineKernels.boxScale(stats.get(b.source(), src), b.k(), k);
                    Tensor y = pool.take(x.n, x.h, x.w, x.c);
                    EngineKernels.scaleBias(x, k, bias, y);
                    return y;
                }
            };
        };
    }

    private static Step layer(Layer l, String in) { return v -> l.forward(v.get(in), false); }

    /**
     * Activation accumulation and sign packing (fused), popcount conv with the residual fused in the epilogue: a
     * conv with a residual adds it, and the operand of a following add ({@code addend}), as it writes its results
     * ({@link BinaryConvOps#convResidualRows}; before, the residual was first copied into the output, which the
     * conv then read back and overwrote: two more passes).
     */
    private static final class BinaryStep implements Step {
        private final Node.BinaryConv node;
        private final PackedWeights weights;
        private final float[] alpha, beta, s;
        private final SignThresholds signs;
        private final MeanAbsCache cache;
        private final TensorPool pool;
        private final float[][] sources, statistics;
        private final boolean[] computeStat;
        /** The ReLU that follows runs in the epilogue. */
        private final boolean relu;
        private PackedActivations packed;
        private final EngineModel owner;
        /** The other operand of the add node fused into this step, or null. */
        private final String addend;

        BinaryStep(Node.BinaryConv node, PackedModel m, MeanAbsCache cache, TensorPool pool, boolean relu, EngineModel owner, String addend) {
            this.owner = owner;
            this.addend = addend;
            this.node = node;
            this.pool = pool;
            this.relu = relu;
            this.cache = cache;
            this.sources = new float[node.sources().size()][];
            this.statistics = new float[node.sources().size()][];
            this.computeStat = new boolean[node.sources().size()];
            BinaryConstants k = BinaryConstants.of(node, m);
            weights = k.weights();
            alpha = k.alpha();
            beta = k.beta();
            s = k.s();
            signs = k.signs();
        }

        @Override public Tensor run(Map<String, Tensor> v) {
            List<String> src = node.sources();
            Tensor x0 = v.get(src.get(0));
            packed = PackedActivations.reuse(packed, x0.n, x0.h, x0.w, node.cin(), node.k() / 2);
            BinaryConvOps ops = BinaryConvOps.fast();
            if (src.size() == 1 && s == null) {
                ops.pack(x0, signs, packed);
            } else {
                for (int i = 0; i < sources.length; i++) {
                    Tensor a = v.get(src.get(i));
                    sources[i] = a.data;
                    if (s == null) continue;
                    // a statistic not computed yet this pass (this conv's own input) is computed while accumulating
                    computeStat[i] = !cache.has(src.get(i));
                    statistics[i] = cache.buffer(src.get(i), a).data;
                }
                EngineKernels.accumulatePack(x0, sources, s, statistics, computeStat, signs, packed);
            }
            Output out = owner.output(x0.n, x0.h, x0.w, node.cout(), 1);
            Tensor y = out.tensor();
            int shift = out.shift();
            if (node.residual() != null) {
                float[] res = v.get(node.residual()).data, extra = addend == null ? null : v.get(addend).data;
                Rows rows = owner.inputRows(x0.n * x0.h, 1);
                ops.convResidualRows(packed, weights, alpha, beta, res, extra, y.data, shift, rows.from(), rows.to());
            } else if (out.placed(owner)) ops.convRowsInto(packed, weights, alpha, beta, relu, y.data, shift, owner.rowFrom, owner.rowTo);
            else if (owner.rowTo >= 0) ops.convRows(packed, weights, alpha, beta, false, relu, y, owner.rowFrom, owner.rowTo);
            else if (relu) ops.convRelu(packed, weights, alpha, beta, y);
            else ops.conv(packed, weights, alpha, beta, false, y);
            return y;
        }
    }
}
