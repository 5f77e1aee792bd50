package bnnsr.fuzz;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.engine.EngineNetwork;
import bnnsr.engine.graph.Exporter;
import bnnsr.engine.graph.PackedModel;
import bnnsr.engine.graph.PackedModelException;
import bnnsr.engine.TestNetworks;
import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;
import bnnsr.tensor.Tensor;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed-model reader and its validation, fuzzed where they are richest: the graph JSON and the scale, over
 * the tensors of a real exported srresnet-xnor (pixel shuffle, bilinear skip,
 * box_scale, binary convs). A model must be refused (PackedModelException / SafeTensorsException) or be
 * runnable: one that passes validation is then run on a small image and must give an image of the right size.
 * Anything else (an internal exception, a hang, an OutOfMemoryError) is a finding.
 */
class PackedModelFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The seed model's header (without metadata) and data section. */
    private static final ObjectNode HEADER;
    private static final byte[] DATA;
    private static final java.util.Map<String, String> SEED_META;

    static {
        try {
            Path f = Files.createTempFile("seed", ".safetensors");
            Exporter.export(TestNetworks.randomise(Architectures.create(new ArchOptions("srresnet-xnor", 2, 8, 1)
                    .with("binarizer", "xnor"), 1), 1)).write(f);
            byte[] b = Files.readAllBytes(f);
            Files.delete(f);
            long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            HEADER = (ObjectNode) JSON.readTree(new String(b, 8, (int) n, StandardCharsets.UTF_8));
            SEED_META = JSON.convertValue(HEADER.remove("__metadata__"), java.util.Map.class);
            DATA = java.util.Arrays.copyOfRange(b, 8 + (int) n, b.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The input is the metadata's scale, a newline, and the graph JSON (the committed seed is the real model's, so
     * mutations explore graphs near a valid one); the other metadata are the seed's.
     */
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws IOException {
        String text = new String(input, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        ObjectNode header = HEADER.deepCopy();
        ObjectNode meta = header.putObject("__metadata__");
        SEED_META.forEach(meta::put);
        meta.put("scale", nl < 0 ? text : text.substring(0, nl));
        meta.put("graph", nl < 0 ? "" : text.substring(nl + 1));
        byte[] h = JSON.writeValueAsBytes(header);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        file.write(h);
        file.write(DATA);
        PackedModel m;
        try {
            m = PackedModel.from("fuzz", SafeTensors.read(file.toByteArray()));
        } catch (PackedModelException | SafeTensorsException e) {
            return;                                        // refused with its reason
        }
        EngineNetwork net = new EngineNetwork(m);
        Tensor y = net.run(TestNetworks.tensor(3, 4, 1));
        assertEquals(3 * m.scale, y.h);
        assertEquals(4 * m.scale, y.w);
    }

    /** The seed input: the real model's scale and graph. */
    static byte[] seed() { return (SEED_META.get("scale") + "\n" + SEED_META.get("graph")).getBytes(StandardCharsets.UTF_8); }
}
