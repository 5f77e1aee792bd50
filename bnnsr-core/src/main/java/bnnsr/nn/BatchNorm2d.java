package bnnsr.nn;

import bnnsr.tensor.Chunks;
import bnnsr.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code nn.BatchNorm2d(C)} (eps 1e-5, momentum 0.1, affine, tracking running stats) on NHWC input.
 * Training: statistics over N, H, W; the biased variance normalises, the unbiased one (count / (count - 1)) goes
 * into {@code running_var}. Evaluation: the running statistics. Names: {@code weight}, {@code bias} (params,
 * no decay), {@code running_mean}, {@code running_var}, {@code num_batches_tracked} (buffers).
 * Statistics are summed in double over fixed pixel chunks, so they do not depend on the thread count.
 */
public final class BatchNorm2d implements Layer {
    public static final double EPS = 1e-5, MOMENTUM = 0.1;

    public final int channels;
    public final Param weight, bias, runningMean, runningVar, numBatchesTracked;

    /** Per-channel mean and 1/sqrt(var + eps) of the last forward (batch or running statistics). */
    private final double[] mean, invStd;
    /** y = x * scale + shift. */
    private final float[] scale, shift;
    /** Backward's per-channel factors, float copies of mean and invStd included. */
    private final float[] gradScale, meanDy, meanDyXhat, meanF, invStdF;
    private double[] partial = new double[0];
    private float[] blockSum = new float[0];
    private boolean lastTraining;
    private Tensor x, y, dx;

    public BatchNorm2d(String prefix, int channels) {
        this.channels = channels;
        weight = new Param(Names.join(prefix, "weight"), new int[] {channels}, false);
        bias = new Param(Names.join(prefix, "bias"), new int[] {channels}, false);
        runningMean = new Param(Names.join(prefix, "running_mean"), new int[] {channels}, false);
        runningVar = new Param(Names.join(prefix, "running_var"), new int[] {channels}, false);
        numBatchesTracked = new Param(Names.join(prefix, "num_batches_tracked"), new int[0], false, true);
        Arrays.fill(weight.value, 1f);
        Arrays.fill(runningVar.value, 1f);
        mean = new double[channels];
        invStd = new double[channels];
        scale = new float[channels];
        shift = new float[channels];
        gradScale = new float[channels];
        meanDy = new float[channels];
        meanDyXhat = new float[channels];
        meanF = new float[channels];
        invStdF = new float[channels];
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        if (x.c != channels)
            throw new IllegalArgumentException(weight.name + ": input has " + x.c + " channels, expected " + channels);
        int c = channels, pixels = x.n * x.h * x.w;
        if (training) {
            if (pixels < 2)
                throw new IllegalArgumentException(weight.name + ": batch statistics need more than 1 value per channel");
            batchStatistics(x, pixels);
        } else {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = runningMean.value[ch];
                invStd[ch] = runningInvStd(ch);
            }
        }
        affine(mean, invStd, scale, shift);
        y = Tensor.reuse(y, x.n, x.h, x.w, c);
        float[] in = x.data, out = y.data, sc = scale, sh = shift;
        Chunks.run(pixels, Chunks.count(pixels, grain()), (chunk, p0, p1) -> {
            for (int i = p0 * c, e = p1 * c; i < e; i += c)
                for (int ch = 0; ch < c; ch++) out[i + ch] = in[i + ch] * sc[ch] + sh[ch];
        });
        this.x = x;
        this.lastTraining = training;
        return y;
    }

    /**
     * The evaluation-mode transform y = x * scale + shift (running statistics), with the very float roundings
     * {@link #forward} uses: a deployment engine folding BN reproduces the forward bit for bit from these.
     */
    public void inferenceAffine(float[] scale, float[] shift) {
        double[] mu = new double[channels], is = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            mu[ch] = runningMean.value[ch];
            is[ch] = runningInvStd(ch);
        }
        affine(mu, is, scale, shift);
    }

    private double runningInvStd(int ch) { return 1.0 / Math.sqrt(runningVar.value[ch] + EPS); }

    private void affine(double[] mu, double[] is, float[] scale, float[] shift) {
        for (int ch = 0; ch < channels; ch++) {
            double a = weight.value[ch] * is[ch];
            scale[ch] = (float) a;
            shift[ch] = (float) (bias.value[ch] - mu[ch] * a);
        }
    }

    /** Two passes (mean, then centred squares) for accuracy; updates the running statistics. */
    private void batchStatistics(Tensor x, int pixels) {
        int c = channels, chunks = Chunks.count(pixels, grain());
        double[] part = partials(2 * chunks * c);
        float[] in = x.data;
        Chunks.run(pixels, chunks, (chunk, p0, p1) -> {
            int base = chunk * c;
            for (int ch = 0; ch < c; ch++) part[base + ch] = 0;
            for (int i = p0 * c, e = p1 * c; i < e; i += c)
                for (int ch = 0; ch < c; ch++) part[base + ch] += in[i + ch];
        });
        for (int ch = 0; ch < c; ch++) mean[ch] = Chunks.sum(part, chunks, c, ch) / pixels;
        double[] mu = mean;
        Chunks.run(pixels, chunks, (chunk, p0, p1) -> {
            int base = chunk * c;
            for (int ch = 0; ch < c; ch++) part[base + ch] = 0;
            for (int i = p0 * c, e = p1 * c; i < e; i += c)
                for (int ch = 0; ch < c; ch++) { double d = in[i + ch] - mu[ch]; part[base + ch] += d * d; }
        });
        for (int ch = 0; ch < c; ch++) {
            double var = Chunks.sum(part, chunks, c, ch) / pixels;
            invStd[ch] = 1.0 / Math.sqrt(var + EPS);
            runningMean.value[ch] = (float) ((1 - MOMENTUM) * runningMean.value[ch] + MOMENTUM * mean[ch]);
            runningVar.value[ch] = (float) ((1 - MOMENTUM) * runningVar.value[ch]
                    + MOMENTUM * var * pixels / (pixels - 1));
        }
        numBatchesTracked.value[0] += 1;
    }

    @Override public Tensor backward(Tensor dy) {
        if (x == null || !dy.sameShape(y))
            throw new IllegalStateException(weight.name + ": backward " + dy.shape() + " without matching forward");
        int c = channels, pixels = x.n * x.h * x.w, chunks = Chunks.count(pixels, grain());
        double[] part = partials(2 * chunks * c);
        float[] in = x.data, g = dy.data;
        double[] mu = mean, is = invStd;
        float[] muF0 = meanF;
        for (int ch = 0; ch < c; ch++) muF0[ch] = (float) mu[ch];
        // part[chunk][0..c) = sum dy, part[chunk][c..2c) = sum dy * (x - mean), in float over blocks of
        // ChannelKernels.BLOCK pixels (vectorised over channels), the blocks added in double
        float[] blockSums = blockSums(2 * chunks * c);
        Chunks.run(pixels, chunks, (chunk, p0, p1) ->
                ChannelKernels.bnSums(g, in, muF0, c, p0, p1, blockSums, chunk * 2 * c, part, chunk * 2 * c));
        float[] gs = gradScale, mdy = meanDy, mdx = meanDyXhat, muF = meanF, isF = invStdF;
        for (int ch = 0; ch < c; ch++) {
            double sumDy = Chunks.sum(part, chunks, 2 * c, ch), sumDyXhat = Chunks.sum(part, chunks, 2 * c, c + ch) * is[ch];
            bias.grad[ch] += (float) sumDy;
            weight.grad[ch] += (float) sumDyXhat;
            gs[ch] = (float) (weight.value[ch] * is[ch]);
            // batch statistics depend on x too: dx = gamma * invstd * (dy - mean(dy) - xhat * mean(dy * xhat))
            mdy[ch] = lastTraining ? (float) (sumDy / pixels) : 0f;
            mdx[ch] = lastTraining ? (float) (sumDyXhat / pixels) : 0f;
            isF[ch] = (float) is[ch];
        }
        dx = Tensor.reuse(dx, x.n, x.h, x.w, c);
        float[] out = dx.data;
        Chunks.run(pixels, chunks, (chunk, p0, p1) -> ChannelKernels.bnDx(g, in, out, c, p0, p1, muF, isF, gs, mdy, mdx));
        return dx;
    }

    @Override public List<Param> params() { return List.of(weight, bias); }

    @Override public List<Param> buffers() { return List.of(runningMean, runningVar, numBatchesTracked); }

    private int grain() { return 8192 / channels + 1; }

    private float[] blockSums(int size) {
        if (blockSum.length < size) blockSum = new float[size];
        return blockSum;
    }

    private double[] partials(int size) {
        if (partial.length < size) partial = new double[size];
        return partial;
    }
}
