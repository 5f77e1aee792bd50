package bnnsr.engine.graph;

import bnnsr.engine.kernels.ShuffleActivation;
import bnnsr.engine.kernels.UnitEpilogue;
import bnnsr.nn.Conv2d;
import bnnsr.tensor.ConvOps;
import bnnsr.tensor.Tensor;

import java.util.Map;

/**
 * A full-precision conv with the nn {@code Conv2d}'s float operations (its HWIO weights, the same {@link ConvOps}),
 * alone or with the PixelShuffle (r) and/or activation that follow it ({@link ConvPattern}) fused: then the conv
 * hands each piece of an output row, still in cache, to {@link ShuffleActivation}, which writes the final tensor
 * ({@link ConvOps#forwardEpilogue}). Unfused, MSRResNet's upsampler wrote and read back two high-resolution tensors
 * per stage (at x4 on a 320x180 input, 236 MB each), and each was a row-store copy in the band schedule. The
 * conv's output channels are permuted at load to shuffle-major order (weights and bias columns: each output
 * channel's arithmetic does not depend on its position), so the output equals the unfused steps' bit for bit
 * ({@code FusedScheduleTest}).
 * <p>
 * In the band schedule, the requested output rows are the fused output's; the conv computes the input rows
 * that give them (geometry: factor r, halo k / 2), and the epilogue writes them straight into the output's row
 * store when offered one and the rows are whole conv rows' worth (it writes r rows per conv row, and no row
 * outside those asked may change there).
 */
final class ConvStep implements EngineModel.Step {
    private final Node.Conv conv;
    private final int r;
    private final boolean act;
    private final float slope;
    private final float[] hwio, bias;
    private final EngineModel owner;

    /** {@code r} 1 and {@code act} null: the plain conv. */
    ConvStep(Node.Conv conv, int r, Node.Activation act, PackedModel m, EngineModel owner) {
        this.conv = conv;
        this.r = r;
        this.act = act != null;
        this.slope = act == null ? 0f : act.slope();
        this.owner = owner;
        int cout = conv.cout(), rows = conv.k() * conv.k() * conv.cin();
        float[] w = new float[cout * rows];
        Conv2d.oihwToHwio(m.floats(conv.name() + ".weight"), w, cout, conv.cin(), conv.k());
        float[] b = conv.bias() ? m.floats(conv.name() + ".bias") : null;
        if (r > 1) {
            int[] perm = UnitEpilogue.shuffleMajor(cout / (r * r), r);
            float[] p = new float[w.length];
            for (int row = 0; row < rows; row++)
                for (int o = 0; o < cout; o++) p[row * cout + o] = w[row * cout + perm[o]];
            w = p;
            if (b != null) b = UnitEpilogue.permute(b, perm);
        }
        this.hwio = w;
        this.bias = b;
    }

    @Override public Tensor run(Map<String, Tensor> v) {
        Tensor x = v.get(conv.in());
        int cout = conv.cout();
        if (x.c != conv.cin()) throw new IllegalArgumentException(conv.name() + ": input has " + x.c + " channels, expected " + conv.cin());
        ConvOps ops = ConvOps.get();
        boolean band = owner.rowTo() >= 0;
        if (r == 1 && !act) {
            EngineModel.Output o = owner.output(x.n, x.h, x.w, cout, 1);
            Tensor y = o.tensor();
            if (o.placed(owner)) ops.forwardRowsInto(x, hwio, bias, conv.k(), cout, y.data, o.shift(), owner.rowFrom(), owner.rowTo());
            else if (!band) ops.forward(x, hwio, bias, conv.k(), y);
            else ops.forwardRows(x, hwio, bias, conv.k(), y, owner.rowFrom(), owner.rowTo());
            return y;
        }
        EngineModel.Rows rows = owner.inputRows(x.n * x.h, r);      // in a band: the conv rows of the output rows to keep
        int from = rows.from(), to = rows.to(), c = cout / (r * r);
        // in a band, the rows may go straight into the caller's row store (r rows per conv row)
        EngineModel.Output o = owner.output(x.n, x.h * r, x.w * r, c, r);
        Tensor y = o.tensor();
        float[] out = y.data;
        int shift = o.shift();
        Tensor.checkShiftedRows(conv.name() + ": rows", from * r, to * r, shift, (long) x.w * r * c, out.length);
        ops.forwardEpilogue(x, hwio, bias, conv.k(), cout, from, to,
                (buf, off, row, x0, x1) -> ShuffleActivation.rows(buf, off, cout, r, act, slope, row, x0, x1, out, x.w, shift));
        return y;
    }
}
