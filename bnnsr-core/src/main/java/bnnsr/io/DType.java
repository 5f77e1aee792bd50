package bnnsr.io;

/** The safetensors element types bnnsr knows, with their sizes in bytes. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    public final int bytes;

    DType(int bytes) { this.bytes = bytes; }

    /** The dtype of a safetensors header string, or null when unknown. */
    static DType parse(String s) {
        for (DType d : values()) if (d.name().equals(s)) return d;
        return null;
    }
}
