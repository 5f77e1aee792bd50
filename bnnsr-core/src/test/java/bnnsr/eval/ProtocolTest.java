package bnnsr.eval;

import bnnsr.Fixtures;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageReader;
import bnnsr.image.Quantize;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class ProtocolTest {
    /** paper.md section 5: reference values of this protocol for bicubic on Set5, from an independent implementation. */
    static final double[][] SET5_REFERENCE = {{2, 33.6818, 0.93052}, {3, 30.4047, 0.86897}, {4, 28.4314, 0.81127}};

    @Test void bicubicOnSet5MatchesTheReferenceTable() {
        Evaluator ev = new Evaluator(new BicubicResolver(), new int[] {2, 3, 4}, false);
        Evaluator.FolderReport report = ev.evaluateFolder(Fixtures.resource("Set5"), null);
        assertEquals("Set5", report.set());
        assertTrue(report.skipped().isEmpty());
        for (int k = 0; k < 3; k++) {
            SetResult r = report.results().get(k);
            assertEquals((int) SET5_REFERENCE[k][0], r.scale());
            assertEquals(5, r.images());
            assertEquals("bicubic", r.method());
            assertEquals(SET5_REFERENCE[k][1], r.psnr(), 0.002, "PSNR x" + r.scale());
            assertEquals(SET5_REFERENCE[k][2], r.ssim(), 0.0002, "SSIM x" + r.scale());
            assertEquals(5, r.perImage().size());
            assertEquals("baby.png", r.perImage().get(0).image());
        }
    }

    @Test void preparedSamplesGiveTheSameNumbersAsTheFolderRun() {
        Path bird = Fixtures.resource("Set5/bird.png");
        FloatImage hr = ImageReader.read(bird);
        Protocol.Sample s = Protocol.prepare("bird.png", hr, 3);
        assertEquals(96, s.lr().height);
        assertEquals(96, s.lr().width);
        SetResult viaSamples = Evaluator.measure("one", List.of(s), new BicubicResolver());
        Evaluator.FolderReport viaFiles = new Evaluator(new BicubicResolver(), new int[] {3}, false)
                .evaluateFiles("one", List.of(bird), null);
        assertEquals(viaFiles.results().get(0).psnr(), viaSamples.psnr(), 0);
        assertEquals(viaFiles.results().get(0).ssim(), viaSamples.ssim(), 0);
    }

    @Test void greyImageIsMeasuredAsRgbWithEqualChannels() {
        FloatImage rgb = ImageReader.read(Fixtures.resource("Set5/head.png"));
        FloatImage grey = FloatImage.ofPlanes(rgb.height, rgb.width, 8, rgb.plane(1));
        FloatImage greyAsRgb = FloatImage.ofPlanes(rgb.height, rgb.width, 8, rgb.plane(1), rgb.plane(1), rgb.plane(1));
        ImageScore a = Protocol.measure(Protocol.prepare("g", grey, 2), new BicubicResolver());
        ImageScore b = Protocol.measure(Protocol.prepare("g", greyAsRgb, 2), new BicubicResolver());
        assertEquals(b.psnr(), a.psnr(), 0);
        assertEquals(b.ssim(), a.ssim(), 0);
    }

    @Test void hrIsModcroppedAndQuantised() {
        FloatImage hr = new FloatImage(35, 38, 4, new float[35 * 38 * 4], 16);
        for (int i = 0; i < hr.data.length; i++) hr.data[i] = (i * 7919 % 65536) / 65535f;
        Protocol.Sample s = Protocol.prepare("x", hr, 4);
        assertEquals(32, s.hr().height);
        assertEquals(36, s.hr().width);
        assertEquals(3, s.hr().channels);
        assertEquals(8, s.lr().height);
        assertEquals(9, s.lr().width);
        for (float v : s.hr().data) assertEquals(Quantize.q(v), v);
        for (float v : s.lr().data) assertEquals(Quantize.q(v), v);
        assertEquals(Quantize.q(hr.get(31, 35, 2)), s.hr().get(31, 35, 2));
    }

    @Test void tooSmallImagesAreRefused() {
        assertEquals(15, Protocol.minSide(2));
        ImageTooSmallException e = assertThrows(ImageTooSmallException.class,
                () -> Protocol.prepare("s", new FloatImage(40, 16, 3), 3));    // 15 wide after modcrop, needs 17
        assertTrue(e.getMessage().contains("16x40") && e.getMessage().contains("x3"), e.getMessage());
        assertThrows(ImageTooSmallException.class, () -> Protocol.prepare("s", new FloatImage(3, 3, 1), 4));
        assertThrows(ImageTooSmallException.class, () -> Protocol.prepare("s", new FloatImage(15, 15, 1), 2));   // 14 after modcrop
        assertDoesNotThrow(() -> Protocol.prepare("s", new FloatImage(18, 19, 1), 3));   // 18x18 after modcrop, needs 17
    }

    @Test void srOutputOfTheWrongSizeIsAnError() {
        Protocol.Sample s = Protocol.prepare("s", new FloatImage(20, 20, 3), 2);
        SuperResolver wrong = new SuperResolver() {
            @Override public String name() { return "wrong"; }
            @Override public FloatImage upscale(FloatImage lr, int scale) { return new FloatImage(lr.height * scale, lr.width, 3); }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Protocol.measure(s, wrong));
        assertTrue(e.getMessage().contains("wrong"));
    }

    @Test void outputIsClampedBeforeMeasuring() {
        Protocol.Sample s = Protocol.prepare("s", new FloatImage(20, 20, 3), 2);    // black HR
        SuperResolver negative = new SuperResolver() {
            @Override public String name() { return "negative"; }
            @Override public FloatImage upscale(FloatImage lr, int scale) {
                FloatImage out = new FloatImage(lr.height * scale, lr.width * scale, 3);
                java.util.Arrays.fill(out.data, -0.4f);
                return out;
            }
        };
        assertEquals(Double.POSITIVE_INFINITY, Protocol.measure(s, negative).psnr());
    }

    @Test void resolversThatAreNotThreadSafeRunOneImageAtATime() {
        AtomicInteger inFlight = new AtomicInteger(), maxInFlight = new AtomicInteger();
        SuperResolver serial = new SuperResolver() {
            @Override public String name() { return "serial"; }
            @Override public boolean threadSafe() { return false; }
            @Override public FloatImage upscale(FloatImage lr, int scale) {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(5);
                    return new BicubicResolver().upscale(lr, scale);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        };
        List<Protocol.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 6; i++) samples.add(Protocol.prepare("s" + i, new FloatImage(24, 24, 3), 2));
        SetResult r = Evaluator.measure("x", samples, serial);
        assertEquals(6, r.images());
        assertEquals(1, maxInFlight.get());
    }
}
