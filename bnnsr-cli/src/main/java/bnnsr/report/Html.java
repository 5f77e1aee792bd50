package bnnsr.report;

import bnnsr.image.FloatImage;
import bnnsr.image.ImageWriter;

import java.util.Base64;

/** Small helpers for writing the self-contained HTML: escaping, embedded PNGs. */
final class Html {
    private Html() {}

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray())
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        return b.toString();
    }

    static String dataUri(byte[] png) { return "data:image/png;base64," + Base64.getEncoder().encodeToString(png); }

    static String img(FloatImage image, String cls, String alt) {
        return "<img class=\"" + cls + "\" alt=\"" + esc(alt) + "\" width=\"" + image.width * 3 + "\" height=\"" + image.height * 3
                + "\" src=\"" + dataUri(ImageWriter.encodePng(image)) + "\">";
    }

    static String f(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(java.util.Locale.ROOT, "%." + decimals + "f", v);
    }

    static final String STYLE = """
            body { font: 14px/1.45 system-ui, sans-serif; color: #1d2430; margin: 24px auto; max-width: 1200px; padding: 0 16px; }
            h1 { font-size: 24px; } h2 { font-size: 19px; margin-top: 28px; border-bottom: 1px solid #dde; }
            table { border-collapse: collapse; margin: 8px 0; }
            th, td { border: 1px solid #dde; padding: 3px 8px; text-align: right; }
            th { background: #f1f3f7; } td.name, th.name { text-align: left; }
            .up { color: #137333; } .down { color: #b3261e; }
            .crops { display: flex; gap: 12px; flex-wrap: wrap; margin: 6px 0 18px; }
            .crops figure { margin: 0; } figcaption { text-align: center; color: #5b6575; }
            img.crop { image-rendering: pixelated; border: 1px solid #ccd; }
            .charts { display: flex; gap: 12px; flex-wrap: wrap; }
            .note { color: #5b6575; }
            """;
}
