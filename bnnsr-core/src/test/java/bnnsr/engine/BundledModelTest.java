package bnnsr.engine;

import bnnsr.eval.BicubicResolver;
import bnnsr.eval.Protocol;
import bnnsr.image.ImageReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The default models (x4: the README's first command): bundled, packed, binary, of their scale, better than bicubic. */
class BundledModelTest {
    @ParameterizedTest @ValueSource(ints = {2, 3, 4})
    void eachDefaultIsABundledPackedBinaryModelThatBeatsBicubic(int scale) throws Exception {
        Path file = DefaultModel.find(scale).orElseThrow(() -> new AssertionError("no bundled " + DefaultModel.searched(scale)));
        InferenceNetwork net = Networks.load(file, null);
        assertEquals(scale, net.scale());
        EngineNetwork packed = assertInstanceOf(EngineNetwork.class, net, "the default model is a packed engine model");
        assertEquals("srresnet-bam", packed.model().arch);
        Protocol.Sample bird = Protocol.prepare("bird", ImageReader.read(Path.of("src/test/resources/Set5/bird.png")), scale);
        double model = Protocol.measure(bird, new NetworkResolver(net, "default")).psnr();
        double bicubic = Protocol.measure(bird, new BicubicResolver()).psnr();
        assertTrue(model > bicubic + 0.3, "default model " + model + " dB vs bicubic " + bicubic + " dB");
    }
}
