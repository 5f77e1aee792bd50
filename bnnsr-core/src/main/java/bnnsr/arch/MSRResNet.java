package bnnsr.arch;

import bnnsr.io.TensorEntry;
import bnnsr.nn.BilinearUpsample;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Elementwise;
import bnnsr.nn.Init;
import bnnsr.nn.Layer;
import bnnsr.nn.LeakyReLU;
import bnnsr.nn.Param;
import bnnsr.nn.PixelShuffle;
import bnnsr.nn.ResidualBlockNoBN;
import bnnsr.nn.Sequential;
import bnnsr.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * BasicSR's {@code MSRResNet} (SRResNet without BN): conv_first + LReLU(0.1); {@code blocks} ResidualBlockNoBN
 * (body.i.conv1 / conv2); x2: upconv1 nf -> 4nf + PixelShuffle(2) + LReLU, x3: nf -> 9nf + PixelShuffle(3) + LReLU,
 * x4: two x2 stages (upconv1, upconv2); conv_hr + LReLU; conv_last; plus the bilinear-upsampled input. All convs
 * 3x3 with bias, initialised by {@code default_init_weights(..., 0.1)}. NHWC RGB in, NHWC RGB out.
 */
public final class MSRResNet implements Layer {
    static final float SLOPE = 0.1f;

    public final int scale;
    private final Sequential head, body, upsample, tail;
    private final BilinearUpsample base;
    private Tensor y, dx;

    public MSRResNet(int inChannels, int outChannels, int nf, int blocks, int scale, RandomGenerator rng) {
        this(inChannels, outChannels, nf, blocks, scale, rng, prefix -> new ResidualBlockNoBN(prefix, nf, 1f, rng));
    }

    /**
     * The same network with another residual block in the body (the binarized backbones): {@code block} builds
     * block {@code body.i} from its name prefix, in order.
     */
    public MSRResNet(int inChannels, int outChannels, int nf, int blocks, int scale, RandomGenerator rng,
                     java.util.function.Function<String, Layer> block) {
        if (scale < 2 || scale > 4) throw new IllegalArgumentException("srresnet supports scales 2, 3, 4, not " + scale);
        this.scale = scale;
        Conv2d convFirst = new Conv2d("conv_first", inChannels, nf, 3, true);
        List<Conv2d> upconvs = new ArrayList<>();
        head = new Sequential(convFirst, new LeakyReLU(SLOPE));
        List<Layer> blockList = new ArrayList<>();
        for (int i = 0; i < blocks; i++) blockList.add(block.apply("body." + i));
        body = new Sequential(blockList);
        List<Layer> up = new ArrayList<>();
        int stages = scale == 4 ? 2 : 1, r = scale == 3 ? 3 : 2;
        for (int s = 1; s <= stages; s++) {
            Conv2d upconv = new Conv2d("upconv" + s, nf, nf * r * r, 3, true);
            upconvs.add(upconv);
            up.add(upconv);
            up.add(new PixelShuffle(r));
            up.add(new LeakyReLU(SLOPE));
        }
        upsample = new Sequential(up);
        Conv2d convHr = new Conv2d("conv_hr", nf, nf, 3, true);
        Conv2d convLast = new Conv2d("conv_last", nf, outChannels, 3, true);
        tail = new Sequential(convHr, new LeakyReLU(SLOPE), convLast);
        base = new BilinearUpsample(scale);
        // BasicSR initialises the blocks as they are built, then these four (upconv2 after, for x4)
        Init.defaultInitWeights(convFirst, 0.1, rng);
        Init.defaultInitWeights(upconvs.get(0), 0.1, rng);
        Init.defaultInitWeights(convHr, 0.1, rng);
        Init.defaultInitWeights(convLast, 0.1, rng);
        if (stages == 2) Init.defaultInitWeights(upconvs.get(1), 0.1, rng);
    }

    /**
     * The same layout from parts built elsewhere (BBCU-M's binary upsampler and conv_hr):
     * output = tail(upsample(body(head(x)))) + bilinear(x).
     */
    MSRResNet(int scale, Sequential head, Sequential body, Sequential upsample, Sequential tail) {
        if (scale < 2 || scale > 4) throw new IllegalArgumentException("srresnet supports scales 2, 3, 4, not " + scale);
        this.scale = scale;
        this.head = head;
        this.body = body;
        this.upsample = upsample;
        this.tail = tail;
        this.base = new BilinearUpsample(scale);
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        Tensor out = tail.forward(upsample.forward(body.forward(head.forward(x, training), training), training), training);
        Tensor b = base.forward(x, training);
        y = Tensor.reuse(y, out.n, out.h, out.w, out.c);
        Elementwise.add(out, b, y);
        return y;
    }

    @Override public Tensor backward(Tensor dy) {
        Tensor main = head.backward(body.backward(upsample.backward(tail.backward(dy))));
        Tensor skip = base.backward(dy);
        dx = Tensor.reuse(dx, main.n, main.h, main.w, main.c);
        Elementwise.add(main, skip, dx);
        return dx;
    }

    /** The parts, for graph export: output = tail(upsample(body(head(x)))) + base(x). */
    public Sequential head() { return head; }

    public Sequential body() { return body; }

    public Sequential upsample() { return upsample; }

    public Sequential tail() { return tail; }

    public BilinearUpsample base() { return base; }

    /** In PyTorch's registration order: conv_first, body.*, upconv1, upconv2, conv_hr, conv_last. */
    @Override public List<Param> params() {
        List<Param> ps = new ArrayList<>(head.params());
        ps.addAll(body.params());
        ps.addAll(upsample.params());
        ps.addAll(tail.params());
        return ps;
    }

    /** BN running statistics and the like, should a body block have them (the binarized blocks do). */
    @Override public List<Param> buffers() {
        List<Param> bs = new ArrayList<>(head.buffers());
        bs.addAll(body.buffers());
        bs.addAll(upsample.buffers());
        bs.addAll(tail.buffers());
        return bs;
    }

    /** The registry entry {@code srresnet}: BasicSR's defaults nf = 64, nb = 16, RGB in and out. */
    static final class Family implements Architecture {
        @Override public ArchOptions defaults(int scale) { return new ArchOptions("srresnet", scale, 64, 16); }

        @Override public Layer build(ArchOptions o, RandomGenerator rng) {
            return new MSRResNet(3, 3, o.channels(), o.blocks(), o.scale(), rng);
        }

        /** nf from conv_first.weight's output channels, nb from the highest body index. */
        @Override public ArchOptions infer(ArchOptions given, Map<String, TensorEntry> tensors) {
            TensorEntry first = tensors.get("conv_first.weight");
            int nf = first != null && first.shape().length == 4 ? (int) first.shape()[0] : given.channels();
            int nb = 0;
            while (tensors.containsKey("body." + nb + ".conv1.weight")) nb++;
            return given.withChannels(nf).withBlocks(nb);
        }
    }
}
