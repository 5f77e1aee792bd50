package bnnsr.serve;

import bnnsr.engine.DefaultModel;
import bnnsr.engine.InferenceNetwork;
import bnnsr.engine.Networks;
import bnnsr.engine.Upscaler;
import bnnsr.image.FloatImage;
import bnnsr.image.ImageReader;
import bnnsr.image.ImageWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.*;

/** The HTTP API against the real server on a free localhost port, with the bundled x4 model. */
class ServeApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path modelFile;
    private static Upscaler shared;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<UpscaleServer> servers = new ArrayList<>();

    @BeforeAll static void loadModel() throws IOException {
        modelFile = DefaultModel.find(4).orElseThrow();
        shared = Upscaler.load(modelFile);
    }

    @AfterEach void stopServers() throws Exception {
        for (UpscaleServer s : servers) s.stop();
    }

    private static ServeOptions options() {
        return ServeOptions.defaults().withPort(0).withTimeout(Duration.ofSeconds(60));
    }

    private UpscaleServer start(ServeOptions o, ServedModel... models) throws Exception {
        UpscaleServer s = new UpscaleServer(List.of(models), o).start();
        servers.add(s);
        return s;
    }

    private UpscaleServer start(ServeOptions o) throws Exception {
        return start(o, ServedModel.of("default_x4", Files.size(modelFile), shared));
    }

    private static GatedNetwork gated() throws IOException { return new GatedNetwork(Networks.load(modelFile, null)); }

    private static ServedModel served(InferenceNetwork net) {
        return ServedModel.of("default_x4", 1, new Upscaler(net, Upscaler.Options.defaults()));
    }

    private static byte[] png(int h, int w, int c, long seed) {
        Random rnd = new Random(seed);
        FloatImage img = new FloatImage(h, w, c);
        for (int i = 0; i < img.data.length; i++) img.data[i] = rnd.nextInt(256) / 255f;
        return ImageWriter.encodePng(img);
    }

    private HttpResponse<byte[]> post(UpscaleServer s, String query, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(s.uri().resolve("api/upscale" + query))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private CompletableFuture<HttpResponse<byte[]>> postAsync(UpscaleServer s, String query, byte[] body) {
        return http.sendAsync(HttpRequest.newBuilder(s.uri().resolve("api/upscale" + query))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> get(UpscaleServer s, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(s.uri().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<?> r) throws IOException {
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), "JSON content type");
        Object b = r.body();
        return JSON.readTree(b instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : (String) b);
    }

    private static void assertError(HttpResponse<?> r, int status, String words) throws IOException {
        assertEquals(status, r.statusCode(), () -> "body: " + (r.body() instanceof byte[] b ? new String(b) : r.body()));
        JsonNode j = json(r);
        assertEquals(status, j.get("status").asInt());
        assertTrue(j.get("error").asText().contains(words), j.get("error").asText() + " should contain " + words);
    }

    /** Polls healthz until the numbers of running and waiting jobs are as expected (the server's own view). */
    private void awaitQueue(UpscaleServer s, int running, int waiting) throws Exception {
        for (int i = 0; i < 500; i++) {
            JsonNode h = json(get(s, "healthz"));
            if (h.get("running").asInt() == running && h.get("waiting").asInt() == waiting) return;
            Thread.sleep(20);
        }
        fail("queue never reached running=" + running + " waiting=" + waiting + ": " + get(s, "healthz").body());
    }

    @Test void healthModelsAndPage() throws Exception {
        UpscaleServer s = start(options());
        JsonNode h = json(get(s, "healthz"));
        assertEquals("ok", h.get("status").asText());
        JsonNode m = json(get(s, "api/models")).get("models").get(0);
        assertEquals("default_x4", m.get("id").asText());
        assertEquals("srresnet-bam", m.get("arch").asText());
        assertEquals(4, m.get("scale").asInt());
        assertEquals(Files.size(modelFile), m.get("bytes").asLong());
        assertEquals("fast", m.get("speed").asText());
        HttpResponse<String> page = get(s, "");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"app.js\">"), "the page");
        assertEquals(200, get(s, "app.js").statusCode());
        assertEquals(200, get(s, "style.css").statusCode());
        assertEquals(404, get(s, "nothing-here.html").statusCode());
    }

    @Test void upscaleReturnsThePngTheLibraryMakes() throws Exception {
        UpscaleServer s = start(options());
        byte[] in = png(10, 13, 3, 1);
        HttpResponse<byte[]> r = post(s, "?model=default_x4", in);
        assertEquals(200, r.statusCode());
        assertEquals("image/png", r.headers().firstValue("content-type").orElse(""));
        FloatImage got = ImageReader.read(r.body(), Path.of("response"));
        FloatImage want = shared.upscale(ImageReader.read(in, Path.of("in")));
        assertEquals(52, got.width);
        assertEquals(40, got.height);
        assertArrayEquals(ImageWriter.encodePng(want), r.body(), "same bytes as the Java API's result");
        assertEquals("52x40", r.headers().firstValue("x-bnnsr-size").orElse(""));

        HttpResponse<byte[]> b = post(s, "?method=bicubic&scale=3", png(10, 13, 4, 2));
        assertEquals(200, b.statusCode());
        FloatImage bic = ImageReader.read(b.body(), Path.of("bicubic"));
        assertEquals(39, bic.width);
        assertEquals(4, bic.channels, "alpha kept");
    }

    @Test void badRequestsAreJsonErrorsWithTheirStatus() throws Exception {
        UpscaleServer s = start(options().withMaxUploadBytes(50_000).withMaxInputPixels(64 * 64));
        assertError(get(s, "api/upscale"), 405, "use POST");
        assertError(http.send(HttpRequest.newBuilder(s.uri().resolve("api/models")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()), 405, "use GET");
        assertError(get(s, "api/nope"), 404, "no such endpoint");
        assertError(post(s, "", new byte[0]), 400, "empty body");
        assertError(post(s, "", "hello, not an image".getBytes()), 415, "not a supported image");
        byte[] good = png(20, 20, 3, 3);
        assertError(post(s, "", java.util.Arrays.copyOf(good, good.length / 2)), 400, "bad image");
        assertError(post(s, "?model=nope", good), 404, "no model nope");
        assertError(post(s, "?scale=2", good), 404, "no x2 model");
        assertError(post(s, "?model=default_x4&scale=3", good), 400, "is x4");
        assertError(post(s, "?scale=four", good), 400, "whole number");
        assertError(post(s, "?method=magic", good), 400, "method");
        assertError(post(s, "?job=bad%20id", good), 400, "job");
        assertError(post(s, "", new byte[60_000]), 413, "upload of 60000 bytes is over this server's limit of 50000 bytes");
        // far over the limit: with Expect: 100-continue the server answers before the client sends the body
        assertError(http.send(HttpRequest.newBuilder(s.uri().resolve("api/upscale")).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5_000_000])).build(),
                HttpResponse.BodyHandlers.ofString()), 413, "upload of 5000000 bytes");
        assertError(post(s, "", png(65, 64, 3, 4)), 413, "4096 input pixels");
        assertError(get(s, "api/progress?job=unknown"), 404, "no such job");
    }

    /** A PNG whose header claims 100000 x 100000 but holds a few pixels: refused from the header, never decoded. */
    @Test void pixelLimitIsCheckedFromTheHeaderBeforeDecoding() throws Exception {
        UpscaleServer s = start(options());
        byte[] p = png(8, 8, 3, 5);
        ByteBuffer b = ByteBuffer.wrap(p);
        b.putInt(16, 100_000).putInt(20, 100_000);                 // IHDR width, height
        CRC32 crc = new CRC32();
        crc.update(p, 12, 17);                                     // chunk type + data
        b.putInt(29, (int) crc.getValue());
        assertError(post(s, "", p), 413, "10000000000 pixels");
    }

    @Test void aFullQueueAnswers429AndTheQueuedJobsStillFinish() throws Exception {
        GatedNetwork net = gated();
        UpscaleServer s = start(options().withQueue(1), served(net));
        var first = postAsync(s, "", png(8, 8, 3, 6));
        awaitQueue(s, 1, 0);
        var second = postAsync(s, "", png(8, 9, 3, 7));
        awaitQueue(s, 1, 1);
        HttpResponse<byte[]> third = post(s, "", png(8, 10, 3, 8));
        assertError(third, 429, "busy");
        assertEquals("2", third.headers().firstValue("retry-after").orElse(""));
        net.open.countDown();
        assertEquals(32, ImageReader.read(first.get().body(), Path.of("a")).width);
        assertEquals(36, ImageReader.read(second.get().body(), Path.of("b")).width);
        assertEquals(200, post(s, "", png(8, 10, 3, 8)).statusCode(), "room again once the queue drained");
    }

    @Test void aJobOverTheTimeoutIs503AndTheServerStaysUsable() throws Exception {
        GatedNetwork net = gated();
        UpscaleServer s = start(options().withTimeout(Duration.ofSeconds(1)), served(net));
        assertError(post(s, "", png(8, 8, 3, 9)), 503, "timed out after 1 s");
        net.open.countDown();
        assertEquals(200, post(s, "", png(8, 8, 3, 9)).statusCode());
    }

    /** A client that hangs up while its job waits: the job is dropped, the network never runs it. */
    @Test void aClientDisconnectCancelsItsJob() throws Exception {
        GatedNetwork net = gated();
        UpscaleServer s = start(options(), served(net));
        var first = postAsync(s, "", png(8, 8, 3, 10));
        awaitQueue(s, 1, 0);
        byte[] body = png(8, 8, 3, 11);
        try (Socket sock = new Socket("127.0.0.1", s.port())) {
            OutputStream out = sock.getOutputStream();
            out.write(("POST /api/upscale?job=gone HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            awaitQueue(s, 1, 1);
            assertEquals(200, get(s, "api/progress?job=gone").statusCode(), "the job is known while it waits");
        }
        for (int i = 0; i < 500 && get(s, "api/progress?job=gone").statusCode() != 404; i++) Thread.sleep(20);
        assertEquals(404, get(s, "api/progress?job=gone").statusCode(), "the job is dropped when its client leaves");
        net.open.countDown();
        assertEquals(200, first.get().statusCode());
        awaitQueue(s, 0, 0);
        assertEquals(1, net.entered.get(), "the cancelled job never ran the network");
    }

    @Test void concurrentRequestsEachGetTheirOwnResult() throws Exception {
        UpscaleServer s = start(options().withQueue(8));
        List<byte[]> inputs = new ArrayList<>();
        List<CompletableFuture<HttpResponse<byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inputs.add(png(6 + i, 7, i % 2 == 0 ? 3 : 1, 20 + i));
            calls.add(postAsync(s, "", inputs.get(i)));
        }
        for (int i = 0; i < 6; i++) {
            HttpResponse<byte[]> r = calls.get(i).get();
            assertEquals(200, r.statusCode());
            FloatImage want = shared.upscale(ImageReader.read(inputs.get(i), Path.of("in")));
            assertArrayEquals(ImageWriter.encodePng(want), r.body(), "request " + i);
        }
    }

    @Test void gracefulShutdownFinishesTheRequestInFlightThenRefuses() throws Exception {
        GatedNetwork net = gated();
        UpscaleServer s = new UpscaleServer(List.of(served(net)), options()).start();
        var inFlight = postAsync(s, "", png(8, 8, 3, 12));
        awaitQueue(s, 1, 0);
        var health = HttpRequest.newBuilder(s.uri().resolve("healthz")).build();
        var stopping = CompletableFuture.runAsync(() -> {
            try {
                s.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(stopping.isDone(), "stop waits for the request in flight");
        net.open.countDown();
        assertEquals(200, inFlight.get().statusCode());
        stopping.get();
        Exception e = assertThrows(Exception.class, () -> http.send(health, HttpResponse.BodyHandlers.ofString()));
        assertInstanceOf(ConnectException.class, e instanceof ConnectException ? e : e.getCause(), e.toString());
    }

}
