package bnnsr.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs a command as the launcher does, capturing what it prints on System.out (tables) and its error lines. */
final class CapturedRun {
    private CapturedRun() {}

    /** Runs {@code args}, checks the exit code, returns System.out's text; error lines go to {@code err}. */
    static String run(StringWriter err, int expectedExit, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            assertEquals(expectedExit, cl.execute(args), err.toString());
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
