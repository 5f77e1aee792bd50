package bnnsr.nn;

import bnnsr.tensor.Tensor;

/**
 * A trainable parameter: its value, its gradient (accumulated by backward, zeroed by the optimizer), and the name
 * and PyTorch shape under which it is stored in safetensors files (e.g. {@code body.0.conv1.weight}, OIHW).
 * The value is kept in PyTorch's element order, so files map to it one to one.
 */
public final class Param {
    public final String name;
    public final int[] shape;
    public final float[] value;
    public final float[] grad;
    /** Weight decay applies to this parameter (false for biases, BN and scale parameters). */
    public final boolean decay;
    /**
     * Integer-valued state that PyTorch keeps as int64 (BatchNorm's {@code num_batches_tracked}): held here as a
     * float (exact up to 2^24) and stored as I64 in files so PyTorch state dicts match.
     */
    public final boolean integral;

    public Param(String name, int[] shape, boolean decay) { this(name, shape, decay, false); }

    public Param(String name, int[] shape, boolean decay, boolean integral) {
        this.name = name;
        this.shape = shape.clone();
        int s = 1;
        for (int d : shape) s = Math.multiplyExact(s, d);
        this.value = new float[s];
        this.grad = new float[s];
        this.decay = decay;
        this.integral = integral;
    }

    public int size() { return value.length; }

    public void zeroGrad() { java.util.Arrays.fill(grad, 0f); }

    /** The value viewed as a tensor of the given NHWC shape (shares the array). */
    public Tensor asTensor(int n, int h, int w, int c) { return new Tensor(n, h, w, c, value); }
}
