package bnnsr.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One experiment's settings, BasicSR style: read from an options file (YAML or JSON, same keys), then
 * overridden by command-line options. Unknown keys are errors (a typo must not silently train the default).
 * Relative data paths are resolved against the project folder (where ../shared/datasets lives beside it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class TrainConfig {
    public String arch = "srresnet";
    public int scale = 4;
    /** Feature channels and body blocks; null = the architecture's default. */
    public Integer channels, blocks;
    /** Architecture-specific options (binarizer settings, ...), as the registry understands them. */
    public Map<String, String> options = new LinkedHashMap<>();

    /** HR training folders; those that do not exist are skipped with a note (BSD200 may not be there yet). */
    public List<String> data = new ArrayList<>(List.of("../shared/datasets/T91", "../shared/datasets/BSD200"));
    /** Validation folder (PSNR on Y, shave = scale); empty = no validation. Never an evaluation set you report. */
    public String val = "../shared/datasets/Set5";
    public int valEvery = 1000;

    public long iters = 100_000;
    public int batch = 16;
    public int patch = 48;

    public double lr = 2e-4;
    public double beta1 = 0.9, beta2 = 0.99, eps = 1e-8, weightDecay = 0;
    /** constant | step | cosine. */
    public String schedule = "cosine";
    public long stepPeriod = 200_000;
    public double gamma = 0.5;
    public double minLr = 1e-7;
    public String loss = "l1";

    public long seed = 0;
    public int checkpointEvery = 500;
    public int logEvery = 20;
    public String out;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Reads an options file (.yml/.yaml or .json). */
    public static TrainConfig read(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        ObjectMapper m = n.endsWith(".json") ? JSON : YAML;
        try {
            return m.readValue(file.toFile(), TrainConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + ": unknown option '" + e.getPropertyName() + "'");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
        }
    }

    public static TrainConfig fromJson(String json) throws IOException { return JSON.readValue(json, TrainConfig.class); }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks the values make sense, with a message naming the option. */
    public void validate() {
        require(scale >= 2 && scale <= 4, "scale must be 2, 3 or 4, got " + scale);
        require(iters >= 1, "iters must be >= 1");
        require(batch >= 1 && batch <= 1024, "batch must be in 1..1024, got " + batch);
        require(patch >= 4 && patch <= 512, "patch must be in 4..512, got " + patch);
        require(lr > 0 && lr < 1, "lr must be in (0, 1), got " + lr);
        require(checkpointEvery >= 1, "checkpointEvery must be >= 1");
        require(logEvery >= 1, "logEvery must be >= 1");
        require(valEvery >= 1, "valEvery must be >= 1");
        require(loss.equals("l1") || loss.equals("mse"), "loss must be l1 or mse, got " + loss);
        require(!data.isEmpty(), "no training data folders");
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "beta1 and beta2 must be in [0, 1)");
        require(eps > 0 && weightDecay >= 0, "eps must be > 0 and weightDecay >= 0");
        lrSchedule();
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** The schedule by name: constant, step (times gamma every stepPeriod iterations) or cosine (to minLr at iters). */
    public LrSchedule lrSchedule() {
        return switch (schedule) {
            case "constant" -> LrSchedule.constant(lr);
            case "step" -> LrSchedule.step(lr, stepPeriod, gamma);
            case "cosine" -> LrSchedule.cosine(lr, iters, minLr);
            default -> throw new IllegalArgumentException("unknown schedule '" + schedule + "' (constant, step, cosine)");
        };
    }

    public Adam adam(java.util.List<bnnsr.nn.Param> params) { return new Adam(params, beta1, beta2, eps, weightDecay); }

    /** The output folder: as given, else runs/ARCH_xSCALE. */
    public String outDir() { return out != null ? out : "runs/" + arch + "_x" + scale; }
}
