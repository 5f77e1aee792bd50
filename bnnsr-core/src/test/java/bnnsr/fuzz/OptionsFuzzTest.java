package bnnsr.fuzz;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.train.TrainConfig;
import bnnsr.train.Trainer;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The options parsers: a training options file (YAML or JSON) through parsing, the one validator and the
 * architecture options it implies, and a model file's architecture options (JSON metadata). Each input is accepted
 * or refused with an IllegalArgumentException (its message is what the user sees); anything else is a finding.
 * No network is built: sizes are checked before building, which is what this guards.
 */
class OptionsFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) throws java.io.IOException {
        // the first byte picks the parser ('j' JSON, 'a' architecture options, else YAML), the rest is the text
        int kind = input.length == 0 ? 0 : input[0] == 'j' ? 1 : input[0] == 'a' ? 2 : 0;
        String text = input.length == 0 ? "" : new String(input, 1, input.length - 1, java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (kind == 2) {
                ArchOptions o = ArchOptions.fromJson(text);
                Architectures.get(o.arch());
                return;
            }
            TrainConfig c = TrainConfig.parse(text, kind == 1, "fuzz");
            c.validate();
            ArchOptions o = Trainer.archOptions(c);
            bnnsr.io.Limits.checkModelFitsHeap(o.channels(), o.blocks(), 4);
            TrainConfig.fromJson(c.toJson());              // what a checkpoint saves must read back
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) throw new AssertionError("refused without a reason", e);
        }
    }
}
