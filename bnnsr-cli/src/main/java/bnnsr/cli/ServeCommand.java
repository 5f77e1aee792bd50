package bnnsr.cli;

import bnnsr.engine.DefaultModel;
import bnnsr.engine.InferenceNetwork;
import bnnsr.engine.Upscaler;
import bnnsr.serve.ServeOptions;
import bnnsr.serve.ServedModel;
import bnnsr.serve.UpscaleServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code bnnsr serve}: the web page and HTTP API over the bundled default model(s) and any {@code --model}. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a web page (drop an image, compare with bicubic, download) and an HTTP API:",
                "POST /api/upscale (image bytes in, PNG out), GET /api/models, GET /healthz.",
                "Models are loaded once and shared; nothing is written to disk."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 = every interface).")
    String host;

    @Option(names = "--model", paramLabel = "FILE", description = "A model file to offer besides the bundled defaults (repeatable).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--max-upload-mb", defaultValue = "20", paramLabel = "MB", description = "Largest upload (default: ${DEFAULT-VALUE}).")
    long maxUploadMb;

    @Option(names = "--max-pixels", defaultValue = "4000000", paramLabel = "N",
            description = "Largest input, width x height (default: ${DEFAULT-VALUE}), read from the header before decoding.")
    long maxPixels;

    @Option(names = "--queue", defaultValue = "8", paramLabel = "N",
            description = "Jobs that may wait while others run; one more is answered 429 (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
            description = "Jobs run at once (default: ${DEFAULT-VALUE}: each job uses every core).")
    int workers;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "Per-request limit, waiting included (default: ${DEFAULT-VALUE}).")
    int timeout;

    @Spec CommandSpec spec;

    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ServeOptions options = options();
        List<ServedModel> served = loadModels();
        UpscaleServer server = new UpscaleServer(served, options);
        try {
            server.start();
        } catch (IOException e) {
            server.stop();
            Throwable c = e instanceof BindException ? e : e.getCause();
            throw new UserException("cannot listen on " + host + ":" + port + " ("
                    + (c instanceof BindException ? "address in use or not available" : e.getMessage()) + ")");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception ignored) {
                // the JVM is going away anyway
            }
        }, "bnnsr-shutdown"));
        out.println("bnnsr serve: " + server.uri() + "  (Ctrl-C stops; requests in flight finish first)");
        for (ServedModel m : served)
            out.println("  model " + m.id() + ": " + m.arch() + " x" + m.scale() + ", " + m.bytes() + " bytes, " + m.speed());
        out.flush();
        server.join();
        return 0;
    }

    private ServeOptions options() {
        if (maxUploadMb < 1) throw new UserException("--max-upload-mb must be >= 1, got " + maxUploadMb);
        if (maxPixels < 1) throw new UserException("--max-pixels must be >= 1, got " + maxPixels);
        if (queue < 0) throw new UserException("--queue must be >= 0, got " + queue);
        if (workers < 1) throw new UserException("--workers must be >= 1, got " + workers);
        if (timeout < 1) throw new UserException("--timeout must be >= 1 second, got " + timeout);
        if (port < 0 || port > 65535) throw new UserException("--port must be 0..65535, got " + port);
        return new ServeOptions(host, port, maxUploadMb << 20, maxPixels, queue, workers, Duration.ofSeconds(timeout));
    }

    /** The bundled/installed defaults (x2, x3, x4 where present), then each --model; ids are unique. */
    private List<ServedModel> loadModels() throws IOException {
        List<ServedModel> list = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int s : new int[] {4, 2, 3}) {
            var file = DefaultModel.find(s);
            if (file.isPresent()) list.add(served(uniqueId("default_x" + s, ids), file.get()));
        }
        for (Path f : models) {
            String name = f.getFileName().toString().replaceFirst("\\.safetensors$", "");
            list.add(served(uniqueId(name, ids), f));
        }
        if (list.isEmpty()) throw new UserException("no models: no bundled default found and no --model given");
        return list;
    }

    private static ServedModel served(String id, Path file) throws IOException {
        InferenceNetwork net = ModelFiles.load(file, null, null);
        return ServedModel.of(id, Files.size(file), new Upscaler(net, Upscaler.Options.defaults()));
    }

    private static String uniqueId(String base, Set<String> ids) {
        String id = base;
        for (int i = 2; !ids.add(id); i++) id = base + "-" + i;
        return id;
    }
}
