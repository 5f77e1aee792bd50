package bnnsr.engine.graph;

import bnnsr.engine.kernels.BinaryConvOps;
import bnnsr.engine.kernels.EngineKernels;
import bnnsr.engine.kernels.PackedActivations;
import bnnsr.tensor.Parallel;
import bnnsr.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A {@link ChainPattern} (BSRN's LB block: a 3x3 and two 1x1 BAM convs) as one step, in bands of a few rows, each
 * band through all members while its floats stay in L2: the first conv's input signs (accumulation, statistic,
 * thresholds, packing) for the band's rows and halo, not yet packed by the previous band, then per member the
 * popcount conv into a per-thread band buffer ({@link BinaryConvOps#convBand}, its ReLU in the epilogue) and, for
 * the next member, the statistic of that buffer and the accumulation of its sources packed to signs
 * ({@link EngineKernels#accumulatePackRows}, reading the band buffers and the input's rows), and at the end the
 * last conv with the residual and the add in its epilogue, into the output ({@link BinaryConvOps#convResidualRows}). Node by node, an LB wrote and read back
 * its two intermediate tensors, read its input four times and its output once more (~10 passes over a tensor of
 * the image's activations); here the input is read once from memory and the output written once.
 * <p>
 * Every element sees the float operations of the node-by-node schedule in the same order (the statistic, the
 * sums, the epilogues are the same kernels on the same values), so the output and every member's packed signs are
 * bit-identical to it ({@code FusedScheduleTest}); the band height and thread count change nothing (each output
 * row is computed alone). Halo rows of the first conv's input are packed by both threads whose bands border them,
 * to the same bits.
 */
final class ChainStep implements EngineModel.Step {
    /**
     * Bytes per band buffer the band height aims at: a band's input rows, its intermediates and its output (about
     * five buffers this size) then take ~2/3 of the Zen 5's 1 MB L2 per core.
     */
    static final int BAND_BYTES = 128 << 10;
    final ChainPattern chain;
    final Node.BinaryConv[] convs;
    final BinaryConstants[] constants;
    final PackedActivations[] packed;
    private final boolean[] relu;
    private final int[][] sources;
    /**
     * Per member and source: whether this member computes the source's statistic in a band, the first member that
     * reads an intermediate (the chain's input has its statistic from the cache or the first conv's packing).
     */
    private final boolean[][] computes;
    private final int channels;
    private final String residual;
    private final MeanAbsCache cache;
    private final EngineModel owner;
    /** Rows per band, 0 for what {@link #BAND_BYTES} gives (the tests choose small bands; results do not change). */
    int bandRows;
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[0][]);

    ChainStep(ChainPattern chain, PackedModel m, MeanAbsCache cache, EngineModel owner) {
        this.chain = chain;
        this.cache = cache;
        this.owner = owner;
        List<ChainPattern.Member> ms = chain.members();
        int n = ms.size();
        convs = new Node.BinaryConv[n];
        constants = new BinaryConstants[n];
        packed = new PackedActivations[n];
        relu = new boolean[n];
        sources = new int[n][];
        for (int i = 0; i < n; i++) {
            convs[i] = ms.get(i).conv();
            constants[i] = BinaryConstants.of(convs[i], m);
            relu[i] = ms.get(i).relu();
            sources[i] = ms.get(i).sources();
        }
        channels = convs[0].cin();
        residual = convs[n - 1].residual();
        computes = new boolean[n][];
        boolean[] read = new boolean[n];
        for (int i = 0; i < n; i++) {
            computes[i] = new boolean[sources[i].length];
            for (int s = 0; s < sources[i].length; s++) {
                int t = sources[i][s] - 1;
                computes[i][s] = t >= 0 && !read[t];
                if (t >= 0) read[t] = true;
            }
        }
    }

    /** The tensors the step reads: the chain's input, the residual, the add's other operand. */
    List<String> inputs() {
        java.util.ArrayList<String> in = new java.util.ArrayList<>(List.of(chain.x(), residual));
        if (chain.addend() != null) in.add(chain.addend());
        return in;
    }

    @Override public Tensor run(Map<String, Tensor> v) {
        Tensor x = v.get(chain.x());
        if (x.c != channels) throw new IllegalArgumentException(convs[0].name() + ": input has " + x.c + " channels, expected " + channels);
        int n = convs.length, h = x.h, w = x.w, rowFloats = w * channels, p = convs[0].k() / 2;
        for (int i = 0; i < n; i++) packed[i] = PackedActivations.reuse(packed[i], x.n, x.h, x.w, channels, convs[i].k() / 2);
        boolean statistic = convs[0].statistic();
        // the input's statistic, unless this pass has it, is computed as its rows are packed for the first conv
        boolean[] computeX = {statistic && !cache.has(chain.x())};
        float[] xStat = statistic ? cache.buffer(chain.x(), x).data : null;
        // in a band, the rows may go straight into the caller's row store
        EngineModel.Output o = owner.output(x.n, x.h, x.w, channels, 1);
        Tensor y = o.tensor();
        int shift = o.shift();
        float[] res = v.get(residual).data, extra = chain.addend() == null ? null : v.get(chain.addend()).data;
        EngineModel.Rows all = owner.inputRows(x.n * h, 1);
        int from = all.from(), to = all.to();
        int rows = bandRows > 0 ? bandRows : Math.max(1, BAND_BYTES / (4 * rowFloats));
        BinaryConvOps ops = BinaryConvOps.fast();
        float[][] xSrc = {x.data}, xStats = {xStat};
        int[] xOrigin = new int[1];
        Parallel.forRange((to - from + rows - 1) / rows, (b0, b1) -> {
            float[][] buf = buffers(n, rows * rowFloats, rows * w);
            // each member's sources and statistics: the chain's input whole, intermediates in this thread's band buffers
            float[][][] src = new float[n][][], stat = new float[n][][];
            int[][] origin = new int[n][];
            for (int i = 1; i < n; i++) {
                int[] si = sources[i];
                src[i] = new float[si.length][];
                stat[i] = new float[si.length][];
                origin[i] = new int[si.length];
                for (int s = 0; s < si.length; s++) {
                    int t = si[s] - 1;
                    src[i][s] = t < 0 ? x.data : buf[t];
                    stat[i][s] = t < 0 ? xStat : buf[n + t];
                }
            }
            int packedTo = 0;
            for (int b = b0; b < b1; b++) {
                int r0 = from + b * rows, r1 = Math.min(to, r0 + rows);
                // the first conv's input rows these output rows read, within their images, not packed yet
                int lo = Math.max(Math.max(r0 / h * h, r0 - p), packedTo), hi = Math.min(((r1 - 1) / h + 1) * h, r1 + p);
                if (lo < hi) {
                    BinaryConstants k = constants[0];
                    EngineKernels.accumulatePackRows(h, w, channels, xSrc, xOrigin, k.s(), xStats, computeX, k.signs(), packed[0], lo, hi);
                    packedTo = hi;
                }
                for (int i = 0; i < n; i++) {
                    BinaryConstants k = constants[i];
                    if (i > 0) {
                        for (int s = 0; s < sources[i].length; s++) origin[i][s] = sources[i][s] == 0 ? 0 : r0 * w;
                        EngineKernels.accumulatePackRows(h, w, channels, src[i], origin[i], k.s(), stat[i], computes[i], k.signs(), packed[i], r0, r1);
                    }
                    if (i < n - 1) ops.convBand(packed[i], k.weights(), k.alpha(), k.beta(), relu[i], buf[i], r0, r1);
                    else ops.convResidualRows(packed[i], k.weights(), k.alpha(), k.beta(), res, extra, y.data, shift, r0, r1);
                }
            }
        });
        return y;
    }

    /**
     * This thread's band buffers: {@code [i]} member i's float output for i < n - 1, {@code [n + i]} the statistic of
     * member i's output (grown on demand, never shared).
     */
    private static float[][] buffers(int n, int floats, int pixels) {
        float[][] b = BUFFERS.get();
        if (b.length < 2 * n) {
            float[][] grown = new float[2 * n][];
            System.arraycopy(b, 0, grown, 0, b.length);
            BUFFERS.set(b = grown);
        }
        for (int i = 0; i < 2 * n; i++) {
            int size = i < n ? floats : pixels;
            if (b[i] == null || b[i].length < size) b[i] = new float[size];
        }
        return b;
    }
}
