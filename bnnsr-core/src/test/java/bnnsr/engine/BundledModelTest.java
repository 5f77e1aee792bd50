package bnnsr.engine;

import bnnsr.eval.BicubicResolver;
import bnnsr.eval.Protocol;
import bnnsr.image.ImageReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The model README's first command uses: bundled, packed, binary, x4, and better than bicubic. */
class BundledModelTest {
    @Test void defaultX4IsABundledPackedBinaryModelThatBeatsBicubic() throws Exception {
        Path file = DefaultModel.find(4).orElseThrow(() -> new AssertionError("no bundled " + DefaultModel.searched(4)));
        InferenceNetwork net = Networks.load(file, null);
        assertEquals(4, net.scale());
        EngineNetwork packed = assertInstanceOf(EngineNetwork.class, net, "the default model is a packed engine model");
        assertEquals("srresnet-bam", packed.model().arch);
        Protocol.Sample bird = Protocol.prepare("bird", ImageReader.read(Path.of("src/test/resources/Set5/bird.png")), 4);
        double model = Protocol.measure(bird, new NetworkResolver(net, "default")).psnr();
        double bicubic = Protocol.measure(bird, new BicubicResolver()).psnr();
        assertTrue(model > bicubic + 0.3, "default model " + model + " dB vs bicubic " + bicubic + " dB");
    }
}
