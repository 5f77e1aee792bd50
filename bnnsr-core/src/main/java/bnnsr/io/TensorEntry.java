package bnnsr.io;

import java.util.Arrays;

/** One tensor of a safetensors file: its dtype, shape and byte span [begin, end) inside the data section. */
public record TensorEntry(String name, DType dtype, long[] shape, long begin, long end) {
    public long elements() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(shape[i]);
        return s;
    }

    public String describe() { return dtype + Arrays.toString(shape); }
}
