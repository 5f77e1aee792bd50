package bnnsr.serve;

import java.time.Duration;

/**
 * The server's limits. {@code maxUploadBytes} bounds a request body (refused from Content-Length when it says so,
 * else while reading); {@code maxInputPixels} bounds width x height, read from the image header before decoding;
 * {@code queueCapacity} jobs may wait while {@code workers} run (one more is answered 429); a job not finished
 * {@code timeout} after it arrived is cancelled (503).
 */
public record ServeOptions(String host, int port, long maxUploadBytes, long maxInputPixels, int queueCapacity,
                           int workers, Duration timeout) {
    public ServeOptions {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (maxUploadBytes < 1) throw new IllegalArgumentException("max upload bytes must be >= 1");
        if (maxInputPixels < 1) throw new IllegalArgumentException("max input pixels must be >= 1");
        if (queueCapacity < 0) throw new IllegalArgumentException("queue capacity must be >= 0");
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    }

    /** 127.0.0.1:8080, 20 MB uploads, 4 megapixel inputs, 8 waiting jobs, 1 worker, 120 s. */
    public static ServeOptions defaults() {
        return new ServeOptions("127.0.0.1", 8080, 20L << 20, 4_000_000L, 8, 1, Duration.ofSeconds(120));
    }

    public ServeOptions withPort(int p) { return new ServeOptions(host, p, maxUploadBytes, maxInputPixels, queueCapacity, workers, timeout); }

    public ServeOptions withHost(String h) { return new ServeOptions(h, port, maxUploadBytes, maxInputPixels, queueCapacity, workers, timeout); }

    public ServeOptions withMaxUploadBytes(long b) { return new ServeOptions(host, port, b, maxInputPixels, queueCapacity, workers, timeout); }

    public ServeOptions withMaxInputPixels(long p) { return new ServeOptions(host, port, maxUploadBytes, p, queueCapacity, workers, timeout); }

    public ServeOptions withQueue(int q) { return new ServeOptions(host, port, maxUploadBytes, maxInputPixels, q, workers, timeout); }

    public ServeOptions withWorkers(int w) { return new ServeOptions(host, port, maxUploadBytes, maxInputPixels, queueCapacity, w, timeout); }

    public ServeOptions withTimeout(Duration t) { return new ServeOptions(host, port, maxUploadBytes, maxInputPixels, queueCapacity, workers, t); }
}
