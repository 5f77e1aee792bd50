package bnnsr.serve;

/** A request the API refuses: an HTTP status and a one-line message for the JSON error body. */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() { return status; }
}
