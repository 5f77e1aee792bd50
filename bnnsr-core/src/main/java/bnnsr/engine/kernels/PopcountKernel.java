package bnnsr.engine.kernels;

import jdk.incubator.vector.LongVector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which popcount micro-kernel ({@link PopcountTiles}) the binary convs use on this CPU, chosen once at start-up.
 * <p>
 * The vector kernel wins wherever the JVM has 256-bit vectors or wider: with AVX-512 VPOPCNTDQ, {@code BIT_COUNT}
 * is one instruction; without it (AVX2, e.g. {@code -XX:UseAVX=2} on a Zen 5) C2 emulates it with a nibble table
 * lookup (byte shuffles), which still ran ~2x faster than the scalar {@code POPCNT} kernel there (one thread,
 * ratios measured in one run: README, engine section). The scalar kernel is the fallback for narrower vectors.
 * {@code -Dbnnsr.popcount=vector|scalar} overrides the choice (to measure both on one machine). The results are
 * bit-identical either way; only the speed differs.
 */
public enum PopcountKernel {
    VECTOR, SCALAR;

    /** The kernel this JVM uses. */
    public static final PopcountKernel CHOSEN = choose();

    /** The reason for the choice, for {@code bench engine} and {@code --version}. */
    public static final String REASON = reason();

    private static PopcountKernel choose() { return choose(System.getProperty("bnnsr.popcount", ""), vectorBits()); }

    /**
     * The choice for a {@code -Dbnnsr.popcount} value (blank or anything but vector/scalar: none) and the JVM's
     * vector size in bits.
     */
    static PopcountKernel choose(String forced, int vectorBits) {
        PopcountKernel f = forced(forced);
        if (f != null) return f;
        return vectorBits >= 256 ? VECTOR : SCALAR;
    }

    private static PopcountKernel forced(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "vector" -> VECTOR;
            case "scalar" -> SCALAR;
            default -> null;
        };
    }

    private static boolean hasVectorPopcount(String flags) { return (" " + flags + " ").contains(" avx512_vpopcntdq "); }

    private static String reason() { return reason(System.getProperty("bnnsr.popcount", ""), vectorBits(), cpuFlags()); }

    /**
     * Why {@link #choose} chose what it did, and how the vector popcount runs: native (512-bit vectors and the CPU's
     * flags, as /proc/cpuinfo lists them, name VPOPCNTDQ), emulated, or unknown (no flags).
     */
    static String reason(String forced, int vectorBits, String flags) {
        String how = vectorBits + "-bit vectors, " + (vectorBits >= 512 && hasVectorPopcount(flags) ? "AVX-512 VPOPCNTDQ"
                : flags.isEmpty() ? "CPU flags unknown" : "popcount emulated (no VPOPCNTDQ in use)");
        return forced(forced) != null ? "set by -Dbnnsr.popcount; " + how : how;
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
            // not Linux, or not readable: only the reason changes ("CPU flags unknown"); the choice ignores flags
        }
        return "";
    }
}
