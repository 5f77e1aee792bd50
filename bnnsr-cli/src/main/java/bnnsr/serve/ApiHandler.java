package bnnsr.serve;

import bnnsr.engine.ImageTooLargeException;
import bnnsr.image.ImageFileException;
import bnnsr.image.ImageReader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.awt.Dimension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * The HTTP API: {@code POST /api/upscale} (image bytes in, PNG out), {@code GET /api/models},
 * {@code GET /api/progress?job=ID}, {@code GET /healthz}. Errors are JSON {@code {"error": "...", "status": N}}.
 * Other paths fall through to the static page.
 */
final class ApiHandler extends Handler.Abstract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final List<ServedModel> models;
    private final ServeOptions options;
    private final JobQueue queue;

    ApiHandler(List<ServedModel> models, ServeOptions options, JobQueue queue) {
        this.models = List.copyOf(models);
        this.options = options;
        this.queue = queue;
    }

    @Override public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.equals("/healthz") && !path.startsWith("/api/")) return false;
        try {
            switch (path) {
                case "/healthz" -> { requireMethod(request, "GET"); json(response, callback, 200, health()); }
                case "/api/models" -> { requireMethod(request, "GET"); json(response, callback, 200, modelList()); }
                case "/api/progress" -> { requireMethod(request, "GET"); json(response, callback, 200, progress(request)); }
                case "/api/upscale" -> { requireMethod(request, "POST"); upscale(request, response, callback); }
                default -> throw new ApiException(404, "no such endpoint: " + path);
            }
        } catch (ApiException e) {
            error(response, callback, e.status(), e.getMessage());
        }
        return true;
    }

    private static void requireMethod(Request request, String method) {
        if (!request.getMethod().equals(method))
            throw new ApiException(405, request.getMethod() + " not allowed here (use " + method + ")");
    }

    private ObjectNode health() {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", "ok");
        n.put("models", models.size());
        n.put("running", queue.running());
        n.put("waiting", queue.waiting());
        return n;
    }

    private ObjectNode modelList() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("models");
        for (ServedModel m : models) {
            ObjectNode n = list.addObject();
            n.put("id", m.id());
            n.put("arch", m.arch());
            n.put("scale", m.scale());
            n.put("bytes", m.bytes());
            n.put("packed", m.packed());
            n.put("speed", m.speed());
        }
        ObjectNode lim = root.putObject("limits");
        lim.put("maxUploadBytes", options.maxUploadBytes());
        lim.put("maxInputPixels", options.maxInputPixels());
        lim.put("queueCapacity", options.queueCapacity());
        lim.put("timeoutSeconds", options.timeout().toSeconds());
        return root;
    }

    private ObjectNode progress(Request request) {
        String id = Request.extractQueryParameters(request).getValue("job");
        UpscaleJob job = id == null ? null : queue.find(id);
        if (job == null) throw new ApiException(404, "no such job (finished, refused or never sent)");
        ObjectNode n = JSON.createObjectNode();
        n.put("state", job.state().name().toLowerCase(java.util.Locale.ROOT));
        n.put("ahead", queue.ahead(job));
        n.put("tilesDone", job.tilesDone());
        n.put("tilesTotal", job.tilesTotal());
        return n;
    }

    private void upscale(Request request, Response response, Callback callback) {
        Fields q = Request.extractQueryParameters(request);
        boolean bicubic = "bicubic".equals(q.getValue("method"));
        if (q.getValue("method") != null && !bicubic && !"model".equals(q.getValue("method")))
            throw new ApiException(400, "method must be model or bicubic, not " + q.getValue("method"));
        ServedModel model = pickModel(q.getValue("model"), intParam(q, "scale"), bicubic);
        int scale = bicubic ? (intParam(q, "scale") != null ? intParam(q, "scale") : model.scale()) : model.scale();
        if (scale < 2 || scale > 8) throw new ApiException(400, "scale must be 2..8, got " + scale);
        String id = q.getValue("job");
        if (id == null) id = UUID.randomUUID().toString();
        else if (!JOB_ID.matcher(id).matches()) throw new ApiException(400, "job must be 1-64 letters, digits, - or _");

        byte[] body = readBody(request);
        Dimension size = header(body);
        long pixels = (long) size.width * size.height;
        if (pixels > options.maxInputPixels())
            throw new ApiException(413, size.width + "x" + size.height + " = " + pixels + " pixels is over this server's limit of "
                    + options.maxInputPixels() + " input pixels");
        if (!bicubic) {
            try {
                model.upscaler().checkSize(size.height, size.width, 4);
            } catch (ImageTooLargeException e) {
                throw new ApiException(413, e.getMessage());
            }
        }

        UpscaleJob job = new UpscaleJob(id, body, bicubic ? null : model, scale);
        queue.submit(job);
        // A client that goes away (closed tab, curl interrupted) stops its job: no CPU for nobody.
        request.addFailureListener(t -> job.cancel(499, "client connection failed"));
        HangUpWatch.watch(request, job);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");       // see HangUpWatch
        String name = bicubic ? "bicubic_x" + scale : model.id();
        job.result.whenComplete((r, e) -> {
            if (e == null) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "image/png");
                response.getHeaders().put("X-Bnnsr-Model", name);
                response.getHeaders().put("X-Bnnsr-Size", r.width() + "x" + r.height());
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                response.write(true, ByteBuffer.wrap(r.png()), callback);
            } else {
                Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                switch (c) {
                    case UpscaleJob.Cancelled x -> error(response, callback, x.status, x.getMessage());
                    case ImageFileException x -> error(response, callback, 400, "bad image: " + x.reason());
                    case ImageTooLargeException x -> error(response, callback, 413, x.getMessage());
                    case OutOfMemoryError x -> error(response, callback, 503, "out of memory; try a smaller image");
                    default -> error(response, callback, 500, "internal error: " + oneLine(c));
                }
            }
        });
    }

    private ServedModel pickModel(String id, Integer scale, boolean bicubic) {
        if (id != null) {
            for (ServedModel m : models)
                if (m.id().equals(id)) {
                    if (scale != null && scale != m.scale() && !bicubic)
                        throw new ApiException(400, "model " + id + " is x" + m.scale() + ", not x" + scale);
                    return m;
                }
            throw new ApiException(404, "no model " + id + " (GET /api/models lists them)");
        }
        if (scale != null && !bicubic) {
            for (ServedModel m : models) if (m.scale() == scale) return m;
            throw new ApiException(404, "no x" + scale + " model loaded (GET /api/models lists them)");
        }
        return models.getFirst();
    }

    private static Integer intParam(Fields q, String name) {
        String v = q.getValue(name);
        if (v == null) return null;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ApiException(400, name + " must be a whole number, not " + v);
        }
    }

    /**
     * The body, refused as soon as it is known to be over the limit: from Content-Length before anything is read
     * (a client that sent {@code Expect: 100-continue}, as curl does for big files, never sends the body), else
     * while reading. A body at most twice the limit is read to its end before the 413, so that the client, still
     * sending, gets the answer instead of a reset connection; a bigger one is cut off.
     */
    private byte[] readBody(Request request) {
        long max = options.maxUploadBytes();
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        // not closed: closing a Jetty content stream fails the request (which would cancel the job at once)
        InputStream in = Content.Source.asInputStream(request);
        try {
            if (declared > max) {
                if (declared <= 2 * max && !request.getHeaders().contains(HttpHeader.EXPECT)) drain(in, declared);
                throw tooBig(declared);
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (body.length > max) {
                long rest = drain(in, max);
                throw tooBig(rest < max ? body.length + rest : -1);
            }
            if (body.length == 0) throw new ApiException(400, "empty body: send the image's bytes (e.g. curl --data-binary @photo.jpg)");
            return body;
        } catch (IOException e) {
            throw new ApiException(400, "could not read the upload (" + oneLine(e) + ")");
        }
    }

    /** Reads and drops up to {@code limit} bytes; returns how many there were. */
    private static long drain(InputStream in, long limit) throws IOException {
        byte[] buf = new byte[64 << 10];
        long total = 0;
        for (int n; total < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - total))) > 0; ) total += n;
        return total;
    }

    private ApiException tooBig(long declared) {
        return new ApiException(413, "upload " + (declared >= 0 ? "of " + declared + " bytes " : "") + "is over this server's limit of "
                + options.maxUploadBytes() + " bytes");
    }

    private static Dimension header(byte[] body) {
        try {
            return ImageReader.size(body, Path.of("upload"));
        } catch (ImageFileException e) {
            int status = e.reason().startsWith("not a supported image") ? 415 : 400;
            throw new ApiException(status, "bad image: " + e.reason());
        }
    }

    private static void json(Response response, Callback callback, int status, ObjectNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        try {
            response.write(true, ByteBuffer.wrap(JSON.writeValueAsBytes(body)), callback);
        } catch (IOException e) {
            callback.failed(e);
        }
    }

    static void error(Response response, Callback callback, int status, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        n.put("status", status);
        if (status == 429) response.getHeaders().put(HttpHeader.RETRY_AFTER, "2");
        json(response, callback, status, n);
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return (t.getClass().getSimpleName() + (m == null ? "" : ": " + m)).replace('\n', ' ');
    }

}
