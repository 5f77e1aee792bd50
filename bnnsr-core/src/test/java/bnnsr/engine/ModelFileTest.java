package bnnsr.engine;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Model;
import bnnsr.engine.graph.Exporter;
import bnnsr.io.SafeTensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** One read of a model file tells packed from float, and each opens as the network of its kind. */
class ModelFileTest {
    @TempDir Path dir;

    @Test void packedFloatAndPlainFilesAreToldApart() throws IOException {
        Model m = TestNetworks.srresnet(2, 1);
        Path floatFile = dir.resolve("f.safetensors"), packedFile = dir.resolve("p.safetensors"), plain = dir.resolve("plain.safetensors");
        m.save(floatFile, Map.of());
        Exporter.export(m).write(packedFile);
        SafeTensorsWriter w = new SafeTensorsWriter();
        m.state().forEach((name, p) -> w.putF32(name, p.shape, p.value));
        w.write(plain, Map.of());

        ModelFile f = ModelFile.open(floatFile), p = ModelFile.open(packedFile), d = ModelFile.open(plain);
        assertFalse(f.isPacked());
        assertTrue(p.isPacked());
        assertTrue(f.hasArchMetadata() && p.hasArchMetadata());
        assertFalse(d.hasArchMetadata());
        assertEquals(m.options(), f.options(null));
        assertEquals(m.options(), p.options(null));
        assertEquals("srresnet", p.packed().arch);
        assertInstanceOf(EngineNetwork.class, Networks.load(p, null));
        assertInstanceOf(ModelNetwork.class, Networks.load(f, null));
        assertInstanceOf(ModelNetwork.class, Networks.load(d, new ArchOptions("srresnet", 2, 8, 2)));
        assertThrows(IOException.class, () -> Networks.load(p, new ArchOptions("srresnet", 4, 8, 2)));
        Files.writeString(dir.resolve("junk"), "not a model");
        IOException e = assertThrows(IOException.class, () -> ModelFile.open(dir.resolve("junk")));
        assertTrue(e.getMessage().contains("junk"), e.getMessage());
    }
}
