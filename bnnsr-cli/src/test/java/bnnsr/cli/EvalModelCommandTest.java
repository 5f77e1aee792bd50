package bnnsr.cli;

import bnnsr.Fixtures;
import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.eval.Evaluator;
import bnnsr.eval.SetResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code eval --model}: a network goes through the same protocol as bicubic, tiled, with the model's scale. */
class EvalModelCommandTest {
    @TempDir Path dir;
    static final Path SET5 = Fixtures.resource("Set5");

    @Test void modelScoresEqualTheUntiledProtocolRun() throws Exception {
        Model m = Architectures.create(new ArchOptions("srresnet", 2, 8, 1), 3);
        Path file = dir.resolve("tiny.safetensors");
        m.save(file, Map.of());
        Path json = dir.resolve("r.json");
        EvalCommandTest.Run r = EvalCommandTest.run("eval", "--model", file.toString(), "--data", SET5.toString(), "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode res = new ObjectMapper().readTree(json.toFile()).get("results");
        assertEquals(1, res.size(), "only the model's scale");
        assertEquals(2, res.get(0).get("scale").asInt());
        SetResult direct = new Evaluator(new bnnsr.engine.NetworkResolver(new bnnsr.engine.ModelNetwork(m), "tiny"), new int[] {2}, true).evaluateFolder(SET5, null).results().get(0);
        assertEquals(direct.psnr(), res.get(0).get("psnr").asDouble(), 1e-6);
        assertEquals(direct.ssim(), res.get(0).get("ssim").asDouble(), 1e-8);
    }

    @Test void scaleMismatchAndBadFilesAreOneLineErrors() throws Exception {
        Model m = Architectures.create(new ArchOptions("srresnet", 2, 8, 1), 3);
        Path file = dir.resolve("tiny.safetensors");
        m.save(file, Map.of());
        EvalCommandTest.assertOneLineError(EvalCommandTest.run("eval", "--model", file.toString(), "--scale", "4", "--data", SET5.toString()), 2, "x2");
        EvalCommandTest.assertOneLineError(EvalCommandTest.run("eval", "--model", dir.resolve("none.safetensors").toString(), "--data", SET5.toString()), 2, "no such model file");
        Path junk = dir.resolve("junk.safetensors");
        java.nio.file.Files.writeString(junk, "not a model");
        EvalCommandTest.assertOneLineError(EvalCommandTest.run("eval", "--model", junk.toString(), "--data", SET5.toString()), 2, "junk.safetensors");
    }

    @Test void plainPyTorchStateDictNeedsAndTakesArchAndScale() {
        String plain = Fixtures.resource("golden/msrresnet_x2.safetensors").toString();   // saved by PyTorch, no bnnsr metadata
        EvalCommandTest.Run ok = EvalCommandTest.run("eval", "--model", plain, "--arch", "srresnet", "--scale", "2", "--data", SET5.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("| x2 |"), ok.out());
        EvalCommandTest.assertOneLineError(EvalCommandTest.run("eval", "--model", plain, "--data", SET5.toString()), 2, "architecture");
    }
}
