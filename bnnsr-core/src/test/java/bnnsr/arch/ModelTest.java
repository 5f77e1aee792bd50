package bnnsr.arch;

import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;
import bnnsr.io.SafeTensorsWriter;
import bnnsr.nn.GradCheck;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTest {
    @TempDir Path dir;

    static ArchOptions tiny(int scale) { return new ArchOptions("srresnet", scale, 4, 2); }

    @Test
    void optionsRoundTripThroughJson() {
        ArchOptions o = new ArchOptions("srresnet", 3, 16, 5, Map.of("binarizer", "bam", "k", "3"));
        assertEquals(o, ArchOptions.fromJson(o.toJson()));
        assertEquals(3, o.intOption("k", 0));
        assertEquals(7, o.intOption("absent", 7));
        assertEquals("bam", o.option("binarizer", ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArchOptions.fromJson("{\"arch\":\"srresnet\",\"scale\":0,\"channels\":1,\"blocks\":1}"));
        assertTrue(e.getMessage().contains("scale must be in 1..8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ArchOptions.fromJson("{nope"));
        // found by OptionsFuzzTest: "null" parsed to a null ArchOptions, and trailing text was ignored
        assertThrows(IllegalArgumentException.class, () -> ArchOptions.fromJson("null"));
        assertThrows(IllegalArgumentException.class, () -> ArchOptions.fromJson(o.toJson() + "{}"));
    }

    @Test
    void registryKnowsSrresnetAndRejectsUnknownNames() {
        assertEquals(new ArchOptions("srresnet", 4, 64, 16), Architectures.defaults("srresnet", 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architectures.get("nope"));
        assertTrue(e.getMessage().contains("unknown architecture 'nope'") && e.getMessage().contains("srresnet"));
        assertThrows(IllegalArgumentException.class, () -> Architectures.create(tiny(5), 1));
    }

    @Test
    void stateDictNamesAndShapesFollowBasicSR() {
        Model m = Architectures.create(tiny(4), 1);
        List<String> names = new ArrayList<>(m.state().keySet());
        assertEquals(List.of("conv_first.weight", "conv_first.bias",
                "body.0.conv1.weight", "body.0.conv1.bias", "body.0.conv2.weight", "body.0.conv2.bias",
                "body.1.conv1.weight", "body.1.conv1.bias", "body.1.conv2.weight", "body.1.conv2.bias",
                "upconv1.weight", "upconv1.bias", "upconv2.weight", "upconv2.bias",
                "conv_hr.weight", "conv_hr.bias", "conv_last.weight", "conv_last.bias"), names);
        assertArrayEquals(new int[] {16, 4, 3, 3}, m.state().get("upconv2.weight").shape);
        assertArrayEquals(new int[] {3, 4, 3, 3}, m.state().get("conv_last.weight").shape);
        assertArrayEquals(new int[] {36, 4, 3, 3}, Architectures.create(tiny(3), 1).state().get("upconv1.weight").shape);
        assertTrue(!Architectures.create(tiny(2), 1).state().containsKey("upconv2.weight"));
    }

    @Test
    void initFollowsBasicSR() {
        Model m = Architectures.create(new ArchOptions("srresnet", 2, 32, 1), 7);
        for (Param p : m.params()) {
            if (p.name.endsWith(".bias")) { for (float v : p.value) assertEquals(0f, v); continue; }
            double ss = 0;
            for (float v : p.value) ss += v * v;
            double std = Math.sqrt(ss / p.size()), expected = 0.1 * Math.sqrt(2.0 / (p.shape[1] * 9));
            assertEquals(expected, std, expected * 0.15, p.name + " std");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void wholeModelGradients(int scale) {
        Model m = Architectures.create(new ArchOptions("srresnet", scale, 4, 1), 3);
        // the 0.1-scaled init leaves the body almost linear; larger weights exercise every path
        long seed = 40;
        for (Param p : m.params()) GradCheck.fill(p, -0.3, 0.3, seed++);
        // dozens of kinked activations in a row: a small step keeps the differences on one side of them
        GradCheck.of(m, true).step(1e-3).tolerance(5e-3).maxChecks(25).run(GradCheck.random(1, 3, 2, 3, 5));
    }

    @Test
    void saveAndLoadRoundTrip() throws IOException {
        Model m = Architectures.create(tiny(3), 11);
        Path f = dir.resolve("m.safetensors");
        m.save(f, Map.of("iteration", "12"));
        SafeTensors st = SafeTensors.read(f);
        assertEquals("12", st.metadata().get("iteration"));
        assertEquals(tiny(3), ArchOptions.fromJson(st.metadata().get(ArchOptions.METADATA_KEY)));
        Model back = Model.load(f);
        assertEquals(m.options(), back.options());
        for (Param p : m.state().values()) assertArrayEquals(p.value, back.state().get(p.name).value, p.name);
        Tensor x = GradCheck.random(1, 5, 4, 3, 2);
        float[] y1 = m.forward(x, false).data.clone();
        assertArrayEquals(y1, back.forward(x, false).data);
    }

    @Test
    void plainStateDictNeedsArchAndInfersSizes() throws IOException {
        Model m = Architectures.create(new ArchOptions("srresnet", 2, 8, 3), 12);
        Path f = dir.resolve("plain.safetensors");
        m.addTo(new SafeTensorsWriter()).write(f, Map.of());
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> Model.load(f));
        assertTrue(e.getMessage().contains("name the architecture and scale"), e.getMessage());
        Model back = Model.load(f, Architectures.defaults("srresnet", 2));
        assertEquals(new ArchOptions("srresnet", 2, 8, 3), back.options());
        assertArrayEquals(m.state().get("body.2.conv2.weight").value, back.state().get("body.2.conv2.weight").value);
        // the wrong scale shows up as a shape mismatch
        SafeTensorsException wrong = assertThrows(SafeTensorsException.class, () -> Model.load(f, Architectures.defaults("srresnet", 3)));
        assertTrue(wrong.getMessage().contains("upconv1.weight: file has F32[32, 8, 3, 3], model expects [72, 8, 3, 3]"), wrong.getMessage());
    }

    @Test
    void strictLoadingNamesWhatIsWrong() throws IOException {
        Model m = Architectures.create(tiny(2), 13);
        Path f = dir.resolve("m.safetensors");
        m.save(f, Map.of());
        SafeTensorsException conflict = assertThrows(SafeTensorsException.class, () -> Model.load(f, Architectures.defaults("srresnet", 4)));
        assertTrue(conflict.getMessage().contains("holds srresnet x2, not the requested srresnet x4"), conflict.getMessage());

        Model other = Architectures.create(new ArchOptions("srresnet", 2, 4, 3), 13);
        SafeTensorsException missing = assertThrows(SafeTensorsException.class, () -> other.loadState(SafeTensors.read(f), n -> false));
        assertTrue(missing.getMessage().contains("missing body.2.conv1.weight, body.2.conv1.bias, body.2.conv2.weight, body.2.conv2.bias"), missing.getMessage());

        Path extra = dir.resolve("extra.safetensors");
        m.addTo(new SafeTensorsWriter()).putF32("junk.conv_first.weight", new int[] {1}, new float[1]).write(extra, m.metadata());
        SafeTensorsException unexpected = assertThrows(SafeTensorsException.class, () -> Model.load(extra));
        assertTrue(unexpected.getMessage().contains("unexpected junk.conv_first.weight"), unexpected.getMessage());

        // a training checkpoint: weights plus optimizer state, which loading a model skips
        Path ckpt = dir.resolve("ckpt.safetensors");
        m.addTo(new SafeTensorsWriter()).putF32("optimizer.exp_avg.conv_first.weight", new int[] {1}, new float[1]).write(ckpt, m.metadata());
        Model fresh = Model.load(ckpt);
        assertArrayEquals(m.state().get("conv_hr.weight").value, fresh.state().get("conv_hr.weight").value);
    }

    @Test
    void batchNormBuffersSaveAsPytorchDoes() throws IOException {
        bnnsr.nn.BatchNorm2d bn = new bnnsr.nn.BatchNorm2d("bn", 2);
        Model m = new Model(new ArchOptions("custom", 1, 2, 0), new bnnsr.nn.Sequential(new bnnsr.nn.Conv2d("conv", 3, 2, 1, false), bn));
        m.forward(GradCheck.random(2, 3, 3, 3, 1), true);
        m.forward(GradCheck.random(2, 3, 3, 3, 2), true);
        Path f = dir.resolve("bn.safetensors");
        m.save(f, Map.of());
        SafeTensors st = SafeTensors.read(f);
        assertEquals(List.of("conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"),
                List.copyOf(st.names()));
        assertEquals(bnnsr.io.DType.I64, st.entry("bn.num_batches_tracked").dtype());
        assertEquals(0, st.entry("bn.num_batches_tracked").shape().length);
        assertArrayEquals(new long[] {2}, st.longs("bn.num_batches_tracked"));
        bnnsr.nn.BatchNorm2d bn2 = new bnnsr.nn.BatchNorm2d("bn", 2);
        Model back = new Model(m.options(), new bnnsr.nn.Sequential(new bnnsr.nn.Conv2d("conv", 3, 2, 1, false), bn2));
        back.loadState(st, n -> false);
        assertArrayEquals(bn.runningVar.value, bn2.runningVar.value);
        assertEquals(2f, bn2.numBatchesTracked.value[0]);
    }
}
