package bnnsr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;

/** Test resources: golden JSON made by src/test/python/make_golden.py, bundled images. */
public final class Fixtures {
    private Fixtures() {}

    public static Path resource(String name) {
        URL url = Fixtures.class.getResource("/" + name);
        if (url == null) throw new IllegalStateException("missing test resource " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Little-endian float32 samples, base64 encoded. */
    public static float[] floats(JsonNode base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64.asText())).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    /** Unsigned bytes, base64 encoded. */
    public static int[] bytes(JsonNode base64) {
        byte[] raw = Base64.getDecoder().decode(base64.asText());
        int[] v = new int[raw.length];
        for (int i = 0; i < raw.length; i++) v[i] = raw[i] & 255;
        return v;
    }
}
