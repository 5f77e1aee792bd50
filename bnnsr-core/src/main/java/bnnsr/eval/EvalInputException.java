package bnnsr.eval;

/** Unusable evaluation input (missing or empty folder, an unreadable image in strict mode): one line for users. */
public class EvalInputException extends RuntimeException {
    public EvalInputException(String message) { super(message); }
}
