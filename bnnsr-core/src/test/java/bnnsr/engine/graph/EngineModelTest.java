package bnnsr.engine.graph;

import bnnsr.engine.kernels.PackedWeights;
import bnnsr.engine.kernels.SignThresholds;
import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsWriter;
import bnnsr.io.TensorEntry;
import bnnsr.nn.BilinearUpsample;
import bnnsr.nn.Conv2d;
import bnnsr.nn.Elementwise;
import bnnsr.nn.LeakyReLU;
import bnnsr.nn.PixelShuffle;
import bnnsr.tensor.Parallel;
import bnnsr.tensor.ScalarConvOps;
import bnnsr.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A synthetic MSRResNet-like binary model (FP head, BAM-style binary residual blocks, FP x2 upsampler, bilinear
 * skip) run by the engine against an independent float reference: the training formulas spelled out, binary
 * convs as float convs of +-1 tensors with zero padding.
 */
class EngineModelTest {
    static final int NF = 16, BLOCKS = 2, SCALE = 2;

    /** Everything the reference needs, kept as plain floats. */
    record BinaryParams(float[] latent, float[] alpha, float[] beta, float[] bnScale, float[] bnShift, float[] s) {}

    static final class Synthetic {
        final SplittableRandom rnd = new SplittableRandom(2024);
        final Map<String, float[]> fp = new LinkedHashMap<>();
        final Map<String, BinaryParams> bin = new LinkedHashMap<>();

        float[] gauss(int n, double std) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextGaussian() * std);
            return a;
        }

        PackedModel build() {
            PackedModel.Builder b = new PackedModel.Builder("synthetic-bam", SCALE, "{\"channels\":" + NF + "}");
            conv(b, "conv_first", PackedModel.INPUT, "h0", 3, NF);
            b.node(new Node.Activation("h0", "a0", 0.1f));
            String x = "a0";
            for (int i = 0; i < BLOCKS; i++) {
                String p = "body." + i;
                binary(b, new Node.BinaryConv(p + ".conv1", List.of(x), null, p + ".y1", NF, NF, 3, true));
                b.node(new Node.Activation(p + ".y1", p + ".t", 0f));
                binary(b, new Node.BinaryConv(p + ".conv2", List.of(x, p + ".t"), x, p + ".out", NF, NF, 3, true));
                x = p + ".out";
            }
            conv(b, "upconv1", x, "u", NF, 4 * NF);
            b.node(new Node.PixelShuffle("u", "us", 2));
            b.node(new Node.Activation("us", "ua", 0.1f));
            conv(b, "conv_last", "ua", "r", NF, 3);
            b.node(new Node.Bilinear(PackedModel.INPUT, "base", SCALE));
            b.node(new Node.Add("r", "base", PackedModel.OUTPUT));
            return b.build();
        }

        void conv(PackedModel.Builder b, String name, String in, String out, int cin, int cout) {
            float[] w = gauss(cout * cin * 9, 0.1), bias = gauss(cout, 0.05);
            fp.put(name + ".weight", w);
            fp.put(name + ".bias", bias);
            b.conv(new Node.Conv(name, in, out, cin, cout, 3, true), w, bias);
        }

        void binary(PackedModel.Builder b, Node.BinaryConv n) {
            int c = n.cin();
            float[] bnScale = gauss(c, 1), bnShift = gauss(c, 0.3);
            bnScale[1] = 0f; // a channel whose sign is constant
            BinaryParams p = new BinaryParams(gauss(n.cout() * c * 9, 1), gauss(n.cout(), 0.02), gauss(n.cout(), 0.05), bnScale, bnShift,
                    gauss(n.sources().size(), 1));
            bin.put(n.name(), p);
            b.binaryConv(n, PackedWeights.fromOihw(p.latent, n.cout(), c, 3), p.alpha, p.beta, SignThresholds.ofScaleShift(bnScale, bnShift), p.s);
        }

        /** The training formulas in plain loops; FP layers are the nn ones. */
        Tensor reference(Tensor input) {
            Tensor h = leaky(fpConv("conv_first", input, 3, NF));
            for (int i = 0; i < BLOCKS; i++) {
                String p = "body." + i;
                Tensor y1 = binaryRef(bin.get(p + ".conv1"), List.of(h));
                Tensor t = y1.copy();
                for (int j = 0; j < t.size(); j++) t.data[j] = Math.max(0f, t.data[j]);
                Tensor y2 = binaryRef(bin.get(p + ".conv2"), List.of(h, t));
                Tensor out = new Tensor(h.n, h.h, h.w, NF);
                for (int j = 0; j < out.size(); j++) out.data[j] = h.data[j] + y2.data[j];
                h = out;
            }
            Tensor u = leaky(new PixelShuffle(2).forward(fpConv("upconv1", h, NF, 4 * NF), false).copy());
            Tensor r = fpConv("conv_last", u, NF, 3);
            Tensor base = new BilinearUpsample(SCALE).forward(input, false);
            Tensor y = new Tensor(r.n, r.h, r.w, 3);
            Elementwise.add(r, base, y);
            return y;
        }

        Tensor fpConv(String name, Tensor x, int cin, int cout) {
            Conv2d c = new Conv2d(name, cin, cout, 3, true);
            System.arraycopy(fp.get(name + ".weight"), 0, c.weight.value, 0, c.weight.size());
            System.arraycopy(fp.get(name + ".bias"), 0, c.bias.value, 0, cout);
            return c.forward(x, false).copy();
        }

        static Tensor leaky(Tensor x) { return new LeakyReLU(0.1f).forward(x, false).copy(); }

        static Tensor binaryRef(BinaryParams p, List<Tensor> sources) {
            Tensor x0 = sources.get(0);
            int c = x0.c, pixels = x0.n * x0.h * x0.w, cout = p.alpha.length;
            Tensor acc = new Tensor(x0.n, x0.h, x0.w, c);
            for (int i = 0; i < sources.size(); i++) {
                float[] a = sources.get(i).data;
                for (int px = 0; px < pixels; px++) {
                    double sum = 0;
                    for (int j = 0; j < c; j++) sum += Math.abs(a[px * c + j]);
                    float b = p.s[i] * (float) (sum / c);
                    for (int j = 0; j < c; j++) acc.data[px * c + j] += b * a[px * c + j];
                }
            }
            Tensor signs = new Tensor(x0.n, x0.h, x0.w, c);
            for (int j = 0; j < acc.size(); j++) signs.data[j] = acc.data[j] * p.bnScale[j % c] + p.bnShift[j % c] < 0 ? -1 : 1;
            float[] wHwio = new float[p.latent.length];
            for (int o = 0; o < cout; o++)
                for (int i = 0; i < c; i++)
                    for (int t = 0; t < 9; t++) wHwio[(t * c + i) * cout + o] = p.latent[(o * c + i) * 9 + t] < 0 ? -1 : 1;
            Tensor y = new Tensor(x0.n, x0.h, x0.w, cout);
            new ScalarConvOps().forward(signs, wHwio, null, 3, y);
            for (int j = 0; j < y.size(); j++) y.data[j] = y.data[j] * p.alpha[j % cout] + p.beta[j % cout];
            return y;
        }
    }

    static Tensor image(int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = new Tensor(1, h, w, 3);
        for (int i = 0; i < t.size(); i++) t.data[i] = (float) r.nextDouble();
        return t;
    }

    @Test
    void engineEqualsTheReferenceBitForBitAndSurvivesTheFile(@TempDir Path dir) throws IOException {
        Synthetic s = new Synthetic();
        PackedModel model = s.build();
        Tensor in = image(9, 7, 1);
        Tensor ref = s.reference(in);
        Tensor out = new EngineModel(model).forward(in).copy();
        assertTrue(out.hasShape(1, 18, 14, 3));
        assertArrayEquals(ref.data, out.data);

        Path file = dir.resolve("m.safetensors");
        model.write(file);
        PackedModel back = PackedModel.read(file);
        assertEquals("synthetic-bam", back.arch);
        assertEquals(SCALE, back.scale);
        assertEquals(model.nodes, back.nodes);
        assertArrayEquals(ref.data, new EngineModel(back).forward(in).data);
        // 1 bit per binary weight: the binary layers' share of the file is small
        long binaryWeights = (long) BLOCKS * 2 * NF * NF * 9;
        assertTrue(Files.size(file) < 4 * (3 * NF * 9 + NF * 4 * NF * 9 + 3 * NF * 9) + binaryWeights / 8 + 32 * 1024);
    }

    @Test
    void engineOutputDoesNotDependOnThreadCount() {
        PackedModel model = new Synthetic().build();
        Tensor in = image(11, 10, 2);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Tensor one = new EngineModel(model).forward(in).copy();
            Parallel.setThreads(2);
            assertArrayEquals(one.data, new EngineModel(model).forward(in).data);
        } finally {
            Parallel.setThreads(before);
        }
    }

    // ------------------------------------------------------------------ malformed files

    /** Rewrites a valid model file with one change, then expects read to reject it with a message containing {@code expect}. */
    private static void assertRejected(Path dir, Consumer<Map<String, String>> meta, Consumer<Map<String, Object>> tensors, String expect) throws IOException {
        Path good = dir.resolve("good.safetensors"), bad = dir.resolve("bad.safetensors");
        new Synthetic().build().write(good);
        SafeTensors st = SafeTensors.read(good);
        Map<String, String> m = new LinkedHashMap<>(st.metadata());
        Map<String, Object> t = new LinkedHashMap<>();
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, TensorEntry> e : st.entries().entrySet()) {
            t.put(e.getKey(), e.getKey().endsWith("weight_bits") ? (Object) st.longs(e.getKey()) : st.floats(e.getKey()));
            shapes.put(e.getKey(), e.getValue().intShape());
        }
        meta.accept(m);
        tensors.accept(t);
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Map.Entry<String, Object> e : t.entrySet()) {
            int length = e.getValue() instanceof long[] l ? l.length : ((float[]) e.getValue()).length;
            int[] shape = shapes.get(e.getKey());
            if (shape == null || java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b) != length) shape = new int[] {length};
            if (e.getValue() instanceof long[] l) w.putI64(e.getKey(), shape, l);
            else w.putF32(e.getKey(), shape, (float[]) e.getValue());
        }
        w.write(bad, m);
        PackedModelException ex = assertThrows(PackedModelException.class, () -> PackedModel.read(bad));
        assertTrue(ex.getMessage().contains(expect), ex.getMessage());
        assertTrue(ex.getMessage().startsWith(bad.toString()), ex.getMessage());
    }

    @Test
    void readRejectsMalformedOrMismatchedFiles(@TempDir Path dir) throws IOException {
        Consumer<Map<String, Object>> same = t -> { };
        assertRejected(dir, m -> m.put("format", "bnnsr-checkpoint"), same, "not a bnnsr packed model");
        assertRejected(dir, m -> m.put("format_version", "2"), same, "format_version");
        assertRejected(dir, m -> m.put("binary_padding", "one"), same, "binary_padding");
        assertRejected(dir, m -> m.put("sign", "bit 1 = +1"), same, "sign");
        assertRejected(dir, m -> m.remove("graph"), same, "no graph");
        assertRejected(dir, m -> m.put("graph", "{not json"), same, "not valid JSON");
        assertRejected(dir, m -> m.put("graph", m.get("graph").replace("\"op\":\"add\"", "\"op\":\"mul\"")), same, "unknown op");
        assertRejected(dir, m -> m.put("graph", m.get("graph").replace("\"in\":\"h0\"", "\"in\":\"nowhere\"")), same, "before anything writes it");
        assertRejected(dir, m -> m.put("scale", "3"), same, "expected 3 at x3");
        assertRejected(dir, m -> { }, t -> t.remove("body.0.conv1.alpha"), "missing tensor body.0.conv1.alpha");
        assertRejected(dir, m -> { }, t -> t.put("stray", new float[] {1f}), "not used by the graph");
        assertRejected(dir, m -> { }, t -> ((long[]) t.get("body.1.conv2.weight_bits"))[0] |= 1L << 40, "bits set past channel 16");
        assertRejected(dir, m -> { }, t -> ((float[]) t.get("body.0.conv2.alpha"))[3] = Float.NaN, "non-finite");
        assertRejected(dir, m -> { }, t -> t.put("upconv1.bias", new float[3]), "upconv1.bias");
    }

    @Test
    void notASafetensorsFileIsRejected(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("junk.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> PackedModel.read(f));
    }
}
