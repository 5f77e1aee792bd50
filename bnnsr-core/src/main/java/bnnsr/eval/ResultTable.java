package bnnsr.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Markdown tables of results: the set x scale grid the papers print, and per-image rows. */
public final class ResultTable {
    private ResultTable() {}

    /**
     * Rows = scales, columns = sets, cells "PSNR / SSIM" with 2 and 4 decimals, preceded by a caption and followed
     * by the image counts.
     */
    public static String grid(List<SetResult> results) {
        Set<String> sets = new LinkedHashSet<>();
        Set<Integer> scales = new LinkedHashSet<>();
        Set<String> methods = new LinkedHashSet<>();
        Map<String, SetResult> cells = new LinkedHashMap<>();
        for (SetResult r : results) {
            sets.add(r.set());
            scales.add(r.scale());
            methods.add(r.method());
            cells.put(r.set() + "\u0000" + r.scale(), r);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(", ", methods)).append(": PSNR (dB) / SSIM on Y (BT.601), ")
                .append("borders shaved by the scale\n\n");
        sb.append("| scale |");
        for (String s : sets) sb.append(' ').append(s).append(" |");
        sb.append("\n|---|");
        sb.append("---|".repeat(sets.size()));
        sb.append('\n');
        for (int scale : scales) {
            sb.append("| x").append(scale).append(" |");
            for (String s : sets) {
                SetResult r = cells.get(s + "\u0000" + scale);
                sb.append(' ').append(r == null ? "-" : fmt("%.2f / %.4f", r.psnr(), r.ssim())).append(" |");
            }
            sb.append('\n');
        }
        List<String> counts = new ArrayList<>();
        for (String s : sets) {
            int min = Integer.MAX_VALUE, max = 0;
            for (SetResult r : results)
                if (r.set().equals(s)) { min = Math.min(min, r.images()); max = Math.max(max, r.images()); }
            counts.add(s + " " + (min == max ? String.valueOf(min) : min + "-" + max));
        }
        sb.append("\nImages: ").append(String.join(", ", counts)).append(".\n");
        return sb.toString();
    }

    /** One row per image and scale, in set, scale, file order. */
    public static String perImage(List<SetResult> results) {
        StringBuilder sb = new StringBuilder("| set | image | scale | PSNR (dB) | SSIM |\n|---|---|---|---|---|\n");
        for (SetResult r : results)
            for (ImageScore s : r.perImage())
                sb.append("| ").append(r.set()).append(" | ").append(s.image()).append(" | x").append(s.scale())
                        .append(" | ").append(fmt("%.2f", s.psnr())).append(" | ").append(fmt("%.4f", s.ssim())).append(" |\n");
        return sb.toString();
    }

    private static String fmt(String f, Object... args) { return String.format(Locale.ROOT, f, args); }
}
