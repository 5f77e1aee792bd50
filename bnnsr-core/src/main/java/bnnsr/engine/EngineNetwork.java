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
     * The float buffers the steps keep (every node's output; a binary conv also its accumulation and packed input),
     * per input pixel: channels times the tensor's area relative to the input, 4 bytes each.
     */
    @Override public long bytesPerInputPixel() {
        java.util.Map<String, int[]> shape = new java.util.HashMap<>();   // channels, spatial factor
        shape.put(PackedModel.INPUT, new int[] {PackedModel.IMAGE_CHANNELS, 1});
        long bytes = 0;
        for (Node n : model.nodes) {
            int[] in = shape.get(n.inputs().getFirst());
            int[] out = switch (n) {
                case Node.Conv c -> new int[] {c.cout(), in[1]};
                case Node.BinaryConv b -> new int[] {b.cout(), in[1]};
                case Node.PixelShuffle p -> new int[] {in[0] / (p.r() * p.r()), in[1] * p.r()};
                case Node.Bilinear b -> new int[] {in[0], in[1] * b.scale()};
                case Node.Bicubic b -> new int[] {in[0], in[1] * b.scale()};
                case Node.Nearest b -> new int[] {in[0], in[1] * b.scale()};
                default -> in;
            };
            shape.put(n.out(), out);
            long area = (long) out[1] * out[1];
            bytes += 4L * out[0] * area;
            if (n instanceof Node.BinaryConv b) bytes += (4L * b.cin() + b.cin() / 8 + 8) * area;
        }
        return bytes;
    }

    @Override public InferenceNetwork replica() { return new EngineNetwork(model); }

    @Override public String describe() { return model.arch + " x" + model.scale + " (packed)"; }
}
