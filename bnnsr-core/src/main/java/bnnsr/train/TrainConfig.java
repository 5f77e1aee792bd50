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

    /**
     * A trained network (bnnsr model or checkpoint, or a state dict) whose tensors initialise a new run, by name
     * ({@link ModelInit}); null = random initialisation. Ignored when resuming.
     */
    public String init;
    /** Name prefixes of {@link #init}'s tensors not to copy (e.g. [upconv] for x4 from a x2 model: fresh upsampler). */
    public List<String> initSkip = new ArrayList<>();
    /** A trained network of the same scale whose output the model is also pulled towards (distillation); null = none. */
    public String teacher;
    /** Weight of the L1 distance to the teacher's output (used with {@link #teacher}). */
    public double distillWeight = 1.0;

    public long seed = 0;
    public int checkpointEvery = 500;
    public int logEvery = 20;
    public String out;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Reads an options file (.yml/.yaml or .json). */
    public static TrainConfig read(Path file) throws IOException {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        bnnsr.io.Limits.check(file + ": size in bytes", java.nio.file.Files.size(file), 0, bnnsr.io.Limits.MAX_TEXT_BYTES);
        return parse(java.nio.file.Files.readString(file), n.endsWith(".json"), file.toString());
    }

    /**
     * Parses options text (YAML, or JSON when {@code json}); every problem is an IllegalArgumentException whose
     * message starts with {@code where}. The values are checked by {@link #validate()}, not here.
     */
    public static TrainConfig parse(String text, boolean json, String where) {
        try {
            TrainConfig c = (json ? JSON : YAML).readValue(text, TrainConfig.class);
            if (c == null) throw new IllegalArgumentException(where + ": empty options file");
            return c;
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(where + ": unknown option '" + e.getPropertyName() + "' (known: " + knownKeys() + ")");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(where + ": " + e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
        }
    }

    /** Settings saved as JSON (in a checkpoint); a key this version does not know is an IllegalArgumentException. */
    public static TrainConfig fromJson(String json) throws IOException {
        try {
            TrainConfig c = JSON.readValue(json, TrainConfig.class);
            if (c == null) throw new IllegalArgumentException("settings are not a JSON object");
            return c;
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown setting '" + e.getPropertyName() + "' (known: " + knownKeys() + ")");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("unreadable settings: " + e.getOriginalMessage().lines().findFirst().orElse("?"));
        }
    }

    /** The setting names, for messages. */
    static String knownKeys() {
        return String.join(", ", JSON.convertValue(new TrainConfig(), java.util.Map.class).keySet());
    }

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks every setting, with a message naming the option: the one place options are validated, whether they
     * came from an options file, the command line or a checkpoint being resumed. (Architecture sizes and option
     * keys are checked by {@code ArchOptions} / {@code Architectures.createChecked} when the model is built.)
     */
    public void validate() {
        require(arch != null && !arch.isBlank(), "arch is missing");
        require(scale >= 2 && scale <= 4, "scale must be 2, 3 or 4, got " + scale);
        require(iters >= 1, "iters must be >= 1, got " + iters);
        require(batch >= 1 && batch <= 1024, "batch must be in 1..1024, got " + batch);
        require(patch >= 4 && patch <= 512, "patch must be in 4..512, got " + patch);
        require(lr > 0 && lr < 1, "lr must be in (0, 1), got " + lr);
        require(checkpointEvery >= 1, "checkpointEvery must be >= 1, got " + checkpointEvery);
        require(logEvery >= 1, "logEvery must be >= 1, got " + logEvery);
        require(valEvery >= 1, "valEvery must be >= 1, got " + valEvery);
        require("l1".equals(loss) || "mse".equals(loss), "loss must be l1 or mse, got " + loss);
        require(data != null && !data.isEmpty() && data.stream().noneMatch(d -> d == null || d.isBlank()), "no training data folders (or an empty name)");
        require(options != null && options.values().stream().noneMatch(java.util.Objects::isNull), "options must map keys to values");
        require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "beta1 and beta2 must be in [0, 1), got " + beta1 + ", " + beta2);
        require(eps > 0 && eps < 1, "eps must be in (0, 1), got " + eps);
        require(weightDecay >= 0 && weightDecay < 1, "weightDecay must be in [0, 1), got " + weightDecay);
        require(minLr >= 0 && minLr <= lr, "minLr must be in [0, lr], got " + minLr);
        require(gamma > 0 && gamma <= 1, "gamma must be in (0, 1], got " + gamma);
        require(stepPeriod >= 1, "stepPeriod must be >= 1, got " + stepPeriod);
        require(schedule != null, "schedule is missing");
        require(distillWeight > 0 && Double.isFinite(distillWeight), "distillWeight must be > 0, got " + distillWeight);
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
