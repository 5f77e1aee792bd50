package bnnsr.engine.graph;

import bnnsr.engine.kernels.BinaryConvOps;
import bnnsr.engine.kernels.PackedActivations;
import bnnsr.engine.kernels.PackedWeights;
import bnnsr.engine.kernels.SignThresholds;
import bnnsr.engine.kernels.UnitEpilogue;
import bnnsr.tensor.Tensor;

import java.util.Map;

/**
 * A whole BBCU unit as one step (the nodes BinaryConv, RPReLU, [PixelShuffle, Nearest,] Add that the exporter
 * writes for it): sign packing, then per band of a few rows the popcount conv into a per-thread band buffer
 * ({@link BinaryConvOps#convBand}) and {@link UnitEpilogue#rows} from it. The conv's float output, RPReLU's,
 * the shuffled and the upsampled tensors never exist whole: at bbcu-m's HR stage each was 236 MB written and read
 * again, four times per unit.
 * <p>
 * Bands as {@link Bands} (sized so the buffer, the input rows and the output rows of a band stay in L2 between the
 * conv's writes and the epilogue's reads).
 * <p>
 * In a whole-image forward, a unit whose output is the next unit's input also packs that input's signs in its
 * epilogue ({@link #packNext}), and the next unit skips its packing pass. The output is bit-identical to the
 * unfused nodes (the same float operations per element; {@code UnitStepTest}).
 */
final class UnitStep implements EngineModel.Step {
    final Node.BinaryConv conv;
    final String input;
    final int r, channels;
    private final PackedWeights weights;
    private final float[] alpha, beta, s1, a, s2;
    final SignThresholds signs;
    private final EngineModel owner;
    PackedActivations packed;
    /** The unit that reads this one's output, when it may be packed here; set once the graph is built. */
    UnitStep next;
    /** The tensor whose signs {@link #packed} already holds (packed by the previous unit's epilogue), or null. */
    private Tensor prepacked;

    UnitStep(Node.BinaryConv conv, Node.RPReLU act, int r, PackedModel m, EngineModel owner) {
        this.conv = conv;
        this.input = conv.sources().getFirst();
        this.r = r;
        this.channels = conv.cin();
        this.owner = owner;
        if (conv.cout() != channels * r * r) throw new IllegalArgumentException(conv.name() + ": " + conv.cout() + " outputs for a x" + r + " unit of " + channels + " channels");
        String p = conv.name() + ".";
        // the conv's output channels in shuffle-major order: every per-channel constant follows the same permutation
        int[] perm = UnitEpilogue.shuffleMajor(channels, r);
        long[] file = m.words(p + "weight_bits");
        int perOut = file.length / conv.cout();
        long[] permuted = new long[file.length];
        for (int k = 0; k < perm.length; k++) System.arraycopy(file, perm[k] * perOut, permuted, k * perOut, perOut);
        weights = PackedWeights.fromFileLayout(permuted, conv.cout(), conv.cin(), conv.k());
        alpha = UnitEpilogue.permute(m.floats(p + "alpha"), perm);
        beta = UnitEpilogue.permute(m.floats(p + "beta"), perm);
        String q = act.name() + ".";
        s1 = UnitEpilogue.permute(m.floats(q + PackedModel.RPRELU_TENSORS[0]), perm);
        a = UnitEpilogue.permute(m.floats(q + PackedModel.RPRELU_TENSORS[1]), perm);
        s2 = UnitEpilogue.permute(m.floats(q + PackedModel.RPRELU_TENSORS[2]), perm);
        signs = SignThresholds.of(m.floats(p + "sign_below"), m.floats(p + "sign_above"));
    }

    PackedWeights weights() { return weights; }

    @Override public Tensor run(Map<String, Tensor> v) {
        Tensor x = v.get(input);
        if (x.c != channels) throw new IllegalArgumentException(conv.name() + ": input has " + x.c + " channels, expected " + channels);
        BinaryConvOps ops = BinaryConvOps.fast();
        packed = PackedActivations.reuse(packed, x.n, x.h, x.w, channels, conv.k() / 2);
        if (prepacked != x) ops.pack(x, signs, packed);
        prepacked = null;
        EngineModel.Rows rows = owner.inputRows(x.n * x.h, r);      // in a band: the input rows of the output rows to keep
        int from = rows.from(), to = rows.to();
        // in a band, the output rows may go straight into the caller's row store (r rows per input row)
        EngineModel.Output o = owner.output(x.n, x.h * r, x.w * r, channels, r);
        Tensor y = o.tensor();
        float[] out = y.data;
        int shift = o.shift();
        boolean place = o.placed(owner);
        boolean packNext = next != null && owner.rowTo() < 0;
        PackedActivations nextPacked = null;
        if (packNext) nextPacked = next.packed = PackedActivations.reuse(next.packed, y.n, y.h, y.w, next.channels, next.conv.k() / 2);
        SignThresholds nextSigns = packNext ? next.signs : null;
        PackedActivations target = nextPacked;
        Bands.run(from, to, x.w * conv.cout(), (r0, r1, band) -> {
            ops.convBand(packed, weights, alpha, beta, band, r0, r1);
            if (place) UnitEpilogue.rows(band, s1, a, s2, r, x, r0, r1, out, shift, null, null);
            else UnitEpilogue.rows(band, s1, a, s2, r, x, r0, r1, y, nextSigns, target);
        });
        if (packNext) next.prepacked = y;
        return y;
    }
}
