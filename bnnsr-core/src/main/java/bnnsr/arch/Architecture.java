package bnnsr.arch;

import bnnsr.io.TensorEntry;
import bnnsr.nn.Layer;

import java.util.Map;
import java.util.random.RandomGenerator;

/** A registered network family: its defaults and a builder. */
public interface Architecture {
    /** Default options for a scale (channels, blocks, extras). */
    ArchOptions defaults(int scale);

    /** Builds the network with freshly initialised weights drawn from {@code rng}. */
    Layer build(ArchOptions options, RandomGenerator rng);

    /**
     * Options for a plain state dict (no bnnsr metadata) given only the architecture and scale: sizes the file
     * implies (channels, blocks) replace the defaults. The default keeps {@code given} unchanged.
     */
    default ArchOptions infer(ArchOptions given, Map<String, TensorEntry> tensors) { return given; }
}
