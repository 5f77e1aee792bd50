package bnnsr.arch;

import bnnsr.image.FloatImage;
import bnnsr.nn.GradCheck;
import bnnsr.resample.MatlabBicubic;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ModelInputTest {
    @Test void vdsrGetsTheBicubicUpsampledImageOthersTheLr() {
        Tensor lr = GradCheck.random(2, 5, 4, 3, 1);
        assertSame(lr, ModelInput.prepare(Architectures.defaults("srresnet-bam", 3), lr));
        ArchOptions vdsr = Architectures.defaults("vdsr-bam", 3);
        Tensor up = ModelInput.prepare(vdsr, lr);
        assertEquals(15, up.h);
        assertEquals(12, up.w);
        float[] second = java.util.Arrays.copyOfRange(lr.data, 60, 120);
        FloatImage expect = MatlabBicubic.imresize(new FloatImage(5, 4, 3, second, 8), 3);
        assertArrayEquals(expect.data, java.util.Arrays.copyOfRange(up.data, 540, 1080));
        // and the model maps it to an image of the same (HR) size
        Model m = Architectures.create(vdsr.withChannels(4).withBlocks(3), 1);
        assertEquals(15, m.forward(up, false).h);
    }
}
