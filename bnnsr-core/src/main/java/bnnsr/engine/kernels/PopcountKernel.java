package bnnsr.engine.kernels;

import jdk.incubator.vector.LongVector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which popcount micro-kernel ({@link PopcountTiles}) the binary convs use on this CPU, chosen once at start-up.
 * <p>
 * The vector kernel pays only where the CPU counts bits in vector registers: with AVX-512 VPOPCNTDQ it ran ~10x
 * faster than with C2's emulated vector popcount on AVX2 (one {@code -XX:UseAVX=2} run on a Zen 5), where the
 * scalar {@code POPCNT} kernel wins. So: vector when the JVM uses 512-bit vectors and the CPU lists
 * {@code avx512_vpopcntdq}, else scalar. {@code -Dbnnsr.popcount=vector|scalar} overrides the choice (to measure
 * both on one machine). The results are bit-identical either way; only the speed differs.
 */
public enum PopcountKernel {
    VECTOR, SCALAR;

    /** The kernel this JVM uses. */
    public static final PopcountKernel CHOSEN = choose();

    /** The reason for the choice, for {@code bench engine} and {@code --version}. */
    public static final String REASON = reason();

    private static PopcountKernel choose() { return choose(System.getProperty("bnnsr.popcount", ""), vectorBits(), cpuFlags()); }

    /**
     * The choice for a {@code -Dbnnsr.popcount} value (blank or anything but vector/scalar: none), the JVM's vector
     * size in bits and the CPU flags (space-separated, as /proc/cpuinfo lists them).
     */
    static PopcountKernel choose(String forced, int vectorBits, String flags) {
        PopcountKernel f = forced(forced);
        if (f != null) return f;
        return vectorBits >= 512 && hasVectorPopcount(flags) ? VECTOR : SCALAR;
    }

    private static PopcountKernel forced(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "vector" -> VECTOR;
            case "scalar" -> SCALAR;
            default -> null;
        };
    }

    private static boolean hasVectorPopcount(String flags) { return (" " + flags + " ").contains(" avx512_vpopcntdq "); }

    private static String reason() {
        if (forced(System.getProperty("bnnsr.popcount", "")) != null) return "set by -Dbnnsr.popcount";
        String flags = cpuFlags();
        return vectorBits() + "-bit vectors, " + (flags.isEmpty() ? "CPU flags unknown"
                : hasVectorPopcount(flags) ? "AVX-512 VPOPCNTDQ" : "no VPOPCNTDQ");
    }

    /** One line: the kernel and why, e.g. "vector (LongVector BIT_COUNT; 512-bit vectors, AVX-512 VPOPCNTDQ)". */
    public static String describe() {
        return (CHOSEN == VECTOR ? "vector (LongVector BIT_COUNT" : "scalar (Long.bitCount") + "; " + REASON + ")";
    }

    private static int vectorBits() { return LongVector.SPECIES_PREFERRED.vectorBitSize(); }

    /** The "flags" of /proc/cpuinfo (Linux), or "" where there are none. */
    private static String cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("flags")) return line.substring(line.indexOf(':') + 1).trim();
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the choice falls back to the scalar kernel
        }
        return "";
    }
}
