package bnnsr.arch;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/** The registry: architecture name -> {@link Architecture}. Other packages register theirs at class-init time. */
public final class Architectures {
    private static final Map<String, Architecture> REGISTRY = new TreeMap<>();

    static {
        register("srresnet", new MSRResNet.Family());
        BinaryBackbones.registerAll();
    }

    private Architectures() {}

    public static synchronized void register(String name, Architecture a) {
        if (REGISTRY.putIfAbsent(name, a) != null) throw new IllegalStateException("architecture '" + name + "' registered twice");
    }

    public static synchronized Architecture get(String name) {
        Architecture a = REGISTRY.get(name);
        if (a == null) throw new IllegalArgumentException("unknown architecture '" + name + "' (known: " + String.join(", ", REGISTRY.keySet()) + ")");
        return a;
    }

    public static synchronized java.util.Set<String> names() { return java.util.Set.copyOf(REGISTRY.keySet()); }

    /** The architecture's default options at this scale. */
    public static ArchOptions defaults(String name, int scale) { return get(name).defaults(scale); }

    /** A freshly initialised model of {@code options.arch()}. */
    public static Model create(ArchOptions options, RandomGenerator rng) {
        return new Model(options, get(options.arch()).build(options, rng));
    }

    /** As {@link #create(ArchOptions, RandomGenerator)} with a generator seeded by {@code seed}. */
    public static Model create(ArchOptions options, long seed) { return create(options, new SplittableRandom(seed)); }
}
