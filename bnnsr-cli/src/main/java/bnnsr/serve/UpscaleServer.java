package bnnsr.serve;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code bnnsr serve}: Jetty 12 serving the web page (static files from the jar's {@code web/} folder) and the
 * {@link ApiHandler}, over a {@link JobQueue}. Nothing is written to disk: uploads, images and results live in
 * memory. {@link #stop()} is graceful: new requests are refused, running ones finish (up to the request timeout).
 */
public final class UpscaleServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final JobQueue queue;
    private final ServeOptions options;

    public UpscaleServer(List<ServedModel> models, ServeOptions options) {
        if (models.isEmpty()) throw new IllegalArgumentException("no models to serve");
        this.options = options;
        this.queue = new JobQueue(options.workers(), options.queueCapacity(), options.timeout());
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("bnnsr-http");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost(options.host());
        connector.setPort(options.port());
        // a connection is quiet while its job waits and runs: the request timeout, not the idle timeout, ends it
        connector.setIdleTimeout(options.timeout().toMillis() + 30_000);
        server.addConnector(connector);

        ResourceHandler page = new ResourceHandler();
        page.setBaseResource(ResourceFactory.of(server).newClassLoaderResource("web/"));
        page.setDirAllowed(false);
        page.setWelcomeFiles(List.of("index.html"));
        page.setCacheControl("no-cache");
        // GracefulHandler: on stop, requests in flight finish while new ones get 503
        server.setHandler(new GracefulHandler(new Handler.Sequence(new ApiHandler(models, options, queue), page)));
        server.setStopTimeout(options.timeout().toMillis() + 1000);
        server.setStopAtShutdown(false);
    }

    public UpscaleServer start() throws Exception {
        server.start();
        return this;
    }

    /** The port listened on (the real one when the options asked for 0). */
    public int port() { return connector.getLocalPort(); }

    public URI uri() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** Graceful: stops accepting, lets requests in flight finish, then cancels what is left and stops the workers. */
    public void stop() throws Exception {
        server.stop();
        queue.close(Duration.ofSeconds(1));
    }

    public void join() throws InterruptedException { server.join(); }

    @Override public void close() throws Exception { stop(); }
}
