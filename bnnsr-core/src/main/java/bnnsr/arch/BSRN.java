package bnnsr.arch;

import bnnsr.binarize.ActivationAccumulation;
import bnnsr.binarize.Binarization;
import bnnsr.binarize.BinaryConv2d;
import bnnsr.binarize.GroupOwner;
import bnnsr.binarize.WeightAccumulation;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Elementwise;
import bnnsr.nn.Init;
import bnnsr.nn.Layer;
import bnnsr.nn.Param;
import bnnsr.nn.PixelShuffle;
import bnnsr.nn.ReLU;
import bnnsr.nn.Residual;
import bnnsr.nn.Sequential;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * BSRN, the paper's efficient binarized structure (section 3), C = 48 channels by default:
 * <pre>
 *   conv_first 3 -> C + ReLU
 *   body: {hpb} HPB blocks, each x + LB_{L-1}(...LB_0(x))            (identity skip around each HPB [inferred])
 *         LB: x + conv1b(act(conv1a(act(conv3(x)))))                  (identity skip around each LB [inferred])
 *             conv3 binary 3x3, conv1a / conv1b binary 1x1, all C -> C with bias
 *   feature skip: body(f) + f, f the head's output                     [inferred, EDSR-style]
 *   upsampler: x2 upconv1 C -> 4C + PixelShuffle(2); x3 C -> 9C + PixelShuffle(3); x4 two x2 stages (FP)
 *   conv_last C -> 3
 * </pre>
 * Accumulation ([paper] short-range inside each LB, long-range for 3x3 weights across the LBs of an HPB):
 * the three convs of an LB form one activation group ({@code body.h.lbs.l.bam.s}); its two 1x1 convs one
 * weight group ({@code body.h.lbs.l.bam.a}); the 3x3 convs of the LBs of one HPB one weight group
 * ({@code body.h.bam.a}). A 3x3 and a 1x1 kernel cannot be summed, so the 3x3 conv takes its weights from the
 * long-range group only. The activation between an LB's convs is a ReLU ({@code lb_act}: relu | none, or
 * {@code inner_act} none/auto for schemes that need a centred input, where the head's ReLU goes too).
 * Names: {@code conv_first}, {@code body.h.lbs.l.conv3|conv1a|conv1b}, {@code upconv1}, {@code upconv2},
 * {@code conv_last}.
 */
public final class BSRN implements Layer {
    private final Sequential head, body, tail;
    private Tensor feat, dFeat, dx;

    /**
     * @param headRelu the ReLU after conv_first (it feeds the first LB's binary conv)
     * @param lbRelu   the ReLUs between an LB's convs
     */
    public BSRN(int c, int hpbs, int lbs, int scale, Binarization bin, boolean headRelu, boolean lbRelu, RandomGenerator rng) {
        if (scale < 2 || scale > 4) throw new IllegalArgumentException("bsrn supports scales 2, 3, 4, not " + scale);
        if (hpbs < 1 || lbs < 1) throw new IllegalArgumentException("bsrn needs at least one HPB and one LB");
        Conv2d convFirst = new Conv2d("conv_first", 3, c, 3, true);
        Init.defaultInitWeights(convFirst, 0.1, rng);
        head = headRelu ? new Sequential(convFirst, new ReLU()) : new Sequential(convFirst);
        List<Layer> hpbList = new ArrayList<>();
        for (int h = 0; h < hpbs; h++) hpbList.add(hpb("body." + h, c, lbs, bin, lbRelu, rng));
        body = new Sequential(hpbList);
        List<Layer> up = new ArrayList<>();
        int stages = scale == 4 ? 2 : 1, r = scale == 3 ? 3 : 2;
        for (int s = 1; s <= stages; s++) {
            Conv2d upconv = new Conv2d("upconv" + s, c, c * r * r, 3, true);
            Init.defaultInitWeights(upconv, 0.1, rng);
            up.add(upconv);
            up.add(new PixelShuffle(r));
        }
        Conv2d convLast = new Conv2d("conv_last", c, 3, 3, true);
        Init.defaultInitWeights(convLast, 0.1, rng);
        up.add(convLast);
        tail = new Sequential(up);
    }

    private static Layer hpb(String prefix, int c, int lbs, Binarization bin, boolean relu, RandomGenerator rng) {
        WeightAccumulation longRange = bin.weightGroup(prefix + ".bam", lbs);
        List<Layer> lbList = new ArrayList<>();
        for (int l = 0; l < lbs; l++) {
            String p = prefix + ".lbs." + l;
            WeightAccumulation shortRange = bin.weightGroup(p + ".bam", 2);
            ActivationAccumulation acts = bin.activationGroup(p + ".bam", 3);
            BinaryConv2d conv3 = bin.conv(p + ".conv3", c, c, 3, true, rng, longRange, acts);
            BinaryConv2d conv1a = bin.conv(p + ".conv1a", c, c, 1, true, rng, shortRange, acts);
            BinaryConv2d conv1b = bin.conv(p + ".conv1b", c, c, 1, true, rng, shortRange, acts);
            Sequential lb = relu ? new Sequential(conv3, new ReLU(), conv1a, new ReLU(), conv1b)
                    : new Sequential(conv3, conv1a, conv1b);
            List<Param> owned = new ArrayList<>();
            if (shortRange != null) owned.addAll(shortRange.params());
            if (acts != null) owned.addAll(acts.params());
            lbList.add(new GroupOwner(new Residual(lb, 1f), owned));
        }
        return new GroupOwner(new Residual(new Sequential(lbList), 1f), longRange == null ? List.of() : longRange.params());
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        Tensor f = head.forward(x, training);
        Tensor b = body.forward(f, training);
        feat = Tensor.reuse(feat, b.n, b.h, b.w, b.c);
        Elementwise.add(b, f, feat);
        return tail.forward(feat, training);
    }

    @Override public Tensor backward(Tensor dy) {
        Tensor dSum = tail.backward(dy);
        Tensor dBody = body.backward(dSum);
        dFeat = Tensor.reuse(dFeat, dSum.n, dSum.h, dSum.w, dSum.c);
        Elementwise.add(dSum, dBody, dFeat);
        dx = head.backward(dFeat);
        return dx;
    }

    /** The parts, for graph export: f = head(x), output = tail(body(f) + f). */
    public Sequential head() { return head; }

    public Sequential body() { return body; }

    public Sequential tail() { return tail; }

    @Override public List<Param> params() {
        List<Param> p = new ArrayList<>(head.params());
        p.addAll(body.params());
        p.addAll(tail.params());
        return p;
    }

    @Override public List<Param> buffers() { return body.buffers(); }

    /** {@code bsrn}: C = 48, 20 HPB ({@code blocks}) of 2 LB ({@code lbs}), binarizer bam (any scheme accepted). */
    static final class Family implements Architecture {
        @Override public ArchOptions defaults(int scale) {
            return BinaryOptions.defaults("bsrn", scale, 48, 20, "bam", Map.of("lbs", "2"));
        }

        @Override public Layer build(ArchOptions o, RandomGenerator rng) {
            Binarization b = BinaryOptions.binarization(o, null);
            boolean relu = BinaryOptions.reluBeforeBinary(o, b);
            String lbAct = o.option("lb_act", "relu");
            if (!lbAct.equals("relu") && !lbAct.equals("none"))
                throw new IllegalArgumentException("bsrn: lb_act must be relu or none, not '" + lbAct + "'");
            return new BSRN(o.channels(), o.blocks(), o.intOption("lbs", 2), o.scale(), b, relu, relu && lbAct.equals("relu"), rng);
        }
    }
}
