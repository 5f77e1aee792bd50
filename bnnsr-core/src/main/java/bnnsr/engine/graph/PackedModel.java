package bnnsr.engine.graph;

import bnnsr.engine.kernels.PackedActivations;
import bnnsr.engine.kernels.PackedWeights;
import bnnsr.engine.kernels.SignThresholds;
import bnnsr.io.DType;
import bnnsr.io.Limits;
import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsWriter;
import bnnsr.io.TensorEntry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deployment model: a graph of {@link Node}s and their constants, stored as one safetensors file.
 * <p>
 * Metadata ({@code __metadata__}): {@code format} = {@value #FORMAT}, {@code format_version} = {@value #VERSION},
 * {@code arch}, {@code scale}, {@code options} (the training options, JSON), {@code binary_padding} = "zero" (a
 * padded tap of a binary conv's +-1 input adds nothing), {@code sign} = {@value #SIGN}, {@code bit_order} =
 * {@value #BIT_ORDER}, {@code graph} (the nodes as a JSON list, in execution order).
 * Tensors: FP weights F32 in PyTorch order (OIHW), binary weights 1 bit each in I64 words, per-channel constants
 * F32, all named after their node (see {@link Node}). Reading validates everything: the conventions, the graph
 * (known ops, tensors defined before use, channel counts and scale factors that fit, the output last), and every
 * tensor's dtype, shape and values (no stray bits past cin, finite constants, no tensor the graph does not use).
 */
public final class PackedModel {
    public static final String FORMAT = "bnnsr-packed";
    public static final String VERSION = "1";
    public static final String PADDING = "zero";
    public static final String SIGN = "bit 1 = -1, bit 0 = +1, Sign(0) = +1";
    public static final String BIT_ORDER = "64 channels per little-endian I64 word, channel c at bit c % 64";
    public static final String INPUT = "input", OUTPUT = "output";
    public static final int IMAGE_CHANNELS = 3;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** An RPReLU node's tensors, after its name: s1, a, s2. */
    static final String[] RPRELU_TENSORS = {"move1.bias", "prelu.weight", "move2.bias"};

    public final String arch;
    public final int scale;
    public final String options;
    public final List<Node> nodes;
    private final Map<String, float[]> floats;
    private final Map<String, long[]> words;

    private PackedModel(String arch, int scale, String options, List<Node> nodes, Map<String, float[]> floats, Map<String, long[]> words) {
        this.arch = arch; this.scale = scale; this.options = options;
        this.nodes = List.copyOf(nodes);
        this.floats = floats;
        this.words = words;
    }

    public float[] floats(String name) { return floats.get(name); }

    public long[] words(String name) { return words.get(name); }

    /** Bytes of constants (what the file holds besides its header). */
    public long constantBytes() {
        long b = 0;
        for (float[] f : floats.values()) b += 4L * f.length;
        for (long[] w : words.values()) b += 8L * w.length;
        return b;
    }

    // ------------------------------------------------------------------ building

    /** Collects nodes and their constants; {@link #build()} validates like a file read. */
    public static final class Builder {
        private final String arch, options;
        private final int scale;
        private final List<Node> nodes = new ArrayList<>();
        private final Map<String, float[]> floats = new LinkedHashMap<>();
        private final Map<String, long[]> words = new LinkedHashMap<>();

        public Builder(String arch, int scale, String options) { this.arch = arch; this.scale = scale; this.options = options; }

        public Builder conv(Node.Conv n, float[] weightOihw, float[] bias) {
            nodes.add(n);
            floats.put(n.name() + ".weight", weightOihw);
            if (n.bias()) floats.put(n.name() + ".bias", bias);
            return this;
        }

        public Builder node(Node n) {
            if (n instanceof Node.Conv || n instanceof Node.BinaryConv || n instanceof Node.BoxScale) throw new IllegalArgumentException("use conv / binaryConv for " + n);
            nodes.add(n);
            return this;
        }

        public Builder boxScale(Node.BoxScale n, float[] bias) {
            nodes.add(n);
            floats.put(n.name() + ".bias", bias);
            return this;
        }

        public Builder rprelu(Node.RPReLU n, float[] shift1, float[] slope, float[] shift2) {
            nodes.add(n);
            for (int i = 0; i < RPRELU_TENSORS.length; i++) floats.put(n.name() + "." + RPRELU_TENSORS[i], new float[][] {shift1, slope, shift2}[i]);
            return this;
        }

        public Builder binaryConv(Node.BinaryConv n, PackedWeights w, float[] alpha, float[] beta, SignThresholds signs, float[] s) {
            nodes.add(n);
            words.put(n.name() + ".weight_bits", w.toFileLayout());
            floats.put(n.name() + ".alpha", alpha);
            floats.put(n.name() + ".beta", beta);
            floats.put(n.name() + ".sign_below", signs.below);
            floats.put(n.name() + ".sign_above", signs.above);
            if (n.statistic()) floats.put(n.name() + ".s", s);
            return this;
        }

        public PackedModel build() {
            PackedModel m = new PackedModel(arch, scale, options, nodes, floats, words);
            try {
                m.validate("packed model");
            } catch (PackedModelException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            return m;
        }
    }

    // ------------------------------------------------------------------ files

    public void write(Path file) throws IOException { write(file, true); }

    /** Writes the model atomically; without {@code replace} an existing file is kept (even one that appears meanwhile). */
    public void write(Path file, boolean replace) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Map.Entry<String, float[]> e : floats.entrySet()) w.putF32(e.getKey(), shapeOf(e.getKey()), e.getValue());
        for (Map.Entry<String, long[]> e : words.entrySet()) w.putI64(e.getKey(), shapeOf(e.getKey()), e.getValue());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", VERSION);
        meta.put("arch", arch);
        meta.put("scale", Integer.toString(scale));
        meta.put("options", options);
        meta.put("binary_padding", PADDING);
        meta.put("sign", SIGN);
        meta.put("bit_order", BIT_ORDER);
        meta.put("graph", graphJson(nodes));
        w.write(file, meta, replace);
    }

    /** Reads and validates a packed model; every problem is a {@link PackedModelException} "FILE: what is wrong". */
    public static PackedModel read(Path file) throws IOException { return from(file.toString(), SafeTensors.read(file)); }

    /** As {@link #read(Path)} for a file already read ({@code where} names it in messages). */
    public static PackedModel read(SafeTensors st, String where) throws IOException { return from(where, st); }

    /** Validates a read safetensors file as a packed model; {@code where} (the file's name) starts every message. */
    public static PackedModel from(String where, SafeTensors st) throws IOException {
        Map<String, String> meta = st.metadata();
        String format = meta.get("format");
        if (!FORMAT.equals(format))
            throw new PackedModelException(where + ": not a bnnsr packed model (format '" + format + "'; a training checkpoint needs 'bnnsr export' first)");
        expect(where, meta, "format_version", VERSION);
        expect(where, meta, "binary_padding", PADDING);
        expect(where, meta, "sign", SIGN);
        expect(where, meta, "bit_order", BIT_ORDER);
        String arch = required(where, meta, "arch");
        int scale;
        try {
            scale = Integer.parseInt(required(where, meta, "scale"));
        } catch (NumberFormatException e) {
            throw new PackedModelException(where + ": metadata scale is not an integer");
        }
        List<Node> nodes = parseGraph(where, required(where, meta, "graph"));
        Map<String, float[]> floats = new LinkedHashMap<>();
        Map<String, long[]> words = new LinkedHashMap<>();
        for (Map.Entry<String, TensorEntry> e : st.entries().entrySet()) {
            DType t = e.getValue().dtype();
            if (t == DType.F32) floats.put(e.getKey(), st.floats(e.getKey()));
            else if (t == DType.I64) words.put(e.getKey(), st.longs(e.getKey()));
            else throw new PackedModelException(where + ": tensor " + e.getKey() + " has dtype " + t + ", expected F32 or I64");
        }
        PackedModel m = new PackedModel(arch, scale, meta.getOrDefault("options", "{}"), nodes, floats, words);
        m.validate(where);
        for (Map.Entry<String, TensorEntry> e : st.entries().entrySet()) {
            int[] want = m.shapeOf(e.getKey());
            if (!Arrays.equals(want, e.getValue().intShape()))
                throw new PackedModelException(where + ": tensor " + e.getKey() + " has shape " + Arrays.toString(e.getValue().intShape()) + ", expected " + Arrays.toString(want));
        }
        return m;
    }

    private static void expect(String where, Map<String, String> meta, String key, String value) throws PackedModelException {
        String v = meta.get(key);
        if (!value.equals(v)) throw new PackedModelException(where + ": metadata " + key + " is '" + v + "', this engine supports '" + value + "'");
    }

    private static String required(String where, Map<String, String> meta, String key) throws PackedModelException {
        String v = meta.get(key);
        if (v == null) throw new PackedModelException(where + ": metadata has no " + key);
        return v;
    }

    // ------------------------------------------------------------------ graph JSON

    static String graphJson(List<Node> nodes) {
        ArrayNode a = JSON.createArrayNode();
        for (Node n : nodes) {
            ObjectNode o = a.addObject();
            switch (n) {
                case Node.Conv c -> o.put("op", "conv").put("name", c.name()).put("in", c.in()).put("out", c.out())
                        .put("cin", c.cin()).put("cout", c.cout()).put("k", c.k()).put("bias", c.bias());
                case Node.Activation c -> o.put("op", "activation").put("in", c.in()).put("out", c.out()).put("slope", c.slope());
                case Node.PixelShuffle c -> o.put("op", "pixel_shuffle").put("in", c.in()).put("out", c.out()).put("r", c.r());
                case Node.Bilinear c -> o.put("op", "bilinear").put("in", c.in()).put("out", c.out()).put("scale", c.scale());
                case Node.Bicubic c -> o.put("op", "bicubic").put("in", c.in()).put("out", c.out()).put("scale", c.scale());
                case Node.Add c -> o.put("op", "add").put("a", c.a()).put("b", c.b()).put("out", c.out());
                case Node.Scale c -> o.put("op", "scale").put("in", c.in()).put("out", c.out()).put("factor", c.factor());
                case Node.RPReLU c -> o.put("op", "rprelu").put("name", c.name()).put("in", c.in()).put("out", c.out()).put("channels", c.channels());
                case Node.Nearest c -> o.put("op", "nearest").put("in", c.in()).put("out", c.out()).put("scale", c.scale());
                case Node.BoxScale c -> o.put("op", "box_scale").put("name", c.name()).put("in", c.in()).put("source", c.source())
                        .put("out", c.out()).put("channels", c.channels()).put("k", c.k());
                case Node.BinaryConv c -> {
                    o.put("op", "binary_conv").put("name", c.name());
                    ArrayNode src = o.putArray("sources");
                    c.sources().forEach(src::add);
                    if (c.residual() != null) o.put("residual", c.residual());
                    o.put("out", c.out()).put("cin", c.cin()).put("cout", c.cout()).put("k", c.k()).put("statistic", c.statistic());
                    if (c.levels()) o.put("levels", true);
                }
            }
        }
        return a.toString();
    }

    static List<Node> parseGraph(String where, String json) throws PackedModelException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new PackedModelException(where + ": graph is not valid JSON");
        }
        if (root == null || !root.isArray() || root.isEmpty()) throw new PackedModelException(where + ": graph is not a non-empty JSON list");
        if (root.size() > Limits.MAX_GRAPH_NODES) throw new PackedModelException(where + ": graph has " + root.size() + " nodes, over the limit of " + Limits.MAX_GRAPH_NODES);
        List<Node> nodes = new ArrayList<>();
        int i = 0;
        for (JsonNode o : root) {
            String at = where + ": graph node " + i++;
            String op = text(at, o, "op");
            nodes.add(switch (op) {
                case "conv" -> new Node.Conv(text(at, o, "name"), text(at, o, "in"), text(at, o, "out"), channels(at, o, "cin"),
                        channels(at, o, "cout"), kernel(at, o, "k"), bool(at, o, "bias"));
                case "activation" -> new Node.Activation(text(at, o, "in"), text(at, o, "out"), (float) number(at, o, "slope"));
                case "pixel_shuffle" -> new Node.PixelShuffle(text(at, o, "in"), text(at, o, "out"), factor(at, o, "r"));
                case "bilinear" -> new Node.Bilinear(text(at, o, "in"), text(at, o, "out"), factor(at, o, "scale"));
                case "bicubic" -> new Node.Bicubic(text(at, o, "in"), text(at, o, "out"), factor(at, o, "scale"));
                case "add" -> new Node.Add(text(at, o, "a"), text(at, o, "b"), text(at, o, "out"));
                case "scale" -> new Node.Scale(text(at, o, "in"), text(at, o, "out"), (float) number(at, o, "factor"));
                case "rprelu" -> new Node.RPReLU(text(at, o, "name"), text(at, o, "in"), text(at, o, "out"), channels(at, o, "channels"));
                case "nearest" -> new Node.Nearest(text(at, o, "in"), text(at, o, "out"), factor(at, o, "scale"));
                case "box_scale" -> new Node.BoxScale(text(at, o, "name"), text(at, o, "in"), text(at, o, "source"), text(at, o, "out"),
                        channels(at, o, "channels"), kernel(at, o, "k"));
                case "binary_conv" -> {
                    JsonNode src = o.get("sources");
                    if (src == null || !src.isArray() || src.isEmpty()) throw new PackedModelException(at + ": sources must be a non-empty list");
                    List<String> sources = new ArrayList<>();
                    for (JsonNode s : src) {
                        if (!s.isTextual()) throw new PackedModelException(at + ": sources must be tensor names");
                        sources.add(s.asText());
                    }
                    yield new Node.BinaryConv(text(at, o, "name"), sources, o.has("residual") ? text(at, o, "residual") : null,
                            text(at, o, "out"), channels(at, o, "cin"), channels(at, o, "cout"), kernel(at, o, "k"), bool(at, o, "statistic"),
                            o.has("levels") && bool(at, o, "levels"));
                }
                default -> throw new PackedModelException(at + ": unknown op '" + op + "'");
            });
        }
        return nodes;
    }

    private static JsonNode field(String at, JsonNode o, String key) throws PackedModelException {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) throw new PackedModelException(at + ": missing '" + key + "'");
        return v;
    }

    private static String text(String at, JsonNode o, String key) throws PackedModelException {
        JsonNode v = field(at, o, key);
        if (!v.isTextual() || v.asText().isEmpty()) throw new PackedModelException(at + ": '" + key + "' must be a non-empty string");
        return v.asText();
    }

    /** Sizes come from the file: bounded here ({@link Limits}) before any buffer is sized from them. */
    private static int integer(String at, JsonNode o, String key, int max) throws PackedModelException {
        JsonNode v = field(at, o, key);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > max)
            throw new PackedModelException(at + ": '" + key + "' must be an integer in 1.." + max + ", got " + v);
        return v.asInt();
    }

    private static int channels(String at, JsonNode o, String key) throws PackedModelException { return integer(at, o, key, Limits.MAX_CHANNELS); }

    private static int kernel(String at, JsonNode o, String key) throws PackedModelException { return integer(at, o, key, Limits.MAX_KERNEL); }

    private static int factor(String at, JsonNode o, String key) throws PackedModelException { return integer(at, o, key, Limits.MAX_SCALE); }

    private static double number(String at, JsonNode o, String key) throws PackedModelException {
        JsonNode v = field(at, o, key);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) throw new PackedModelException(at + ": '" + key + "' must be a finite number");
        return v.asDouble();
    }

    private static boolean bool(String at, JsonNode o, String key) throws PackedModelException {
        JsonNode v = field(at, o, key);
        if (!v.isBoolean()) throw new PackedModelException(at + ": '" + key + "' must be true or false");
        return v.asBoolean();
    }

    // ------------------------------------------------------------------ validation

    /** Channels and spatial factor (relative to the input) of a graph tensor. */
    private record Shape(int channels, int factor) {}

    /** The shape every constant must have, from the graph (null: the graph uses no such tensor). */
    private int[] shapeOf(String tensor) {
        for (Node n : nodes) {
            if (n instanceof Node.Conv c && tensor.startsWith(c.name() + ".")) {
                String f = tensor.substring(c.name().length() + 1);
                if (f.equals("weight")) return new int[] {c.cout(), c.cin(), c.k(), c.k()};
                if (f.equals("bias") && c.bias()) return new int[] {c.cout()};
            }
            if (n instanceof Node.BoxScale b && tensor.equals(b.name() + ".bias")) return new int[] {b.channels()};
            if (n instanceof Node.RPReLU r && tensor.startsWith(r.name() + ".")
                    && Arrays.asList(RPRELU_TENSORS).contains(tensor.substring(r.name().length() + 1))) return new int[] {r.channels()};
            if (n instanceof Node.BinaryConv b && tensor.startsWith(b.name() + ".")) {
                switch (tensor.substring(b.name().length() + 1)) {
                    case "weight_bits" -> { return new int[] {b.cout(), b.k(), b.k(), PackedActivations.wordsFor(b.cin())}; }
                    case "alpha", "beta" -> { return new int[] {b.cout()}; }
                    case "sign_below", "sign_above" -> { return new int[] {b.cin()}; }
                    case "s" -> { if (b.statistic()) return new int[] {b.sources().size()}; }
                    default -> { }
                }
            }
        }
        return null;
    }

    private void validate(String where) throws PackedModelException {
        if (arch.isBlank()) throw new PackedModelException(where + ": metadata arch is empty");
        if (scale < 1 || scale > Limits.MAX_SCALE) throw new PackedModelException(where + ": scale " + scale + " is not in 1.." + Limits.MAX_SCALE);
        Map<String, Shape> shapes = new HashMap<>();
        shapes.put(INPUT, new Shape(IMAGE_CHANNELS, 1));
        Set<String> needed = new LinkedHashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String at = where + ": graph node " + i + " (" + n.getClass().getSimpleName() + " -> " + n.out() + ")";
            List<Shape> in = new ArrayList<>();
            for (String s : n.inputs()) {
                Shape sh = shapes.get(s);
                if (sh == null) throw new PackedModelException(at + ": reads '" + s + "' before anything writes it");
                in.add(sh);
            }
            if (shapes.containsKey(n.out())) throw new PackedModelException(at + ": '" + n.out() + "' is written twice");
            Shape out = switch (n) {
                case Node.Conv c -> {
                    if (c.k() % 2 == 0) throw new PackedModelException(at + ": kernel size must be odd");
                    channels(at, in.get(0), c.cin());
                    needed.add(c.name() + ".weight");
                    if (c.bias()) needed.add(c.name() + ".bias");
                    yield new Shape(c.cout(), in.get(0).factor());
                }
                case Node.Activation a -> {
                    if (!(a.slope() >= 0 && a.slope() < 1)) throw new PackedModelException(at + ": slope must be in [0, 1)");
                    yield in.get(0);
                }
                case Node.PixelShuffle p -> {
                    if (in.get(0).channels() % (p.r() * p.r()) != 0) throw new PackedModelException(at + ": channels not divisible by r^2");
                    yield new Shape(in.get(0).channels() / (p.r() * p.r()), in.get(0).factor() * p.r());
                }
                case Node.Bilinear b -> new Shape(in.get(0).channels(), in.get(0).factor() * b.scale());
                case Node.Bicubic b -> new Shape(in.get(0).channels(), in.get(0).factor() * b.scale());
                case Node.Add a -> {
                    if (!in.get(0).equals(in.get(1))) throw new PackedModelException(at + ": adds tensors of different shapes");
                    yield in.get(0);
                }
                case Node.Scale c -> {
                    if (!Float.isFinite(c.factor())) throw new PackedModelException(at + ": factor must be finite");
                    yield in.get(0);
                }
                case Node.RPReLU r -> {
                    channels(at, in.get(0), r.channels());
                    for (String t : RPRELU_TENSORS) needed.add(r.name() + "." + t);
                    yield in.get(0);
                }
                case Node.Nearest c -> new Shape(in.get(0).channels(), in.get(0).factor() * c.scale());
                case Node.BoxScale b -> {
                    if (b.k() % 2 == 0) throw new PackedModelException(at + ": kernel size must be odd");
                    channels(at, in.get(0), b.channels());
                    if (in.get(1).factor() != in.get(0).factor()) throw new PackedModelException(at + ": source differs in size");
                    needed.add(b.name() + ".bias");
                    yield in.get(0);
                }
                case Node.BinaryConv b -> {
                    if (b.k() % 2 == 0) throw new PackedModelException(at + ": kernel size must be odd");
                    for (Shape s : in.subList(0, b.sources().size())) {
                        channels(at, s, b.cin());
                        if (s.factor() != in.get(0).factor()) throw new PackedModelException(at + ": sources differ in size");
                    }
                    if (b.residual() != null && !in.getLast().equals(new Shape(b.cout(), in.get(0).factor())))
                        throw new PackedModelException(at + ": residual does not match the output shape");
                    for (String f : new String[] {"weight_bits", "alpha", "beta", "sign_below", "sign_above"}) needed.add(b.name() + "." + f);
                    if (b.statistic()) needed.add(b.name() + ".s");
                    yield new Shape(b.cout(), in.get(0).factor());
                }
            };
            if (out.factor() > Limits.MAX_SCALE)   // factors multiply along the graph: bounded at every step
                throw new PackedModelException(at + ": upscales the input x" + out.factor() + ", over the limit of x" + Limits.MAX_SCALE);
            shapes.put(n.out(), out);
        }
        if (!nodes.getLast().out().equals(OUTPUT)) throw new PackedModelException(where + ": the last graph node must write '" + OUTPUT + "'");
        Shape o = shapes.get(OUTPUT);
        if (!o.equals(new Shape(IMAGE_CHANNELS, scale)))
            throw new PackedModelException(where + ": output has " + o.channels() + " channels at x" + o.factor() + ", expected " + IMAGE_CHANNELS + " at x" + scale);
        for (String name : needed)
            if (!floats.containsKey(name) && !words.containsKey(name)) throw new PackedModelException(where + ": missing tensor " + name);
        for (String name : floats.keySet()) checkConstant(where, name, needed, floats.get(name).length);
        for (String name : words.keySet()) checkConstant(where, name, needed, words.get(name).length);
        for (Node n : nodes) checkValues(where, n);
    }

    private static void channels(String at, Shape s, int want) throws PackedModelException {
        if (s.channels() != want) throw new PackedModelException(at + ": input has " + s.channels() + " channels, expects " + want);
    }

    private void checkConstant(String where, String name, Set<String> needed, int length) throws PackedModelException {
        if (!needed.contains(name)) throw new PackedModelException(where + ": tensor " + name + " is not used by the graph");
        boolean isWords = name.endsWith(".weight_bits");
        if (isWords != words.containsKey(name)) throw new PackedModelException(where + ": tensor " + name + " has the wrong dtype (" + (isWords ? "I64" : "F32") + " expected)");
        int[] shape = shapeOf(name);
        int n = 1;
        for (int d : shape) n *= d;
        if (n != length) throw new PackedModelException(where + ": tensor " + name + " has " + length + " values, expected " + Arrays.toString(shape));
    }

    private void checkValues(String where, Node n) throws PackedModelException {
        if (n instanceof Node.BinaryConv b) {
            try {
                PackedWeights.fromFileLayout(words.get(b.name() + ".weight_bits"), b.cout(), b.cin(), b.k());
            } catch (IllegalArgumentException e) {
                throw new PackedModelException(where + ": " + b.name() + ".weight_bits: " + e.getMessage());
            }
            for (String f : new String[] {"alpha", "beta", "s"}) finite(where, b.name() + "." + f);
            for (String f : new String[] {"sign_below", "sign_above"})
                for (float v : floats.get(b.name() + "." + f))
                    if (Float.isNaN(v)) throw new PackedModelException(where + ": " + b.name() + "." + f + " has a NaN");
        }
        if (n instanceof Node.BoxScale b) finite(where, b.name() + ".bias");
        if (n instanceof Node.RPReLU r) for (String t : RPRELU_TENSORS) finite(where, r.name() + "." + t);
        if (n instanceof Node.Conv c) {
            finite(where, c.name() + ".weight");
            finite(where, c.name() + ".bias");
        }
    }

    private void finite(String where, String name) throws PackedModelException {
        float[] v = floats.get(name);
        if (v == null) return;
        for (float x : v) if (!Float.isFinite(x)) throw new PackedModelException(where + ": " + name + " has a non-finite value");
    }
}
