package bnnsr.cli;

import bnnsr.arch.ArchOptions;
import bnnsr.arch.Architectures;
import bnnsr.tensor.Parallel;
import bnnsr.train.TrainBench;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code bnnsr bench train}: training iterations per second and the conv GFLOP/s they imply, optionally side by
 * side with PyTorch (Debian's python3-torch) measured in the same run, as a ratio.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure training speed (forward + L1 + backward + Adam) on random batches.")
public final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--arch", defaultValue = "srresnet", paramLabel = "NAME") String arch;
    @Option(names = "--scale", defaultValue = "4", paramLabel = "S") int scale;
    @Option(names = "--channels", paramLabel = "C") Integer channels;
    @Option(names = "--blocks", paramLabel = "B") Integer blocks;
    @Option(names = "--batch", defaultValue = "16", paramLabel = "N") int batch;
    @Option(names = "--patch", defaultValue = "48", paramLabel = "P") int patch;
    @Mixin BenchCommand.Options bench;
    @Option(names = "--torch", paramLabel = "PYTHON",
            description = "Also time PyTorch's MSRResNet with this python (e.g. /usr/bin/python3 with python3-torch), srresnet only.")
    String torchPython;

    @Override public Integer call() throws IOException {
        bench.apply();
        if (batch < 1 || patch < 4) throw new UserException("bench train: batch must be >= 1 and patch >= 4");
        ArchOptions o;
        try {
            o = Architectures.defaults(arch, scale);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (channels != null) o = o.withChannels(channels);
        if (blocks != null) o = o.withBlocks(blocks);
        TrainBench.Result r = TrainBench.run(o, batch, patch, bench.warmup, bench.reps, Parallel.threads());
        System.out.printf(Locale.ROOT, "%s x%d, batch %d, patch %d, %d threads: %.3f it/s, %.1f conv GFLOP/iteration, %.1f GFLOP/s%n",
                r.arch(), r.scale(), r.batch(), r.patch(), r.threads(), r.itersPerS(), r.convGflopPerIter(), r.gflops());
        ObjectMapper m = new ObjectMapper();
        ObjectNode node = m.createObjectNode();
        node.put("arch", r.arch()).put("scale", r.scale()).put("batch", r.batch()).put("patch", r.patch())
                .put("threads", r.threads()).put("iters_per_s", r.itersPerS()).put("gflops", r.gflops());
        if (torchPython != null) {
            if (!arch.equals("srresnet")) throw new UserException("--torch compares srresnet only");
            double peer = torchItersPerS(o);
            System.out.printf(Locale.ROOT, "PyTorch (same run): %.3f it/s; bnnsr / PyTorch = %.2f%n", peer, r.itersPerS() / peer);
            node.put("torch_iters_per_s", peer).put("ratio_to_torch", r.itersPerS() / peer);
        }
        if (bench.json != null) bnnsr.io.AtomicFiles.writeString(bench.json, m.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        return 0;
    }

    private double torchItersPerS(ArchOptions o) throws IOException {
        Path script = Path.of(System.getProperty("bnnsr.home", "."), "bench", "torch_train_peer.py");
        if (!Files.isRegularFile(script)) throw new UserException(script + ": peer script not found");
        List<String> cmd = List.of(torchPython, script.toString(), "--scale", "" + o.scale(), "--nf", "" + o.channels(),
                "--nb", "" + o.blocks(), "--batch", "" + batch, "--patch", "" + patch, "--threads", "" + Parallel.threads(),
                "--warmup", "" + bench.warmup, "--iters", "" + bench.reps);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) last = line;
        }
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || last == null)
                throw new UserException("the PyTorch peer failed (is python3-torch installed for " + torchPython + "?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted");
        }
        return new ObjectMapper().readTree(last).get("iters_per_s").asDouble();
    }
}
