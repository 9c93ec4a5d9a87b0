package org.relunet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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
 * run (scripts/pytorch_workloads.py, in rounds of one workload and one seed, each side first in every
 * other round, so both see the same machine), prints a table of figures and ratios, and writes
 * everything to JSON. The training workloads can run over several seeds, since their test accuracy
 * varies by a few thousandths with the seed.
 */
public final class Bench {
    /** Workload names in order. */
    public static final List<String> ALL = List.of("W1", "W2", "W3", "W4");
    /** The training workloads, run once per seed. */
    static final List<String> TRAINING = List.of("W1", "W2");

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
     * Runs the workloads; the training workloads W1 and W2 once per seed {@code seed, seed+1, ...,
     * seed+seeds-1}, W3 and W4 once (with the first seed, W3 on its W2 network).
     *
     * @param pytorchScript scripts/pytorch_workloads.py to run first, or null for relunet alone
     * @return the JSON-ready result: relunet's figures at the top level (W1..W4, see {@link #mergeSeeds}),
     *         PyTorch's under "pytorch" and the ratios under "comparison" when the script ran
     */
    public static Map<String, Object> run(Set<String> workloads, int threads, long seed, int seeds, Path dataDir, Path pytorchScript,
                                          PrintStream out) throws IOException, InterruptedException {
        if (seeds < 1) throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
        FashionMnist data = FashionMnist.find(dataDir);   // the workloads are defined on the full set
        double linkBefore = CoreLink.roundTripNanos(9);
        if (!Double.isNaN(linkBefore)) {
            out.printf(java.util.Locale.ROOT, "machine: a cache line goes from one thread to another and back in %.0f ns%n", linkBefore);
        }
        Side relunet = (parts, s, tag) -> {
            out.println("relunet: running " + String.join(",", parts) + (tag ? ", seed " + s : "") + " ...");
            return new Workloads(out, threads, s, tag).run(parts, data);
        };
        Map<String, Object> torch = null, result;
        if (pytorchScript != null) {
            // In rounds, side by side, the first side alternating (see overSeeds): this VM's slow
            // periods (see CoreLink) come and go with load, so neither side may always run second.
            Side pytorch = (parts, s, tag) -> {
                out.println("PyTorch: running " + pytorchScript + " (" + String.join(",", parts) + ")" + (tag ? ", seed " + s : "") + " ...");
                return runPytorch(pytorchScript, parts, s, tag);
            };
            List<Map<String, Object>> both = overSeeds(workloads, seed, seeds, List.of(pytorch, relunet));
            torch = both.get(0);
            result = both.get(1);
        } else {
            result = overSeeds(workloads, seed, seeds, relunet);
        }
        double linkAfter = CoreLink.roundTripNanos(9);
        if (!Double.isNaN(linkBefore)) {              // NaN: one processor, nothing to measure
            out.printf(java.util.Locale.ROOT, "machine: cache line round trip %.0f ns before the runs, %.0f ns after%s%n", linkBefore, linkAfter,
                    Math.max(linkBefore, linkAfter) > CoreLink.SLOW_NANOS ? " (slow: on the reference VM two-thread W1 and batch-1 latency then run up to 2x slower)" : "");
            Map<String, Object> machine = new java.util.LinkedHashMap<>();
            machine.put("cache_line_round_trip_ns_before", linkBefore);
            machine.put("cache_line_round_trip_ns_after", linkAfter);
            result.put("machine", machine);
        }
        for (String w : TRAINING) {                 // the epochs the comparison uses
            Comparison.Periods periods = Comparison.periods(result, w, Comparison.comparedFrom(w), CoreLink.SLOW_NANOS);
            if (periods == null) continue;
            out.println(periods.describe(w));
            @SuppressWarnings("unchecked") Map<String, Object> figures = (Map<String, Object>) result.get(w);
            figures.put("epoch_seconds_by_period", periods.toJson());
        }
        if (torch != null) {
            result.put("pytorch", torch);
            List<Comparison.Row> rows = Comparison.rows(result, torch);
            result.put("comparison", Comparison.toJson(rows));
            out.println();
            out.print(Comparison.table(rows));
        }
        return result;
    }

    /** One side of the benchmark (relunet or PyTorch) run on some workloads with one seed. */
    interface Side {
        /** @param tagSeed whether several seeds run, so progress lines should name the seed */
        Map<String, Object> run(Set<String> workloads, long seed, boolean tagSeed) throws IOException, InterruptedException;
    }

    /**
     * Runs {@code side} on every workload: W1 and W2 once per seed, W3 and W4 once (with the first
     * seed), and merges the seeds' figures with {@link #mergeSeeds}.
     */
    static Map<String, Object> overSeeds(Set<String> workloads, long seed, int seeds, Side side) throws IOException, InterruptedException {
        return overSeeds(workloads, seed, seeds, List.of(side)).get(0);
    }

    /**
     * As {@link #overSeeds(Set, long, int, Side)} for several sides, in rounds: W1 with the first seed
     * on every side, then W2 (with W3 on its network) with that seed, then W1 with the next seed, and
     * so on, and last W4 (and W3 if W2 is not run). The side that goes first alternates from one round
     * of a workload to the next (PyTorch first with seeds 0 and 2, relunet with seed 1). This VM has
     * slow periods (see CoreLink) that last from seconds to minutes and seem to follow load: with
     * PyTorch always first, relunet ran 20 of 45 W1 seeds in them (median epoch over 0.55 s) against
     * PyTorch's 12 (over 1.15 s) in session 5's fifteen bench runs. Side by side in rounds, both sides
     * see the same machine, and neither always sees it second.
     */
    static List<Map<String, Object>> overSeeds(Set<String> workloads, long seed, int seeds, List<Side> sides) throws IOException, InterruptedException {
        Set<String> training = new LinkedHashSet<>(workloads);
        training.retainAll(TRAINING);
        int n = training.isEmpty() ? 1 : seeds;
        boolean tag = n > 1;
        record Round(int seedIndex, Set<String> parts) {}
        List<Round> rounds = new ArrayList<>();
        for (int i = 0; i < n; i++) {                                     // no training workload: no round here
            if (workloads.contains("W1")) rounds.add(new Round(i, new LinkedHashSet<>(List.of("W1"))));
            if (workloads.contains("W2")) {
                Set<String> part = new LinkedHashSet<>(List.of("W2"));
                if (i == 0 && workloads.contains("W3")) part.add("W3");      // W3 infers with W2's network
                rounds.add(new Round(i, part));
            }
        }
        Set<String> rest = new LinkedHashSet<>();
        for (String w : ALL) {
            if (workloads.contains(w) && !TRAINING.contains(w) && !(w.equals("W3") && workloads.contains("W2"))) rest.add(w);
        }
        if (!rest.isEmpty()) rounds.add(new Round(0, rest));
        // per side, per seed index: the figures of its rounds together
        List<List<Map<String, Object>>> runs = new ArrayList<>();
        for (int k = 0; k < sides.size(); k++) {
            List<Map<String, Object>> perSeed = new ArrayList<>();
            for (int i = 0; i < n; i++) perSeed.add(new LinkedHashMap<>());
            runs.add(perSeed);
        }
        Map<String, Integer> roundsOfKind = new LinkedHashMap<>();        // kind: a round's first workload
        for (Round round : rounds) {
            int turn = roundsOfKind.merge(round.parts().iterator().next(), 1, Integer::sum) - 1;
            for (int j = 0; j < sides.size(); j++) {
                int k = (j + turn) % sides.size();                        // who goes first alternates per workload
                runs.get(k).get(round.seedIndex()).putAll(sides.get(k).run(round.parts(), seed + round.seedIndex(), tag));
            }
        }
        List<Map<String, Object>> merged = new ArrayList<>();
        for (List<Map<String, Object>> perSeed : runs) merged.add(mergeSeeds(perSeed, seed));   // rounds come in the order of ALL
        return merged;
    }

    /**
     * Merges runs with seeds {@code firstSeed, firstSeed+1, ...}: the first run's map, where W1 and W2 keep
     * {@code epoch_seconds} (and {@code train_loss_last_epoch}) of the first seed, {@code test_accuracy}
     * becomes the mean over seeds, {@code epoch2_plus_median_seconds} the median of every seed's epochs 2..,
     * and {@code seeds}, {@code test_accuracy_per_seed}, {@code epoch_seconds_per_seed} and (on two or more
     * processors) {@code round_trip_ns_after_epoch_per_seed} list every run.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mergeSeeds(List<Map<String, Object>> runs, long firstSeed) {
        Map<String, Object> out = new LinkedHashMap<>(runs.get(0));
        for (String w : TRAINING) {
            if (!(out.get(w) instanceof Map<?, ?> first)) continue;
            List<Long> seeds = new ArrayList<>();
            List<Double> accuracies = new ArrayList<>();
            List<List<Double>> seconds = new ArrayList<>();
            List<Object> roundTrips = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                Map<String, Object> m = (Map<String, Object>) runs.get(i).get(w);
                seeds.add(firstSeed + i);
                accuracies.add(((Number) m.get("test_accuracy")).doubleValue());
                List<Double> s = new ArrayList<>();
                for (Object x : (List<Object>) m.get("epoch_seconds")) s.add(((Number) x).doubleValue());
                seconds.add(s);
                if (m.containsKey("round_trip_ns_after_epoch")) roundTrips.add(m.get("round_trip_ns_after_epoch"));
            }
            Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) first);
            merged.put("test_accuracy", accuracies.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
            if (merged.containsKey("epoch2_plus_median_seconds")) merged.put("epoch2_plus_median_seconds", Comparison.medianEpochSeconds(seconds, 1));
            merged.put("seeds", seeds);
            merged.put("test_accuracy_per_seed", accuracies);
            merged.put("epoch_seconds_per_seed", seconds);
            if (roundTrips.size() == runs.size()) merged.put("round_trip_ns_after_epoch_per_seed", roundTrips);
            out.put(w, merged);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> runPytorch(Path script, Set<String> workloads, long seed, boolean tagSeed)
            throws IOException, InterruptedException {
        Path json = Files.createTempFile("relunet-pytorch", ".json");
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), "--only", String.join(",", workloads),
                "--seed", Long.toString(seed), "--json", json.toString()));
        if (tagSeed) command.add("--tag-seed");
        ProcessBuilder pb = new ProcessBuilder(command);
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

    /** Direct use: {@code Bench [W1,W2,W3,W4] [--pytorch scripts/pytorch_workloads.py] [--json FILE] [--threads N] [--seed S] [--seeds N]}. */
    public static void main(String[] args) throws Exception {
        Set<String> which = new LinkedHashSet<>(ALL);
        Path script = null, json = null;
        int threads = Runtime.getRuntime().availableProcessors(), seeds = 1;
        long seed = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pytorch" -> script = Path.of(args[++i]);
                case "--json" -> json = Path.of(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                default -> which = parseWorkloads(args[i]);
            }
        }
        Map<String, Object> r = run(which, threads, seed, seeds, null, script, System.out);
        if (json != null) writeJson(json, r);
    }
}
