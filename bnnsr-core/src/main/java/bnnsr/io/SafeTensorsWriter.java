package bnnsr.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects tensors (by reference: arrays are read at {@link #write} time) and writes them as one safetensors file,
 * in insertion order, the header padded with spaces to a multiple of 8 bytes so the data section stays aligned.
 * The file is written to a temporary file in the same folder, forced to disk and moved over the target, so a
 * crash never leaves a half-written file under the target's name.
 */
public final class SafeTensorsWriter {
    private interface Source { void put(ByteBuffer b, int from, int to); }

    private record Item(String name, DType dtype, long[] shape, long elements, Source source) {}

    private final List<Item> items = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    public SafeTensorsWriter putF32(String name, int[] shape, float[] data) {
        return add(name, DType.F32, shape, data.length, (b, from, to) -> { for (int i = from; i < to; i++) b.putFloat(data[i]); });
    }

    public SafeTensorsWriter putI64(String name, int[] shape, long[] data) {
        return add(name, DType.I64, shape, data.length, (b, from, to) -> { for (int i = from; i < to; i++) b.putLong(data[i]); });
    }

    private SafeTensorsWriter add(String name, DType dtype, int[] shape, int length, Source source) {
        if (name.equals(SafeTensors.METADATA)) throw new IllegalArgumentException("'" + name + "' is reserved");
        if (!names.add(name)) throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        long n = 1;
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) throw new IllegalArgumentException(name + ": negative dimension");
            s[i] = shape[i];
            n *= shape[i];
        }
        if (n > length) throw new IllegalArgumentException(name + ": shape needs " + n + " elements, array has " + length);
        items.add(new Item(name, dtype, s, n, source));
        return this;
    }

    /** Writes the file atomically; {@code metadata} (may be empty) becomes the header's {@code __metadata__}. */
    public void write(Path file, Map<String, String> metadata) throws IOException {
        byte[] header = header(metadata);
        AtomicFiles.write(file, out -> {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            out.write(buf.putLong(header.length).array(), 0, 8);
            out.write(header);
            for (Item it : items) {
                int per = (1 << 20) / it.dtype.bytes;
                for (long from = 0; from < it.elements; from += per) {
                    int to = (int) Math.min(it.elements, from + per);
                    buf.clear();
                    it.source.put(buf, (int) from, to);
                    out.write(buf.array(), 0, buf.position());
                }
            }
        });
    }

    private byte[] header(Map<String, String> metadata) {
        ObjectNode root = SafeTensors.JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject(SafeTensors.METADATA);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Item it : items) {
            ObjectNode e = root.putObject(it.name);
            e.put("dtype", it.dtype.name());
            ArrayNode shape = e.putArray("shape");
            for (long d : it.shape) shape.add(d);
            long bytes = it.elements * it.dtype.bytes;
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) out[i] = ' ';
        return out;
    }

}
