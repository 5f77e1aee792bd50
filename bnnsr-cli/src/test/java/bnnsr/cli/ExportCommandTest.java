package bnnsr.cli;

import bnnsr.Fixtures;
import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.arch.Model;
import bnnsr.engine.graph.PackedModel;
import bnnsr.engine.TestNetworks;
import bnnsr.io.SafeTensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static bnnsr.cli.EvalCommandTest.assertOneLineError;
import static bnnsr.cli.EvalCommandTest.run;
import static org.junit.jupiter.api.Assertions.*;

/** {@code export}, then {@code eval} / {@code upscale} through the packed file give the float file's results. */
class ExportCommandTest {
    @TempDir Path dir;
    static final Path SET5 = Fixtures.resource("Set5");

    private Path saved(String arch, int blocks) throws IOException {
        ArchOptions o = Architectures.defaults(arch, 2).withChannels(8).withBlocks(blocks);
        Model m = TestNetworks.randomise(Architectures.create(o, 4), 4);
        Path f = dir.resolve(arch + ".safetensors");
        m.save(f, Map.of());
        return f;
    }

    private double psnr(Path model) throws IOException {
        Path json = dir.resolve(model.getFileName() + ".json");
        EvalCommandTest.Run r = run("eval", "--model", model.toString(), "--data", SET5.toString(), "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(json.toFile()).get("results").get(0).get("psnr").asDouble();
    }

    @Test void packedModelEvaluatesAndUpscalesLikeTheFloatModel() throws IOException {
        for (String arch : new String[] {"srresnet-bam", "bsrn"}) {
            Path f = saved(arch, arch.equals("bsrn") ? 1 : 2), packed = dir.resolve(arch + "-packed.safetensors");
            EvalCommandTest.Run r = run("export", f.toString(), "-o", packed.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains(arch + " x2"), r.err());
            assertEquals(arch, PackedModel.read(packed).arch);
            assertEquals(psnr(f), psnr(packed), 1e-3, arch);

            Path in = SET5.resolve("bird.png"), a = dir.resolve(arch + "-float.png"), b = dir.resolve(arch + "-packed.png");
            assertEquals(0, run("upscale", "--model", f.toString(), in.toString(), "-o", a.toString()).exit());
            assertEquals(0, run("upscale", "--model", packed.toString(), in.toString(), "-o", b.toString()).exit());
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), arch);
        }
    }

    @Test void infoReadsPackedModels() throws IOException {
        Path f = saved("bsrn", 1), packed = dir.resolve("p.safetensors");
        assertEquals(0, run("export", f.toString(), "-o", packed.toString()).exit());
        EvalCommandTest.Run a = run("info", "--model", f.toString()), b = run("info", "--model", packed.toString());
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().startsWith("bsrn x2"), b.out());
        assertEquals(a.out(), b.out());
    }

    @Test void trainingCheckpointsExportToo() throws IOException {
        Model m = TestNetworks.randomise(Architectures.create(Architectures.defaults("srresnet-bnn", 2).withChannels(8).withBlocks(1), 5), 5);
        Path ckpt = dir.resolve("checkpoint.safetensors"), fromModel = dir.resolve("a.safetensors"), fromCkpt = dir.resolve("b.safetensors");
        SafeTensorsWriter w = m.addTo(new SafeTensorsWriter());
        w.putF32("optimizer.exp_avg.conv_first.weight", new int[] {1}, new float[] {0.5f});
        w.write(ckpt, Map.of("format", "pt", ArchOptions.METADATA_KEY, m.options().toJson(), "train_config", "{}"));
        Path model = dir.resolve("model.safetensors");
        m.save(model, Map.of());
        assertEquals(0, run("export", model.toString(), "-o", fromModel.toString()).exit());
        assertEquals(0, run("export", ckpt.toString(), "-o", fromCkpt.toString()).exit());
        assertArrayEquals(Files.readAllBytes(fromModel), Files.readAllBytes(fromCkpt));
    }

    @Test void badRequestsAreOneLineErrors() throws IOException {
        Path f = saved("srresnet-bam", 1), out = dir.resolve("out.safetensors");
        assertOneLineError(run("export", f.toString(), "-o", f.toString()), 2, "is the input");
        Files.writeString(out, "keep me");
        assertOneLineError(run("export", f.toString(), "-o", out.toString()), 2, "--force");
        assertEquals("keep me", Files.readString(out));
        assertEquals(0, run("export", f.toString(), "-o", out.toString(), "--force").exit());
        assertOneLineError(run("export", out.toString(), "-o", dir.resolve("again.safetensors").toString()), 2, "already a packed model");
        assertOneLineError(run("export", saved("srresnet-abc", 1).toString(), "-o", dir.resolve("x.safetensors").toString()), 2,
                "cannot export srresnet-abc");
        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "not a model");
        assertOneLineError(run("export", junk.toString(), "-o", dir.resolve("j.safetensors").toString()), 2, "junk.safetensors");
        assertOneLineError(run("export", dir.resolve("none").toString(), "-o", dir.resolve("n.safetensors").toString()), 2, "no such model file");
        assertFalse(Files.exists(dir.resolve("x.safetensors")));
    }
}
