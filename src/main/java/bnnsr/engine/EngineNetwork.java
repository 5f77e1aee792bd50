package bnnsr.engine;

import bnnsr.tensor.Tensor;

/**
 * A {@link PackedModel} run by the {@link EngineModel} as an {@link InferenceNetwork}, so the tiler, the upscaler,
 * {@code eval} and {@code upscale} take packed files like float ones.
 * <p>
 * Receptive radius: k / 2 per conv node (FP or binary, wherever it runs) plus {@link ModelNetwork#RESAMPLING_MARGIN}:
 * an over-count (HR convs see less than k / 2 LR pixels) but never an under-count, as for float models.
 */
public final class EngineNetwork implements InferenceNetwork {
    private final PackedModel model;
    private final EngineModel engine;
    private final int radius;

    public EngineNetwork(PackedModel model) {
        this.model = model;
        this.engine = new EngineModel(model);
        int r = ModelNetwork.RESAMPLING_MARGIN;
        for (Node n : model.nodes) {
            if (n instanceof Node.Conv c) r += c.k() / 2;
            if (n instanceof Node.BinaryConv b) r += b.k() / 2;
        }
        this.radius = r;
    }

    public PackedModel model() { return model; }

    @Override public int scale() { return model.scale; }

    @Override public int receptiveRadius() { return radius; }

    @Override public Tensor run(Tensor lr) {
        if (lr.n != 1 || lr.c != 3) throw new IllegalArgumentException("network input must be 1 x h x w x 3, got " + lr.shape());
        return engine.forward(lr);
    }

    /**
     * The float buffers of every node output (the steps keep theirs), the binary convs' accumulations and packed
     * inputs, per input pixel: each tensor's channels times its area relative to the input.
     */
    @Override public long bytesPerInputPixel() {
        java.util.Map<String, Integer> factor = new java.util.HashMap<>();
        factor.put(PackedModel.INPUT, 1);
        long bytes = 0;
        for (Node n : model.nodes) {
            int f = factor.get(n.inputs().getFirst());
            int channels;
            switch (n) {
                case Node.PixelShuffle p -> { f *= p.r(); channels = 0; }
                case Node.Bilinear b -> { f *= b.scale(); channels = 3; }
                default -> channels = 0;
            }
            factor.put(n.out(), f);
            channels = switch (n) {
                case Node.Conv c -> c.cout();
                case Node.BinaryConv b -> b.cout() + b.cin() + b.cin() / 8;
                default -> channels == 0 ? 64 : channels;
            };
            bytes += 4L * channels * f * f;
        }
        return bytes;
    }

    @Override public InferenceNetwork replica() { return new EngineNetwork(model); }

    @Override public String describe() { return model.arch + " x" + model.scale + " (packed)"; }
}
