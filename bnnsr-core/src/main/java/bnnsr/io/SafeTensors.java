package bnnsr.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file read fully into memory and validated: an 8-byte little-endian header length, a UTF-8 JSON
 * header mapping names to {dtype, shape, data_offsets} (plus an optional {@code __metadata__} string map), then the
 * data section. Validation follows the format's rules: the header fits in the file, is one well-formed JSON object
 * without duplicate keys, every dtype is known, every dimension is non-negative, every span equals the shape's
 * byte size, and the spans tile the data section exactly (sorted by offset: no gap, no overlap, nothing left over).
 * Any violation is a {@link SafeTensorsException} naming the file and the first problem found.
 */
public final class SafeTensors {
    /** The format's own cap on the header (the reference implementation's limit), so a bad length fails fast. */
    static final long MAX_HEADER = 100L << 20;
    static final String METADATA = "__metadata__";

    static final ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final Map<String, String> metadata;
    private final Map<String, TensorEntry> entries;
    private final ByteBuffer data;

    private SafeTensors(Map<String, String> metadata, Map<String, TensorEntry> entries, ByteBuffer data) {
        this.metadata = Collections.unmodifiableMap(metadata);
        this.entries = Collections.unmodifiableMap(entries);
        this.data = data;
    }

    /** The {@code __metadata__} map (empty when the file has none). */
    public Map<String, String> metadata() { return metadata; }

    /** Tensor names, in header order. */
    public Set<String> names() { return entries.keySet(); }

    public Map<String, TensorEntry> entries() { return entries; }

    public boolean has(String name) { return entries.containsKey(name); }

    public TensorEntry entry(String name) throws SafeTensorsException {
        TensorEntry e = entries.get(name);
        if (e == null) throw new SafeTensorsException("no tensor named '" + name + "'");
        return e;
    }

    /** The tensor converted to float (exact for F32, F16, BF16 and small integers). */
    public float[] floats(String name) throws SafeTensorsException {
        TensorEntry e = entry(name);
        int n = Math.toIntExact(e.elements());
        float[] out = new float[n];
        ByteBuffer b = slice(e);
        switch (e.dtype()) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(8 * i); }
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(b.getShort(2 * i)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16); }
            default -> {
                long[] l = longs(name);
                for (int i = 0; i < n; i++) out[i] = l[i];
            }
        }
        return out;
    }

    /** An integer tensor (I64, I32, I16, I8, U8, BOOL) as longs. */
    public long[] longs(String name) throws SafeTensorsException {
        TensorEntry e = entry(name);
        int n = Math.toIntExact(e.elements());
        long[] out = new long[n];
        ByteBuffer b = slice(e);
        switch (e.dtype()) {
            case I64 -> b.asLongBuffer().get(out);
            case I32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(4 * i); }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(2 * i); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = b.get(i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = b.get(i) & 0xff; }
            default -> throw new SafeTensorsException("tensor '" + name + "' is " + e.dtype() + ", not an integer type");
        }
        return out;
    }

    /** The raw little-endian bytes of a tensor (a read-only view). */
    public ByteBuffer bytes(String name) throws SafeTensorsException { return slice(entry(name)).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN); }

    private ByteBuffer slice(TensorEntry e) {
        return data.slice((int) e.begin(), (int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads and validates a file; every problem is reported as "FILE: what is wrong". */
    public static SafeTensors read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            try {
                return read(ch, size);
            } catch (SafeTensorsException e) {
                throw new SafeTensorsException(file + ": " + e.getMessage());
            }
        }
    }

    private static SafeTensors read(FileChannel ch, long size) throws IOException {
        if (size < 8) throw new SafeTensorsException("not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
        ByteBuffer len = readFully(ch, 0, 8);
        long headerLen = len.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLen < 2 || headerLen > MAX_HEADER)
            throw new SafeTensorsException("not a safetensors file: header length " + Long.toUnsignedString(headerLen) + " is out of range");
        if (8 + headerLen > size)
            throw new SafeTensorsException("header length " + headerLen + " runs past the end of the file (" + size + " bytes)");
        long dataLen = size - 8 - headerLen;
        if (dataLen > Integer.MAX_VALUE - 8) throw new SafeTensorsException("data section of " + dataLen + " bytes is too large (limit 2 GiB)");
        String header = decodeUtf8(readFully(ch, 8, (int) headerLen));
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorEntry> entries = parseHeader(header, dataLen, metadata);
        ByteBuffer data = readFully(ch, 8 + headerLen, (int) dataLen);
        return new SafeTensors(metadata, entries, data);
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            int r = ch.read(b, pos + b.position());
            if (r < 0) throw new SafeTensorsException("file ended early (truncated while reading)");
        }
        return b.flip();
    }

    private static String decodeUtf8(ByteBuffer b) throws SafeTensorsException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException("header is not valid UTF-8");
        }
    }

    static Map<String, TensorEntry> parseHeader(String header, long dataLen, Map<String, String> metadata)
            throws SafeTensorsException {
        if (!header.startsWith("{")) throw new SafeTensorsException("header does not start with a JSON object");
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new SafeTensorsException("header is not well-formed JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) throw new SafeTensorsException("header is not a JSON object");
        Map<String, TensorEntry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA)) readMetadata(f.getValue(), metadata);
            else entries.put(f.getKey(), readEntry(f.getKey(), f.getValue()));
        }
        checkTiling(entries, dataLen);
        return entries;
    }

    private static void readMetadata(JsonNode node, Map<String, String> metadata) throws SafeTensorsException {
        if (node.isNull()) return;
        if (!node.isObject()) throw new SafeTensorsException("__metadata__ is not a JSON object");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual())
                throw new SafeTensorsException("__metadata__ value of '" + m.getKey() + "' is not a string");
            metadata.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static TensorEntry readEntry(String name, JsonNode node) throws SafeTensorsException {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) throw new SafeTensorsException(where + " is not a JSON object");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets"))
                throw new SafeTensorsException(where + " has an unknown field '" + k + "'");
        }
        JsonNode dt = node.get("dtype"), sh = node.get("shape"), off = node.get("data_offsets");
        if (dt == null || sh == null || off == null)
            throw new SafeTensorsException(where + " lacks " + (dt == null ? "dtype" : sh == null ? "shape" : "data_offsets"));
        if (!dt.isTextual()) throw new SafeTensorsException(where + " dtype is not a string");
        DType dtype = DType.parse(dt.textValue());
        if (dtype == null) throw new SafeTensorsException(where + " has unknown dtype '" + dt.textValue() + "'");
        if (!sh.isArray()) throw new SafeTensorsException(where + " shape is not an array");
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.longValue() < 0)
                throw new SafeTensorsException(where + " shape " + sh + " has a dimension that is not a non-negative integer");
            shape[i] = d.longValue();
        }
        if (!off.isArray() || off.size() != 2) throw new SafeTensorsException(where + " data_offsets is not a [begin, end] pair");
        long[] be = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode d = off.get(i);
            if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.longValue() < 0)
                throw new SafeTensorsException(where + " data_offsets " + off + " are not non-negative integers");
            be[i] = d.longValue();
        }
        if (be[1] < be[0]) throw new SafeTensorsException(where + " data_offsets " + off + " end before they begin");
        long elements = 1, bytes;
        try {
            for (long d : shape) elements = Math.multiplyExact(elements, d);
            bytes = Math.multiplyExact(elements, (long) dtype.bytes);
        } catch (ArithmeticException e) {
            throw new SafeTensorsException(where + " shape " + sh + " is too large");
        }
        if (bytes != be[1] - be[0])
            throw new SafeTensorsException(where + " " + dtype + sh + " needs " + bytes + " bytes but data_offsets "
                    + off + " span " + (be[1] - be[0]));
        return new TensorEntry(name, dtype, shape, be[0], be[1]);
    }

    /** Sorted by offset, the spans must start at 0, follow each other exactly, and end at the end of the file. */
    private static void checkTiling(Map<String, TensorEntry> entries, long dataLen) throws SafeTensorsException {
        List<TensorEntry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long pos = 0;
        String prev = null;
        for (TensorEntry e : sorted) {
            if (e.end() > dataLen)
                throw new SafeTensorsException("tensor '" + e.name() + "' data_offsets [" + e.begin() + ", " + e.end()
                        + "] run past the data section (" + dataLen + " bytes)");
            if (e.begin() < pos)
                throw new SafeTensorsException("tensor '" + e.name() + "' overlaps tensor '" + prev + "' (bytes " + e.begin() + ".." + pos + ")");
            if (e.begin() > pos)
                throw new SafeTensorsException("gap of " + (e.begin() - pos) + " bytes in the data section before tensor '" + e.name() + "'");
            pos = e.end();
            prev = e.name();
        }
        if (pos != dataLen)
            throw new SafeTensorsException("data section has " + (dataLen - pos) + " trailing bytes no tensor covers");
    }
}
