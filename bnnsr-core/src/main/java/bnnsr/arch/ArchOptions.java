package bnnsr.arch;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    public ArchOptions {
        if (arch == null || arch.isBlank()) throw new IllegalArgumentException("architecture name missing");
        if (scale < 1) throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        if (blocks < 0) throw new IllegalArgumentException("blocks must be >= 0, got " + blocks);
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

    public String option(String key, String fallback) { return extra.getOrDefault(key, fallback); }

    public int intOption(String key, int fallback) {
        String v = extra.get(key);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + "=" + v + " is not an integer");
        }
    }

    public double doubleOption(String key, double fallback) {
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
            return JSON.readValue(json, ArchOptions.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad architecture options " + json + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad architecture options " + json + ": " + e.getMessage());
        }
    }
}
