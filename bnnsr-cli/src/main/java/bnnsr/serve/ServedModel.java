package bnnsr.serve;

import bnnsr.engine.Upscaler;

/**
 * A model the server offers: loaded once, shared by every request through its thread-safe {@link Upscaler}.
 * {@code speed} is a coarse class for people choosing: "fast" for packed binary networks (XNOR/popcount engine),
 * "medium" for packed full-precision ones, "slow" for float training files (not packed with {@code bnnsr export}).
 */
public record ServedModel(String id, String arch, int scale, long bytes, boolean packed, String speed, Upscaler upscaler) {

    /** Describes an upscaler loaded from a file of {@code bytes} bytes. */
    public static ServedModel of(String id, long bytes, Upscaler up) {
        String d = up.network().describe();                 // "arch xS" or "arch xS (packed)"
        String arch = d.split(" ")[0];
        boolean packed = d.contains("(packed)");
        boolean binary = !arch.equals("srresnet") && !arch.equals("vdsr");
        String speed = !packed ? "slow" : binary ? "fast" : "medium";
        return new ServedModel(id, arch, up.scale(), bytes, packed, speed, up);
    }
}
