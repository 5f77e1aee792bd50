package bnnsr.spark;

import bnnsr.engine.Networks;
import bnnsr.engine.Upscaler;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link Upscaler} per executor JVM and model: the first task that needs a model builds it from the broadcast
 * bytes, every later task of any job in that JVM reuses it. Tasks running at once share it; the upscaler runs their
 * images one at a time, each on all of the JVM's cores inside the kernels (the fastest use of a CPU, and one set
 * of network buffers per executor instead of one per task).
 */
final class ExecutorModels {
    private static final Map<String, Upscaler> LOADED = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {}

    /** The upscaler of the model whose SHA-256 is {@code key}; built once per JVM (other callers wait meanwhile). */
    static Upscaler get(String key, Broadcast<byte[]> model, int tile) {
        return LOADED.computeIfAbsent(key + "@" + tile, k -> load(model.value(), tile));
    }

    /** How many times this JVM built an upscaler (tests check that it is once per model). */
    static int loads() { return LOADS.get(); }

    /** Builds an upscaler from a model file's bytes (the model readers take files: a temporary one, removed after). */
    static Upscaler load(byte[] bytes, int tile) {
        try {
            Path tmp = Files.createTempFile("bnnsr-model-", ".safetensors");
            try {
                Files.write(tmp, bytes);
                Upscaler up = new Upscaler(Networks.load(tmp, null), Upscaler.Options.defaults().withTile(tile));
                LOADS.incrementAndGet();
                return up;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
