package bnnsr.arch;

import bnnsr.io.Limits;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;
import java.util.TreeMap;

/**
 * What it takes to rebuild a model: the architecture's registry name, the upscaling factor, the feature channels,
 * the number of body blocks, and a free string map for architecture-specific options (binarizer settings, ...).
 * Saved as one JSON string under the {@code bnnsr} key of every safetensors file's {@code __metadata__}.
 */
public record ArchOptions(String arch, int scale, int channels, int blocks, Map<String, String> extra) {
    /** The {@code __metadata__} key that holds the options' JSON. */
    public static final String METADATA_KEY = "bnnsr";

    /** Strict: "null", or an object followed by more text, is not a set of options (found by OptionsFuzzTest). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public ArchOptions {
        if (arch == null || arch.isBlank()) throw new IllegalArgumentException("architecture name missing");
        Limits.checkModel(scale, channels, blocks);   // from files and options alike: before anything is built
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(extra));
    }

    public ArchOptions(String arch, int scale, int channels, int blocks) { this(arch, scale, channels, blocks, Map.of()); }

    public ArchOptions withScale(int s) { return new ArchOptions(arch, s, channels, blocks, extra); }

    public ArchOptions withChannels(int c) { return new ArchOptions(arch, scale, c, blocks, extra); }

    public ArchOptions withBlocks(int b) { return new ArchOptions(arch, scale, channels, b, extra); }

    /** A copy with one extra option set. */
    public ArchOptions with(String key, String value) {
        Map<String, String> m = new TreeMap<>(extra);
        m.put(key, value);
        return new ArchOptions(arch, scale, channels, blocks, m);
    }

    /** Keys read through the option getters on this thread while {@link #recordReads} runs (null: not recording). */
    private static final ThreadLocal<java.util.Set<String>> READS = new ThreadLocal<>();

    /**
     * Runs {@code build} and returns it with the option keys it read: an architecture's builder reads every key it
     * understands, so a given key it never read is unknown to it (a typo would otherwise train the default).
     */
    public static <T> Map.Entry<T, java.util.Set<String>> recordReads(java.util.function.Supplier<T> build) {
        java.util.Set<String> before = READS.get(), reads = new java.util.TreeSet<>();
        READS.set(reads);
        try {
            return Map.entry(build.get(), reads);
        } finally {
            READS.set(before);
        }
    }

    private static void noteRead(String key) {
        java.util.Set<String> r = READS.get();
        if (r != null) r.add(key);
    }

    public String option(String key, String fallback) {
        noteRead(key);
        return extra.getOrDefault(key, fallback);
    }

    public int intOption(String key, int fallback) {
        noteRead(key);
        String v = extra.get(key);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + "=" + v + " is not an integer");
        }
    }

    public double doubleOption(String key, double fallback) {
        noteRead(key);
        String v = extra.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + "=" + v + " is not a number");
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ArchOptions fromJson(String json) {
        try {
            ArchOptions o = JSON.readValue(json, ArchOptions.class);
            if (o == null) throw new IllegalArgumentException("not a JSON object");
            return o;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad architecture options " + shown(json) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad architecture options " + shown(json) + ": " + e.getMessage());
        }
    }

    /** The options text as a message shows it: one line, at most 200 characters (it comes from a file). */
    private static String shown(String json) {
        String one = json.replaceAll("\\s+", " ");
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }
}
