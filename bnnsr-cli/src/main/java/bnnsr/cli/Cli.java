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
        // An Error passes picocli's exception handler; running out of memory is the one users cause (a big model,
        // image or batch) and must be a line that says what to do, not a stack trace.
        cl.setExecutionStrategy(parsed -> {
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (OutOfMemoryError e) {
                PrintWriter err = parsed.commandSpec().commandLine().getErr();
                err.println("bnnsr: out of memory (Java heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): use a"
                        + " smaller model, batch, patch or --tile, or give Java more memory (BNNSR_JAVA_OPTS=-Xmx...)");
                err.flush();
                return EXIT_FAILURE;
            }
        });
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
