package bnnsr.engine.graph;

import java.io.IOException;

/** A packed model file that is malformed or does not match what the engine expects: "FILE: what is wrong". */
public final class PackedModelException extends IOException {
    public PackedModelException(String message) { super(message); }
}
