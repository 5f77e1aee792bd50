package bnnsr.arch;

import bnnsr.io.DType;
import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;
import bnnsr.io.SafeTensorsWriter;
import bnnsr.io.TensorEntry;
import bnnsr.nn.Layer;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A network with its {@link ArchOptions} and its state dict (parameters then buffers, by PyTorch name), saved and
 * loaded as safetensors with PyTorch's names, layouts and dtypes (F32; I64 for integral buffers), so files move
 * between bnnsr and PyTorch both ways. Loading is strict: every name present, none unexpected, every shape equal.
 */
public final class Model implements Layer {
    private final ArchOptions options;
    private final Layer net;
    private final Map<String, Param> state;

    public Model(ArchOptions options, Layer net) {
        this.options = options;
        this.net = net;
        Map<String, Param> s = new LinkedHashMap<>();
        for (Param p : net.params()) putUnique(s, p);
        for (Param p : net.buffers()) putUnique(s, p);
        this.state = Collections.unmodifiableMap(s);
    }

    private static void putUnique(Map<String, Param> s, Param p) {
        if (s.put(p.name, p) != null) throw new IllegalStateException("two tensors named '" + p.name + "'");
    }

    public ArchOptions options() { return options; }

    public Layer net() { return net; }

    /** Parameters and buffers by name, in state-dict order. */
    public Map<String, Param> state() { return state; }

    @Override public Tensor forward(Tensor x, boolean training) { return net.forward(x, training); }

    @Override public Tensor backward(Tensor dy) { return net.backward(dy); }

    @Override public List<Param> params() { return net.params(); }

    @Override public List<Param> buffers() { return net.buffers(); }

    /** The metadata every bnnsr file carries: the options, and {@code format: pt} as PyTorch tools expect. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put(ArchOptions.METADATA_KEY, options.toJson());
        return m;
    }

    /** Adds this model's state to a writer (so a checkpoint can add more tensors to the same file). */
    public SafeTensorsWriter addTo(SafeTensorsWriter w) {
        for (Param p : state.values()) {
            if (p.integral) {
                long[] v = new long[p.size()];
                for (int i = 0; i < v.length; i++) v[i] = (long) p.value[i];
                w.putI64(p.name, p.shape, v);
            } else {
                w.putF32(p.name, p.shape, p.value);
            }
        }
        return w;
    }

    /** Saves the state dict atomically with {@link #metadata()} plus {@code extra} metadata (may be empty). */
    public void save(Path file, Map<String, String> extra) throws IOException {
        Map<String, String> m = metadata();
        if (extra != null) extra.forEach((k, v) -> { if (!m.containsKey(k)) m.put(k, v); });
        addTo(new SafeTensorsWriter()).write(file, m);
    }

    /** Names under which training checkpoints keep optimizer state beside the weights (skipped when loading a model). */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    /** Loads a file written by bnnsr (its metadata names the architecture). */
    public static Model load(Path file) throws IOException { return load(file, null); }

    /**
     * Loads a file; {@code given} (arch and scale, may be null) is required when the file has no bnnsr metadata
     * (a plain PyTorch state dict: channels and blocks are then read off the tensor shapes), and must agree with
     * the metadata when both exist.
     */
    public static Model load(Path file, ArchOptions given) throws IOException { return load(SafeTensors.read(file), given, file); }

    /** As {@link #load(Path, ArchOptions)} for a file already read. */
    public static Model load(SafeTensors st, ArchOptions given, Path file) throws IOException {
        ArchOptions options = optionsOf(st, given, file);
        Model m = Architectures.create(options, new SplittableRandom(0));
        try {
            m.loadState(st, name -> name.startsWith(OPTIMIZER_PREFIX));   // a training checkpoint's optimizer state
        } catch (SafeTensorsException e) {
            throw new SafeTensorsException(file + ": " + e.getMessage());
        }
        return m;
    }

    private static ArchOptions optionsOf(SafeTensors st, ArchOptions given, Path file) throws SafeTensorsException {
        String json = st.metadata().get(ArchOptions.METADATA_KEY);
        if (json == null) {
            if (given == null)
                throw new SafeTensorsException(file + ": no bnnsr metadata (a plain state dict?): name the architecture and scale");
            return Architectures.get(given.arch()).infer(given, st.entries());
        }
        ArchOptions saved;
        try {
            saved = ArchOptions.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsException(file + ": " + e.getMessage());
        }
        if (given != null && (!given.arch().equals(saved.arch()) || given.scale() != saved.scale()))
            throw new SafeTensorsException(file + ": holds " + saved.arch() + " x" + saved.scale() + ", not the requested "
                    + given.arch() + " x" + given.scale());
        return saved;
    }

    /**
     * Copies tensors from {@code st} into this model's state. Every state name must be present with the same
     * shape; a file name that is neither state nor accepted by {@code otherState} (e.g. optimizer moments in a
     * checkpoint) is an error.
     */
    public void loadState(SafeTensors st, Predicate<String> otherState) throws SafeTensorsException {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        for (String name : state.keySet()) if (!st.has(name)) missing.add(name);
        for (String name : st.names()) if (!state.containsKey(name) && !otherState.test(name)) unexpected.add(name);
        if (!missing.isEmpty() || !unexpected.isEmpty())
            throw new SafeTensorsException("state dict does not fit " + options.arch() + " x" + options.scale()
                    + " (channels " + options.channels() + ", blocks " + options.blocks() + "):"
                    + list(" missing", missing) + list(" unexpected", unexpected));
        for (Param p : state.values()) {
            TensorEntry e = st.entry(p.name);
            long[] want = Arrays.stream(p.shape).asLongStream().toArray();
            if (!Arrays.equals(want, e.shape()))
                throw new SafeTensorsException(p.name + ": file has " + e.describe() + ", model expects " + Arrays.toString(p.shape));
            if (e.dtype() == DType.BOOL || (!p.integral && !isFloat(e.dtype())))
                throw new SafeTensorsException(p.name + ": dtype " + e.dtype() + " where the model holds "
                        + (p.integral ? "integers" : "floats"));
            float[] v = st.floats(p.name);
            for (float x : v)   // a NaN or Inf weight gives black images and absurd scores, never an error later
                if (!Float.isFinite(x)) throw new SafeTensorsException(p.name + ": has a non-finite value (" + x + ")");
            System.arraycopy(v, 0, p.value, 0, v.length);
        }
    }

    private static boolean isFloat(DType d) { return d == DType.F32 || d == DType.F16 || d == DType.BF16 || d == DType.F64; }

    private static String list(String label, List<String> names) {
        if (names.isEmpty()) return "";
        List<String> shown = names.subList(0, Math.min(5, names.size()));
        return label + " " + String.join(", ", shown) + (names.size() > shown.size() ? " (+" + (names.size() - shown.size()) + " more)" : "");
    }
}
