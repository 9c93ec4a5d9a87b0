package org.relunet.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.relunet.bench.Bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code relunet bench}: the reference workloads W1-W4 on the full Fashion-MNIST, optionally beside PyTorch. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the reference workloads of WORKLOADS.md on the full Fashion-MNIST and print their figures:",
                "  W1 MLP training (s/epoch, accuracy), W2 CNN training, W3 CNN inference (batch 256, batch 1), W4 sgemm 1024^3.",
                "With --pytorch, PyTorch runs the same workloads in the same run (scripts/pytorch_workloads.py), side by side",
                "in rounds of one workload and one seed, each side first in every other round, and a table of ratios",
                "relunet / PyTorch follows.",
                "With --seeds N, W1 and W2 train once per seed on both sides; accuracy is the mean over the seeds."})
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--workloads", defaultValue = "W1,W2,W3,W4", paramLabel = "LIST",
            description = "Comma list of W1, W2, W3, W4 (default: ${DEFAULT-VALUE}).")
    String workloads;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every figure (and PyTorch's, and the ratios) to FILE.")
    Path json;

    @Option(names = "--pytorch", description = "Also run PyTorch's side (needs python3-torch, python3-numpy, libopenblas0-pthread).")
    boolean pytorch;

    @Option(names = "--pytorch-script", paramLabel = "FILE", defaultValue = "scripts/pytorch_workloads.py",
            description = "The PyTorch script (default: ${DEFAULT-VALUE}).")
    Path pytorchScript;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all processors; the reference runs use 2).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of weights and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--seeds", defaultValue = "1", paramLabel = "N",
            description = "Train W1 and W2 with seeds S, S+1, ..., S+N-1 and report their mean test accuracy and its range (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory with the four Fashion-MNIST IDX files (default: $RELUNET_DATA, then /usr/share/datasets/fashion-mnist).")
    Path data;

    @Override public Integer call() throws IOException, InterruptedException {
        Set<String> which;
        try {
            which = Bench.parseWorkloads(workloads);
        } catch (IllegalArgumentException e) {
            throw new UserError("--workloads: " + e.getMessage());
        }
        Check.atLeast("--seeds", seeds, 1, "5");
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : Check.atLeast("--threads", threads, 1, "2");
        if (pytorch && !Files.isRegularFile(pytorchScript)) {
            throw new UserError("--pytorch-script " + pytorchScript + " not found; run from the repository root or give its path");
        }
        if (pytorch && !Files.isExecutable(Path.of("/usr/bin/python3"))) {
            throw new UserError("--pytorch needs /usr/bin/python3 with python3-torch; install with apt-get install -y python3-torch python3-numpy libopenblas0-pthread");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintStream stream = new PrintStream(new java.io.OutputStream() {
            @Override public void write(int b) { out.write(b); }
            @Override public void write(byte[] b, int off, int len) { out.write(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8)); }
            @Override public void flush() { out.flush(); }
        }, true, java.nio.charset.StandardCharsets.UTF_8);
        Map<String, Object> result = Bench.run(which, t, seed, seeds, data, pytorch ? pytorchScript : null, stream);
        stream.flush();
        if (json != null) {
            Bench.writeJson(json, result);
            out.println("wrote " + json);
        }
        return Main.OK;
    }
}
