package bnnsr.fuzz;

import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;
import bnnsr.io.TensorEntry;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any bytes given as a safetensors file: a valid file whose every tensor converts, or a SafeTensorsException. Any
 * other exception, a hang or an OutOfMemoryError is a finding. In normal test runs the committed inputs
 * (resources bnnsr/fuzz/SafeTensorsFuzzTestInputs/read) are replayed; with JAZZER_FUZZ=1 it fuzzes (see README).
 */
class SafeTensorsFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void read(byte[] file) throws SafeTensorsException {
        SafeTensors st;
        try {
            st = SafeTensors.read(file);
        } catch (SafeTensorsException e) {
            return;                                        // refused with its reason: what bad input must get
        } catch (java.io.IOException e) {
            throw new AssertionError("not a SafeTensorsException: " + e, e);
        }
        for (Map.Entry<String, TensorEntry> e : st.entries().entrySet()) {
            int bytes = st.bytes(e.getKey()).remaining();
            assertEquals(e.getValue().end() - e.getValue().begin(), bytes, e.getKey());
            try {
                switch (e.getValue().dtype()) {
                    case F32, F16, BF16, F64 -> assertEquals(e.getValue().elements(), st.floats(e.getKey()).length);
                    default -> assertEquals(e.getValue().elements(), st.longs(e.getKey()).length);
                }
            } catch (SafeTensorsException x) {
                // a dtype the converters do not take (e.g. U64): refused with its reason
            }
        }
    }
}
