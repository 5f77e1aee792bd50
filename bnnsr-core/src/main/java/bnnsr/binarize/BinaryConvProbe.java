package bnnsr.binarize;

import bnnsr.tensor.Tensor;

/**
 * Implemented by a measuring {@link bnnsr.tensor.ConvOps} (complexity counting): a {@link BinaryConv2d} announces
 * itself to it right before its forward convolution, so the measurement can tell binary from FP convolutions.
 */
public interface BinaryConvProbe {
    void binaryConv(BinaryConv2d conv, Tensor input);
}
