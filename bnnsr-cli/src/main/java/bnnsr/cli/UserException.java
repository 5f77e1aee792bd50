package bnnsr.cli;

/** A problem with what the user gave us (file, option, model): printed as one line, no stack trace. */
public class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(String message) { this(message, Cli.EXIT_USAGE); }

    public UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
