package bnnsr.train;

import bnnsr.nn.Param;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.*;

class AdamTest {
    @Test void matchesTorchAdamWithL2DecayAndChangingLr() throws Exception {
        JsonNode g;
        try (InputStream in = getClass().getResourceAsStream("/golden/adam.json")) {
            g = new ObjectMapper().readTree(in);
        }
        Param p = new Param("w", new int[] {7}, true);
        for (int i = 0; i < 7; i++) p.value[i] = (float) g.get("init").get(i).asDouble();
        Adam adam = new Adam(java.util.List.of(p), new Adam.Settings(g.get("beta1").asDouble(), g.get("beta2").asDouble(),
                g.get("eps").asDouble(), g.get("weight_decay").asDouble()));
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 7; i++) p.grad[i] = (float) g.get("grads").get(k).get(i).asDouble();
            adam.step(g.get("lrs").get(k).asDouble());
            for (float v : p.grad) assertEquals(0f, v, "gradients are zeroed after a step");
        }
        for (int i = 0; i < 7; i++) assertEquals(g.get("final").get(i).asDouble(), p.value[i], 2e-6, "element " + i);
        assertEquals(4, adam.stepCount());
    }

    @Test void noDecayParamsIgnoreWeightDecay() {
        Param a = new Param("a", new int[] {1}, true), b = new Param("b", new int[] {1}, false);
        a.value[0] = b.value[0] = 1f;
        Adam adam = new Adam(java.util.List.of(a, b), new Adam.Settings(0.9, 0.999, 1e-8, 0.5));
        adam.step(0.1);   // zero gradient: only decay can move a parameter
        assertTrue(a.value[0] < 1f);
        assertEquals(1f, b.value[0]);
    }
}
