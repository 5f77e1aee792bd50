package bnnsr.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Shared CLI behaviour: one-line errors for users, exit codes. */
public final class Cli {
    /** Exit code for bad user input (files, options, models). */
    public static final int EXIT_USAGE = 2;
    /** Exit code for failures while doing the work. */
    public static final int EXIT_FAILURE = 1;

    private Cli() {}

    static void configure(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof UserException ue) {
                err.println("bnnsr: " + ue.getMessage());
                return ue.exitCode();
            }
            if (System.getenv("BNNSR_DEBUG") != null) ex.printStackTrace(err);
            err.println("bnnsr: " + oneLine(ex));
            return EXIT_FAILURE;
        });
    }

    /** A single-line description of an unexpected error, for users (the stack trace only with BNNSR_DEBUG). */
    public static String oneLine(Throwable t) {
        String m = t.getMessage();
        String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return s.replace('\n', ' ');
    }
}
