package bnnsr.nn;

import bnnsr.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forward and backward of every layer against PyTorch 1.13 (fixture made by src/test/python/make_layer_golden.py). */
class LayerGoldenTest {
    private static JsonNode cases;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = LayerGoldenTest.class.getResourceAsStream("/golden/layers.json")) {
            cases = new ObjectMapper().readTree(in).get("cases");
        }
    }

    static float[] data(JsonNode t) {
        JsonNode d = t.get("data");
        float[] a = new float[d.size()];
        for (int i = 0; i < a.length; i++) a[i] = (float) d.get(i).asDouble();
        return a;
    }

    static Tensor tensor(JsonNode t) {
        JsonNode s = t.get("shape");
        return new Tensor(s.get(0).asInt(), s.get(1).asInt(), s.get(2).asInt(), s.get(3).asInt(), data(t));
    }

    static void assertClose(float[] expected, float[] actual, int size, double tol, String what) {
        assertEquals(expected.length, size, what + ": size");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < size; i++) {
            double e = Math.abs(expected[i] - actual[i]) / (1 + Math.abs(expected[i]));
            if (e > worst) { worst = e; at = i; }
        }
        if (worst > tol) throw new AssertionError(what + ": worst relative error " + worst + " at " + at
                + " (expected " + expected[at] + ", got " + actual[at] + ")");
    }

    /** Loads the case's params into the layer, checks y, then backward's dx and param grads. */
    private static void check(String name, Layer layer, boolean training) {
        JsonNode c = cases.get(name);
        Map<String, Param> byName = new java.util.HashMap<>();
        for (Param p : layer.params()) byName.put(p.name, p);
        for (Param p : layer.buffers()) byName.put(p.name, p);
        for (String section : new String[] {"params", "buffers_before"}) {
            JsonNode ps = c.get(section);
            if (ps == null) continue;
            ps.fields().forEachRemaining(e -> {
                float[] v = data(e.getValue());
                System.arraycopy(v, 0, byName.get(e.getKey()).value, 0, v.length);
            });
        }
        if (c.has("buffers") && !c.has("buffers_before")) // evaluation mode: the running stats are inputs
            c.get("buffers").fields().forEachRemaining(e -> {
                float[] v = data(e.getValue());
                System.arraycopy(v, 0, byName.get(e.getKey()).value, 0, v.length);
            });
        for (Param p : layer.params()) p.zeroGrad();
        Tensor y = layer.forward(tensor(c.get("x")), training);
        assertClose(data(c.get("y")), y.data, y.size(), 2e-6, name + " y");
        Tensor dx = layer.backward(tensor(c.get("r")));
        assertClose(data(c.get("dx")), dx.data, dx.size(), 2e-6, name + " dx");
        for (Param p : layer.params())
            assertClose(data(c.get("grads").get(p.name)), p.grad, p.size(), 1e-5, name + " d" + p.name);
        if (c.has("buffers"))
            c.get("buffers").fields().forEachRemaining(e ->
                    assertClose(data(e.getValue()), byName.get(e.getKey()).value, byName.get(e.getKey()).size(), 2e-6,
                            name + " " + e.getKey()));
    }

    @Test void conv() {
        check("conv3x3", new Conv2d("", 4, 6, 3, true), true);
        check("conv1x1_nobias", new Conv2d("", 4, 5, 1, false), true);
        check("conv5x5", new Conv2d("", 4, 3, 5, true), true);
    }

    @Test void activations() {
        check("relu", new ReLU(), true);
        check("leaky_relu_0.1", new LeakyReLU(0.1f), true);
        check("prelu", new PReLU("", 4), true);
    }

    @Test void batchNorm() {
        BatchNorm2d train = new BatchNorm2d("", 4);
        check("batchnorm_train", train, true);
        assertEquals(1f, train.numBatchesTracked.value[0]);
        assertTrue(train.numBatchesTracked.integral);
        check("batchnorm_eval", new BatchNorm2d("", 4), false);
    }

    @Test void pixelShuffle() {
        check("pixel_shuffle_2", new PixelShuffle(2), true);
        check("pixel_shuffle_3", new PixelShuffle(3), true);
    }

    @Test void bilinear() {
        for (int s = 2; s <= 4; s++) check("bilinear_" + s, new BilinearUpsample(s), true);
    }

    @Test void losses() {
        for (String name : new String[] {"l1", "mse"}) {
            JsonNode c = cases.get("loss_" + name);
            Loss loss = name.equals("l1") ? new Loss.L1() : new Loss.Mse();
            double v = loss.forward(tensor(c.get("pred")), tensor(c.get("target")));
            assertEquals(c.get("loss").asDouble(), v, 1e-6, name + " value");
            Tensor g = loss.backward();
            assertClose(data(c.get("grad")), g.data, g.size(), 1e-7, name + " grad");
        }
    }
}
