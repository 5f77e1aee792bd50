package bnnsr.arch;

import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsWriter;
import bnnsr.io.TensorEntry;
import bnnsr.nn.Param;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bnnsr's srresnet against BasicSR's MSRResNet in PyTorch 1.13 (fixtures from src/test/python/make_msrresnet_golden.py):
 * a PyTorch state dict loads and gives PyTorch's output, and the file bnnsr writes has exactly the names, shapes and
 * dtypes of PyTorch's state_dict. {@code -Dbnnsr.parity.export=DIR} also writes bnnsr-initialised models and their
 * outputs for the script's reverse check; {@code -Dbnnsr.parity.dir=DIR} runs the comparison on fixtures made
 * elsewhere (e.g. the full nf=64, nb=16 model, too large to commit).
 */
class MSRResNetParityTest {
    @TempDir Path tmp;

    static Path golden() {
        try {
            return Path.of(MSRResNetParityTest.class.getResource("/golden/layers.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Tensor tensor(SafeTensors st, String name) throws IOException {
        TensorEntry e = st.entry(name);
        int[] s = e.intShape();
        return new Tensor(s[0], s[1], s[2], s[3], st.floats(name));
    }

    /** Loads the PyTorch state dict, runs PyTorch's input, returns the max abs difference to PyTorch's output. */
    static double maxAbsDiff(Path dir, int scale) throws IOException {
        Model m = Model.load(dir.resolve("msrresnet_x" + scale + ".safetensors"), Architectures.defaults("srresnet", scale));
        SafeTensors io = SafeTensors.read(dir.resolve("msrresnet_x" + scale + "_io.safetensors"));
        assertEquals(Integer.parseInt(io.metadata().get("nf")), m.options().channels());
        assertEquals(Integer.parseInt(io.metadata().get("nb")), m.options().blocks());
        Tensor expected = tensor(io, "output");
        Tensor y = m.forward(tensor(io, "input"), false);
        assertTrue(y.sameShape(expected), y.shape() + " vs " + expected.shape());
        double worst = 0;
        for (int i = 0; i < y.size(); i++) worst = Math.max(worst, Math.abs(y.data[i] - expected.data[i]));
        System.out.printf("srresnet x%d (nf=%d, nb=%d, %s -> %s): max abs diff vs PyTorch %.3g%n", scale,
                m.options().channels(), m.options().blocks(), tensor(io, "input").shape(), y.shape(), worst);
        return worst;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void pytorchStateDictGivesPytorchOutput(int scale) throws IOException {
        assertTrue(maxAbsDiff(golden(), scale) < 1e-4);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void savedFileHasPytorchNamesShapesAndDtypes(int scale) throws IOException {
        List<String> expected = Files.readAllLines(golden().resolve("msrresnet_x" + scale + "_state.txt"));
        Model m = Architectures.create(new ArchOptions("srresnet", scale, 8, 2), 5);
        Path f = tmp.resolve("m.safetensors");
        m.save(f, Map.of());
        SafeTensors st = SafeTensors.read(f);
        List<String> actual = new ArrayList<>();
        for (TensorEntry e : st.entries().values()) {
            StringBuilder dims = new StringBuilder();
            for (long d : e.shape()) dims.append(dims.isEmpty() ? "" : ",").append(d);
            actual.add(e.name() + " " + e.dtype() + " " + dims);
        }
        assertEquals(expected, actual);
    }

    @Test
    void externalFixtures() throws IOException {
        String dir = System.getProperty("bnnsr.parity.dir");
        Assumptions.assumeTrue(dir != null, "set -Dbnnsr.parity.dir to compare fixtures made elsewhere");
        for (int s = 2; s <= 4; s++)
            if (Files.exists(Path.of(dir, "msrresnet_x" + s + ".safetensors"))) assertTrue(maxAbsDiff(Path.of(dir), s) < 1e-4);
    }

    /** Writes bnnsr-initialised models and bnnsr's outputs for the Python script's reverse check. */
    @Test
    void exportForPytorch() throws IOException {
        String dir = System.getProperty("bnnsr.parity.export");
        Assumptions.assumeTrue(dir != null, "set -Dbnnsr.parity.export to write files for the reverse check");
        Path out = Files.createDirectories(Path.of(dir));
        for (int s = 2; s <= 4; s++) {
            Model m = Architectures.create(new ArchOptions("srresnet", s, 8, 2), 1000 + s);
            // as for the fixtures: without BasicSR's 0.1 the convolution path dominates, so a mismatch would show
            for (Param p : m.params()) for (int i = 0; i < p.size(); i++) p.value[i] *= p.name.endsWith("weight") ? 10 : 1;
            m.save(out.resolve("java_x" + s + ".safetensors"), Map.of());
            Tensor x = tensor(SafeTensors.read(golden().resolve("msrresnet_x" + s + "_io.safetensors")), "input");
            Tensor y = m.forward(x, false);
            new SafeTensorsWriter().putF32("input", new int[] {x.n, x.h, x.w, x.c}, x.data)
                    .putF32("output", new int[] {y.n, y.h, y.w, y.c}, y.data)
                    .write(out.resolve("java_x" + s + "_io.safetensors"), Map.of());
        }
    }
}
