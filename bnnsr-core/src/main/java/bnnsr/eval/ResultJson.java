package bnnsr.eval;

import bnnsr.io.AtomicFiles;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Results as JSON: {@code {"results":[{"set":"Set5","scale":4,"method":"bicubic","psnr":..,"ssim":..,"images":5}, ...]}},
 * and, only when asked for, a {@code "perImage"} list of {@code {"set","image","scale","psnr","ssim"}}.
 */
public final class ResultJson {
    private ResultJson() {}

    @JsonPropertyOrder({"set", "scale", "method", "psnr", "ssim", "images"})
    record Row(String set, int scale, String method, double psnr, double ssim, int images) {}

    @JsonPropertyOrder({"set", "image", "scale", "psnr", "ssim"})
    record ImageRow(String set, String image, int scale, double psnr, double ssim) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"results", "perImage"})
    record Document(List<Row> results, List<ImageRow> perImage) {}

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    public static String toJson(List<SetResult> results, boolean perImage) {
        try {
            return MAPPER.writeValueAsString(document(results, perImage));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the JSON atomically (temporary file, then move). */
    public static void write(Path file, List<SetResult> results, boolean perImage) throws IOException {
        Document doc = document(results, perImage);
        AtomicFiles.write(file, out -> MAPPER.writeValue(out, doc));
    }

    private static Document document(List<SetResult> results, boolean perImage) {
        List<Row> rows = new ArrayList<>();
        List<ImageRow> images = perImage ? new ArrayList<>() : null;
        for (SetResult r : results) {
            rows.add(new Row(r.set(), r.scale(), r.method(), r.psnr(), r.ssim(), r.images()));
            if (perImage)
                for (ImageScore s : r.perImage()) images.add(new ImageRow(r.set(), s.image(), s.scale(), s.psnr(), s.ssim()));
        }
        return new Document(rows, images);
    }
}
