package bnnsr.train;

import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsWriter;
import bnnsr.nn.Param;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Adam and the LR schedules against PyTorch 1.13 (fixture from src/test/python/make_train_golden.py). */
class OptimTest {
    private static JsonNode golden;
    @TempDir Path dir;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = OptimTest.class.getResourceAsStream("/golden/train.json")) {
            golden = new ObjectMapper().readTree(in);
        }
    }

    static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
        return f;
    }

    private static Param[] params() {
        JsonNode init = golden.get("adam").get("init");
        Param w = new Param("weight", new int[] {3, 4}, true), b = new Param("bias", new int[] {5}, false);
        System.arraycopy(floats(init.get("weight")), 0, w.value, 0, 12);
        System.arraycopy(floats(init.get("bias")), 0, b.value, 0, 5);
        return new Param[] {w, b};
    }

    private static Adam adam(Param[] ps) {
        JsonNode a = golden.get("adam");
        return new Adam(List.of(ps), a.get("beta1").asDouble(), a.get("beta2").asDouble(), a.get("eps").asDouble(),
                a.get("weight_decay").asDouble());
    }

    private static void step(Adam opt, Param[] ps, JsonNode s) {
        opt.zeroGrad();
        float[] gw = floats(s.get("grads").get("weight")), gb = floats(s.get("grads").get("bias"));
        for (int i = 0; i < gw.length; i++) ps[0].grad[i] += gw[i];
        for (int i = 0; i < gb.length; i++) ps[1].grad[i] += gb[i];
        opt.step(s.get("lr").asDouble());
    }

    @Test
    void adamMatchesTorchWithL2DecayOnWeightsOnly() {
        Param[] ps = params();
        Adam opt = adam(ps);
        for (JsonNode s : golden.get("adam").get("steps")) {
            step(opt, ps, s);
            assertArrayEquals(floats(s.get("weight")), ps[0].value, 2e-7f, "weight after step " + opt.steps());
            assertArrayEquals(floats(s.get("bias")), ps[1].value, 2e-7f, "bias after step " + opt.steps());
        }
        assertEquals(6, opt.steps());
    }

    @Test
    void adamStateSurvivesACheckpoint() throws IOException {
        JsonNode steps = golden.get("adam").get("steps");
        Param[] ps = params();
        Adam opt = adam(ps);
        for (int i = 0; i < 3; i++) step(opt, ps, steps.get(i));
        Path f = dir.resolve("ckpt.safetensors");
        opt.addTo(new SafeTensorsWriter()).putF32("weight", ps[0].shape, ps[0].value).putF32("bias", ps[1].shape, ps[1].value)
                .write(f, Map.of());
        SafeTensors st = SafeTensors.read(f);
        Param[] resumed = params();
        System.arraycopy(st.floats("weight"), 0, resumed[0].value, 0, 12);
        System.arraycopy(st.floats("bias"), 0, resumed[1].value, 0, 5);
        Adam again = adam(resumed);
        again.load(st);
        assertEquals(3, again.steps());
        for (int i = 3; i < 6; i++) {
            step(opt, ps, steps.get(i));
            step(again, resumed, steps.get(i));
        }
        assertArrayEquals(ps[0].value, resumed[0].value);
        assertArrayEquals(ps[1].value, resumed[1].value);
    }

    private static void assertSchedule(String name, LrSchedule s) {
        JsonNode expected = golden.get("schedules").get(name);
        for (int t = 0; t < expected.size(); t++)
            assertEquals(expected.get(t).asDouble(), s.lr(t), 1e-12, name + " at t=" + t);
    }

    @Test
    void schedulesMatchTorchAndBasicSR() {
        assertSchedule("step_7_0.5", LrSchedule.step(0.1, 7, 0.5));
        assertSchedule("multistep_5_12_20_0.5", LrSchedule.multiStep(0.1, new long[] {12, 5, 20}, 0.5));
        assertSchedule("cosine_20_1e-3", LrSchedule.cosine(0.1, 20, 1e-3));
        assertSchedule("restart_10_6_w1_0.5_1e-3", LrSchedule.cosineRestarts(0.1, new long[] {10, 6}, new double[] {1, 0.5}, 1e-3));
        assertEquals(1e-3, LrSchedule.cosine(0.1, 20, 1e-3).lr(25), 0, "held at eta_min after the period");
        assertEquals(0.25, LrSchedule.constant(0.25).lr(1000));
    }
}
