package bnnsr.fuzz;

import bnnsr.io.SafeTensors;
import bnnsr.io.SafeTensorsException;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

class SafeTensorsFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void read(byte[] data) throws IOException {
        Path f = Files.createTempFile("fuzz", ".safetensors");
        try {
            Files.write(f, data);
            try {
                SafeTensors st = SafeTensors.read(f);
                for (String n : st.names()) st.bytes(n);
            } catch (SafeTensorsException e) {
                // refused with a message: fine
            }
        } finally {
            Files.delete(f);
        }
    }
}
