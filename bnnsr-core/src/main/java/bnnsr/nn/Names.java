package bnnsr.nn;

/** Builds PyTorch-style dotted parameter names ({@code body.0.conv1} + {@code weight}). */
public final class Names {
    private Names() {}

    public static String join(String prefix, String name) {
        return prefix == null || prefix.isEmpty() ? name : prefix + "." + name;
    }
}
