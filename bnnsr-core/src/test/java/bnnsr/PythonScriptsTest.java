package bnnsr;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The Python scripts that make golden fixtures must run from any checkout: no absolute path and no path to data
 * outside the repository (a fixture that only one machine can rebuild cannot be checked by anyone else).
 */
class PythonScriptsTest {
    private static final Pattern LITERAL = Pattern.compile("([\"'])((?:(?!\\1).)*)\\1");

    @Test void goldenScriptsReadNothingOutsideTheRepository() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.list(Path.of("src/test/python"))) {
            scripts = s.filter(p -> p.toString().endsWith(".py")).sorted().toList();
        }
        assertFalse(scripts.isEmpty(), "the scripts are in src/test/python");
        List<String> found = new ArrayList<>();
        for (Path p : scripts) {
            List<String> lines = Files.readAllLines(p);
            for (int i = 0; i < lines.size(); i++) {
                String code = lines.get(i).replaceFirst("^\\s*#.*", "");
                Matcher m = LITERAL.matcher(code);
                while (m.find()) {
                    String lit = m.group(2);
                    // files of Debian packages (/usr/share/..., e.g. ghostscript's ICC profiles) are on every machine that
                    // installs the package; anything else absolute is one machine's
                    boolean packaged = lit.startsWith("/usr/share/");
                    if (lit.startsWith("/") && lit.length() > 1 && !packaged || lit.contains("shared/datasets") || lit.startsWith("../../"))
                        found.add(p.getFileName() + ":" + (i + 1) + " " + lit);
                }
            }
        }
        assertEquals(List.of(), found, "paths outside the repository");
    }
}
