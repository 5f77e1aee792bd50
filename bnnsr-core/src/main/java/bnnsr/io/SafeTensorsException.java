package bnnsr.io;

import java.io.IOException;

/** A safetensors file that is not valid, or does not hold what the caller needs; the message is one line. */
public final class SafeTensorsException extends IOException {
    public SafeTensorsException(String message) { super(message); }
}
