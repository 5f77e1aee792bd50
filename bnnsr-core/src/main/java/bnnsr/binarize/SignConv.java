package bnnsr.binarize;

import bnnsr.tensor.Tensor;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The forward convolution of a binary conv whose input and weights are both +-1 (stride 1, "same" zero padding of
 * the input): the exact integer sum, then {@code exact * alpha[o] + beta[o]} as a float multiply and a float add,
 * which is what {@link BinaryConv2d}'s float path computes, bit for bit (a float conv of +-1 values is an exact
 * integer below 2^24).
 * <p>
 * The XNOR/popcount kernels of {@code bnnsr.engine} provide it. They are found with {@link ServiceLoader} because the
 * engine depends on this package, not the other way round; without a provider (or with {@link Holder#set} null) binary
 * convs convolve the +-1 values as floats. Only the forward uses it: the backward stays float.
 */
public interface SignConv {
    /** One conv's reusable buffers (packed input and weights). Not thread-safe: one per conv layer. */
    interface Instance {
        /**
         * {@code y = exact(x, signs) * alpha[o] + beta[o]}, {@code beta} null meaning {@code + 0f}.
         * @param x         the +-1 input, NHWC with {@code cin} channels (any other value counts as its sign)
         * @param signsOihw the +-1 weights, OIHW
         */
        void forward(Tensor x, float[] signsOihw, float[] alpha, float[] beta, Tensor y);

        /** {@code y = exact(x, signs)} as floats (exact). */
        void exact(Tensor x, float[] signsOihw, Tensor y);
    }

    /** Buffers for a k x k conv from cin to cout channels. */
    Instance create(int cin, int cout, int k);

    /** The installed implementation, or null (float path). */
    static SignConv get() { return Holder.instance; }

    final class Holder {
        private Holder() {}

        private static volatile SignConv instance = load();

        /** Installs an implementation; null makes binary convs use the float path (tests compare the two). */
        public static void set(SignConv conv) { instance = conv; }

        /** The first provider, unless {@code -Dbnnsr.signconv=float}; none when the provider cannot load. */
        private static SignConv load() {
            if ("float".equals(System.getProperty("bnnsr.signconv"))) return null;
            try {
                return ServiceLoader.load(SignConv.class).findFirst().orElse(null);
            } catch (ServiceConfigurationError | LinkageError e) {
                return null;                          // e.g. a JVM without jdk.incubator.vector
            }
        }
    }
}
