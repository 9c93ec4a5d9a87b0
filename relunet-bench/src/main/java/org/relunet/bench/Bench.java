package org.relunet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.relunet.data.FashionMnist;
import org.relunet.io.Json;

/**
 * {@code relunet bench}: runs the reference workloads, optionally PyTorch's side by side in the same
 * run (scripts/pytorch_workloads.py, started first so both see the same machine), prints a table of
 * figures and ratios, and writes everything to JSON.
 */
public final class Bench {
    /** Workload names in order. */
    public static final List<String> ALL = List.of("W1", "W2", "W3", "W4");

    private Bench() {}

    /** Parses "W1,W3" (case-insensitive) into a set, or fails naming the bad entry. */
    public static Set<String> parseWorkloads(String list) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : list.split(",")) {
            String w = p.trim().toUpperCase(Locale.ROOT);
            if (w.isEmpty()) continue;
            if (!ALL.contains(w)) throw new IllegalArgumentException("unknown workload '" + p.trim() + "'; use a comma list of " + ALL);
            out.add(w);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no workload given; use a comma list of " + ALL);
        return out;
    }

    /**
     * Runs the workloads.
     *
     * @param pytorchScript scripts/pytorch_workloads.py to run first, or null for relunet alone
     * @return the JSON-ready result: relunet's figures at the top level (W1..W4), PyTorch's under
     *         "pytorch" and the ratios under "comparison" when the script ran
     */
    public static Map<String, Object> run(Set<String> workloads, int threads, long seed, Path dataDir, Path pytorchScript,
                                          PrintStream out) throws IOException, InterruptedException {
        FashionMnist data = FashionMnist.find(dataDir);   // the workloads are defined on the full set
        Map<String, Object> torch = null;
        if (pytorchScript != null) {
            out.println("PyTorch: running " + pytorchScript + " (" + String.join(",", workloads) + ") ...");
            torch = runPytorch(pytorchScript, workloads, seed, out);
        }
        out.println("relunet: running " + String.join(",", workloads) + " ...");
        Map<String, Object> result = new LinkedHashMap<>(new Workloads(out, threads, seed).run(workloads, data));
        if (torch != null) {
            result.put("pytorch", torch);
            List<Comparison.Row> rows = Comparison.rows(result, torch);
            result.put("comparison", Comparison.toJson(rows));
            out.println();
            out.print(Comparison.table(rows));
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runPytorch(Path script, Set<String> workloads, long seed, PrintStream out)
            throws IOException, InterruptedException {
        Path json = Files.createTempFile("relunet-pytorch", ".json");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", script.toString(), "--only", String.join(",", workloads),
                "--seed", Long.toString(seed), "--json", json.toString());
        pb.redirectErrorStream(false);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException("the PyTorch script exited with " + rc + "; install its packages with "
                    + "apt-get install -y python3-torch python3-numpy libopenblas0-pthread, or run bench without --pytorch");
        }
        Map<String, Object> m = (Map<String, Object>) Json.parse(Files.readString(json, StandardCharsets.UTF_8));
        Files.deleteIfExists(json);
        return m;
    }

    /** Writes JSON atomically (temp file + rename). */
    public static void writeJson(Path file, Map<String, Object> result) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".bench", ".tmp");
        Files.writeString(tmp, Json.write(result), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Direct use: {@code Bench [W1,W2,W3,W4] [--pytorch scripts/pytorch_workloads.py] [--json FILE] [--threads N]}. */
    public static void main(String[] args) throws Exception {
        Set<String> which = new LinkedHashSet<>(ALL);
        Path script = null, json = null;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pytorch" -> script = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> which = parseWorkloads(args[i]);
            }
        }
        Map<String, Object> r = run(which, threads, 0, null, script, System.out);
        if (json != null) writeJson(json, r);
    }
}
