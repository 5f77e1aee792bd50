package bnnsr.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The conv kernels against PyTorch's conv2d and its autograd (fixture from src/test/python/make_conv_golden.py,
 * tensors in PyTorch layouts: NCHW activations, OIHW weights).
 */
class ConvGoldenTest {
    private static final String DIR = "/golden/";

    static Stream<Arguments> cases() throws IOException {
        JsonNode index = new ObjectMapper().readTree(resource("conv_golden.json"));
        float[] data = floats(resource(index.get("data").asText()).readAllBytes());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : index.get("cases"))
            for (ConvOps ops : new ConvOps[] {new VectorConvOps(), new ScalarConvOps()})
                out.add(Arguments.of(c.get("name").asText() + " " + ops.getClass().getSimpleName(), c, data, ops));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name, JsonNode c, float[] data, ConvOps ops) {
        int k = c.get("k").asInt();
        JsonNode t = c.get("tensors");
        Tensor x = nhwc(t.get("input"), data), gy = nhwc(t.get("grad_output"), data);
        Tensor wantY = nhwc(t.get("output"), data), wantGx = nhwc(t.get("grad_input"), data);
        float[] w = hwio(t.get("weight"), data), wantGw = hwio(t.get("grad_weight"), data);
        float[] bias = flat(t.get("bias"), data), wantGb = flat(t.get("grad_bias"), data);

        Tensor y = new Tensor(x.n, x.h, x.w, gy.c), gx = new Tensor(x.n, x.h, x.w, x.c);
        float[] gw = new float[w.length], gb = new float[bias.length];
        ops.forward(x, w, bias, k, y);
        ops.backwardInput(gy, w, k, gx);
        ops.backwardWeight(x, gy, k, gw, gb);
        assertNear(wantY.data, y.data, name + " output");
        assertNear(wantGx.data, gx.data, name + " grad_input");
        assertNear(wantGw, gw, name + " grad_weight");
        assertNear(wantGb, gb, name + " grad_bias");
    }

    private static void assertNear(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++)
            assertEquals(want[i], got[i], 1e-4 + 1e-5 * Math.abs(want[i]), what + " element " + i);
    }

    /** NCHW -> NHWC. */
    private static Tensor nhwc(JsonNode spec, float[] data) {
        int[] s = shape(spec);
        int off = spec.get("offset").asInt();
        Tensor t = new Tensor(s[0], s[2], s[3], s[1]);
        for (int n = 0; n < s[0]; n++)
            for (int c = 0; c < s[1]; c++)
                for (int y = 0; y < s[2]; y++)
                    for (int x = 0; x < s[3]; x++) t.set(n, y, x, c, data[off++]);
        return t;
    }

    /** OIHW -> HWIO: w[((ky * k + kx) * cin + ci) * cout + co]. */
    private static float[] hwio(JsonNode spec, float[] data) {
        int[] s = shape(spec);
        int cout = s[0], cin = s[1], k = s[2], off = spec.get("offset").asInt();
        float[] w = new float[cout * cin * k * k];
        for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) w[((ky * k + kx) * cin + ci) * cout + co] = data[off++];
        return w;
    }

    private static float[] flat(JsonNode spec, float[] data) {
        int off = spec.get("offset").asInt(), n = 1;
        for (int d : shape(spec)) n *= d;
        float[] a = new float[n];
        System.arraycopy(data, off, a, 0, n);
        return a;
    }

    private static int[] shape(JsonNode spec) {
        JsonNode s = spec.get("shape");
        int[] r = new int[s.size()];
        for (int i = 0; i < r.length; i++) r[i] = s.get(i).asInt();
        return r;
    }

    private static InputStream resource(String name) {
        InputStream in = ConvGoldenTest.class.getResourceAsStream(DIR + name);
        assertNotNull(in, "missing test resource " + DIR + name);
        return in;
    }

    private static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
