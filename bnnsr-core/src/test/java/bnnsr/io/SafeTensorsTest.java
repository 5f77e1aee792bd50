package bnnsr.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir Path dir;

    @Test
    void roundTrip() throws IOException {
        float[] w = {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 3.25f};
        long[] count = {Long.MAX_VALUE};
        float[] scalar = {7f};
        Path f = dir.resolve("m.safetensors");
        new SafeTensorsWriter()
                .putF32("conv.weight", new int[] {1, 2, 3, 1}, w)
                .putI64("bn.num_batches_tracked", new int[0], count)
                .putF32("empty", new int[] {0, 4}, new float[0])
                .putF32("s", new int[0], scalar)
                .write(f, Map.of("arch", "srresnet", "options", "{\"scale\": 4}"));
        SafeTensors st = SafeTensors.read(f);
        assertEquals(List.of("conv.weight", "bn.num_batches_tracked", "empty", "s"), List.copyOf(st.names()));
        assertEquals(Map.of("arch", "srresnet", "options", "{\"scale\": 4}"), st.metadata());
        assertArrayEquals(w, st.floats("conv.weight"));
        assertArrayEquals(new long[] {1, 2, 3, 1}, st.entry("conv.weight").shape());
        assertEquals(DType.I64, st.entry("bn.num_batches_tracked").dtype());
        assertArrayEquals(count, st.longs("bn.num_batches_tracked"));
        assertEquals(0, st.entry("bn.num_batches_tracked").shape().length);
        assertEquals(0, st.floats("empty").length);
        assertArrayEquals(scalar, st.floats("s"));
        // the data section starts 8-byte aligned, as the reference writer pads it
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8);
        assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp file left behind");
    }

    @Test
    void writeReplacesAtomicallyAndWithoutMetadata() throws IOException {
        Path f = dir.resolve("x.safetensors");
        Files.writeString(f, "old contents");
        new SafeTensorsWriter().putF32("a", new int[] {2}, new float[] {1, 2}).write(f, Map.of());
        SafeTensors st = SafeTensors.read(f);
        assertTrue(st.metadata().isEmpty());
        assertArrayEquals(new float[] {1, 2}, st.floats("a"));
        assertEquals(1, Files.list(dir).count());
    }

    @Test
    void halfPrecisionAndIntegersConvertToFloat() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(2 * 2 + 2 * 2 + 3 + 8).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-0.25f));
        d.putShort((short) (Float.floatToIntBits(3.0f) >>> 16)).putShort((short) (Float.floatToIntBits(-1e-3f) >>> 16));
        d.put((byte) 0).put((byte) 200).put((byte) 255);
        d.putLong(-42);
        Path f = craft("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[8,11]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[11,19]}}", d.array());
        SafeTensors st = SafeTensors.read(f);
        assertArrayEquals(new float[] {1.5f, -0.25f}, st.floats("h"));
        assertArrayEquals(new float[] {3.0f, Float.intBitsToFloat(Float.floatToIntBits(-1e-3f) & 0xffff0000)}, st.floats("b"));
        assertArrayEquals(new float[] {0, 200, 255}, st.floats("u"));
        assertArrayEquals(new long[] {0, 200, 255}, st.longs("u"));
        assertArrayEquals(new long[] {-42}, st.longs("i"));
        assertThrows(SafeTensorsException.class, () -> st.longs("h"));
        assertThrows(SafeTensorsException.class, () -> st.floats("missing"));
    }

    private Path craft(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return craftRaw(h.length, h, data);
    }

    private Path craftRaw(long headerLen, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLen).put(header).put(data);
        Path f = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static final String A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    /** Each corrupted header must be rejected with a one-line message containing the expected words. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{" + A + "}|8|" + "OK",
            "{" + A + ",}|8|not well-formed JSON",
            "[1,2]|8|does not start with a JSON object",
            "{" + A + "} trailing|8|not well-formed JSON",
            "{" + A + "," + A + "}|8|not well-formed JSON",
            "{\"a\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}|8|unknown dtype 'F31'",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}|8|not a non-negative integer",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,8]}}|8|not a non-negative integer",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}|8|needs 12 bytes but data_offsets [0,8] span 8",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}|8|run past the data section",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}|8|end before they begin",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}|8|not a [begin, end] pair",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}|8|lacks data_offsets",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}|8|unknown field 'x'",
            "{" + A + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|8|overlaps tensor 'a'",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|8|gap of 4 bytes",
            "{" + A + "}|12|4 trailing bytes",
            "{\"__metadata__\":{\"k\":1}," + A + "}|8|value of 'k' is not a string",
            "{\"__metadata__\":[]," + A + "}|8|__metadata__ is not a JSON object",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}|8|too large",
    })
    void corruptHeadersAreRejected(String header, int dataLen, String expected) throws IOException {
        Path f = craft(header, new byte[dataLen]);
        if (expected.equals("OK")) {
            assertEquals(2, SafeTensors.read(f).floats("a").length);
            return;
        }
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
        assertTrue(e.getMessage().startsWith(f.toString()), "message names the file");
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void badLengthsAndEncodingsAreRejected() throws IOException {
        byte[] h = ("{" + A + "}").getBytes(StandardCharsets.UTF_8);
        assertMessage(craftRaw(h.length + 100, h, new byte[8]), "runs past the end of the file");
        assertMessage(craftRaw(-1, h, new byte[8]), "out of range");
        assertMessage(craftRaw(1L << 40, h, new byte[8]), "out of range");
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertMessage(tiny, "shorter than the 8-byte header length");
        byte[] badUtf8 = "{\"\u00e9\":1}".getBytes(StandardCharsets.ISO_8859_1);
        assertMessage(craftRaw(badUtf8.length, badUtf8, new byte[0]), "not valid UTF-8");
        // a real file cut short: the tensors then run past the data section
        Path f = dir.resolve("ok.safetensors");
        new SafeTensorsWriter().putF32("a", new int[] {4}, new float[4]).write(f, Map.of());
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 3));
        assertMessage(f, "run past the data section");
    }

    private static void assertMessage(Path f, String expected) {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void writerRejectsBadInput() {
        SafeTensorsWriter w = new SafeTensorsWriter().putF32("a", new int[] {1}, new float[1]);
        assertThrows(IllegalArgumentException.class, () -> w.putF32("a", new int[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> w.putF32("b", new int[] {3}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> w.putF32("__metadata__", new int[] {1}, new float[1]));
    }
}
