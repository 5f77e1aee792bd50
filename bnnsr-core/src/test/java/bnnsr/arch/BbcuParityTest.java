package bnnsr.arch;

import bnnsr.io.SafeTensors;
import bnnsr.io.TensorEntry;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * srresnet-bbcu and bbcu-m against the PyTorch modules of src/test/python/make_bbcu_golden.py (torch 1.13; nf=8,
 * nb=2, k=130, weights drawn so that every sign input is at least 0.01 from 0): a PyTorch state dict loads and gives
 * PyTorch's output, and bnnsr's files have exactly the names, shapes and dtypes of PyTorch's state_dict.
 */
class BbcuParityTest {
    @TempDir Path tmp;

    static String stem(String arch, int scale) { return arch.replace('-', '_') + "_x" + scale; }

    @ParameterizedTest
    @CsvSource({"srresnet-bbcu,2", "srresnet-bbcu,3", "srresnet-bbcu,4", "bbcu-m,2", "bbcu-m,3", "bbcu-m,4"})
    void pytorchStateDictGivesPytorchOutput(String arch, int scale) throws IOException {
        Path dir = MSRResNetParityTest.golden();
        Model m = Model.load(dir.resolve(stem(arch, scale) + ".safetensors"), Architectures.defaults(arch, scale));
        SafeTensors io = SafeTensors.read(dir.resolve(stem(arch, scale) + "_io.safetensors"));
        assertEquals(arch, io.metadata().get("arch"));
        assertEquals(8, m.options().channels());
        assertEquals(2, m.options().blocks());
        Tensor expected = MSRResNetParityTest.tensor(io, "output");
        Tensor y = m.forward(MSRResNetParityTest.tensor(io, "input"), false);
        assertTrue(y.sameShape(expected), y.shape() + " vs " + expected.shape());
        double worst = 0, spread = 0;
        for (int i = 0; i < y.size(); i++) {
            worst = Math.max(worst, Math.abs(y.data[i] - expected.data[i]));
            spread = Math.max(spread, Math.abs(expected.data[i]));
        }
        System.out.printf("%s x%d: max abs diff vs PyTorch %.3g (outputs up to %.2f)%n", arch, scale, worst, spread);
        assertTrue(worst < 1e-4, "max abs diff " + worst);
    }

    @ParameterizedTest
    @CsvSource({"srresnet-bbcu,2", "srresnet-bbcu,4", "bbcu-m,3", "bbcu-m,4"})
    void savedFileHasPytorchNamesShapesAndDtypes(String arch, int scale) throws IOException {
        List<String> expected = Files.readAllLines(MSRResNetParityTest.golden().resolve(stem(arch, scale) + "_state.txt"));
        Model m = Architectures.create(Architectures.defaults(arch, scale).withChannels(8).withBlocks(2), 5);
        Path f = tmp.resolve("m.safetensors");
        m.save(f, Map.of());
        List<String> actual = new ArrayList<>();
        for (TensorEntry e : SafeTensors.read(f).entries().values()) {
            StringBuilder dims = new StringBuilder();
            for (long d : e.shape()) dims.append(dims.isEmpty() ? "" : ",").append(d);
            actual.add(e.name() + " " + e.dtype() + " " + dims);
        }
        assertEquals(expected, actual);
    }
}
