package bnnsr.train;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Every shipped experiment file parses and validates, and names a registered architecture. */
class OptionsFilesTest {
    @Test void shippedOptionsFilesAreValid() throws Exception {
        try (Stream<Path> files = Files.walk(Path.of(System.getProperty("bnnsr.repo", ".."), "options"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yml")).toList()) {
                TrainConfig c = TrainConfig.read(f);
                c.validate();
                assertNotNull(Trainer.archOptions(c), f.toString());
            }
        }
    }

    @Test void unknownKeysAreErrors(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.yml");
        Files.writeString(f, "arch: srresnet\nitres: 10\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.read(f));
        assertTrue(e.getMessage().contains("itres"), e.getMessage());
    }
}
