package org.relunet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The seed loop and the merge of per-seed results, with a fake side instead of the real workloads. */
class BenchTest {
    /** What a side returns for one training workload: given epochs and accuracy. */
    static Map<String, Object> training(double accuracy, Double... seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch_seconds", List.of(seconds));
        if (seconds.length > 1) m.put("epoch2_plus_median_seconds", Workloads.median(List.of(seconds).subList(1, seconds.length)));
        m.put("test_accuracy", accuracy);
        m.put("train_loss_last_epoch", 0.3);
        return m;
    }

    @Test void firstSeedRunsEveryWorkloadFurtherSeedsOnlyTraining() throws Exception {
        List<String> calls = new ArrayList<>();
        Bench.Side side = (parts, seed, tag) -> {
            calls.add(parts + " seed " + seed + (tag ? " tagged" : ""));
            Map<String, Object> m = new LinkedHashMap<>();
            for (String w : parts) m.put(w, w.equals("W1") || w.equals("W2") ? training(0.87 + seed / 1000.0, 3.0, 2.0) : Map.of("x", 1.0));
            return m;
        };
        Map<String, Object> r = Bench.overSeeds(new LinkedHashSet<>(List.of("W1", "W3", "W4")), 7, 3, side);
        assertEquals(List.of("[W1] seed 7 tagged", "[W1] seed 8 tagged", "[W1] seed 9 tagged", "[W3, W4] seed 7 tagged"), calls);
        assertEquals(List.of(7L, 8L, 9L), ((Map<?, ?>) r.get("W1")).get("seeds"));
        assertEquals(Map.of("x", 1.0), r.get("W3"));
        assertEquals(List.of("W1", "W3", "W4"), List.copyOf(r.keySet()));

        calls.clear();    // W3 goes with W2, whose network it runs
        Bench.overSeeds(new LinkedHashSet<>(List.of("W1", "W2", "W3", "W4")), 0, 2, side);
        assertEquals(List.of("[W1] seed 0 tagged", "[W2, W3] seed 0 tagged", "[W1] seed 1 tagged", "[W2] seed 1 tagged",
                "[W4] seed 0 tagged"), calls);

        calls.clear();
        Bench.overSeeds(Set.of("W4"), 0, 3, side);   // no training workload: one run, untagged
        assertEquals(List.of("[W4] seed 0"), calls);
        calls.clear();
        Bench.overSeeds(Set.of("W1"), 0, 1, side);
        assertEquals(List.of("[W1] seed 0"), calls);
    }

    @Test void twoSidesRunSideBySideAndTakeTurnsGoingFirst() throws Exception {
        List<String> calls = new ArrayList<>();
        Bench.Side torch = (parts, seed, tag) -> {
            calls.add("torch " + parts + " " + seed);
            return new LinkedHashMap<>(Map.of("W1", training(0.86, 1.0, 1.0)));
        };
        Bench.Side relunet = (parts, seed, tag) -> {
            calls.add("relunet " + parts + " " + seed);
            return new LinkedHashMap<>(Map.of("W1", training(0.88, 0.5, 0.5)));
        };
        List<Map<String, Object>> r = Bench.overSeeds(new LinkedHashSet<>(List.of("W1", "W4")), 0, 3, List.of(torch, relunet));
        assertEquals(List.of("torch [W1] 0", "relunet [W1] 0", "relunet [W1] 1", "torch [W1] 1", "torch [W1] 2", "relunet [W1] 2",
                "torch [W4] 0", "relunet [W4] 0"), calls);
        assertEquals(0.86, (double) ((Map<?, ?>) r.get(0).get("W1")).get("test_accuracy"), 1e-12);
        assertEquals(0.88, (double) ((Map<?, ?>) r.get(1).get("W1")).get("test_accuracy"), 1e-12);
    }

    @Test void mergeKeepsTheFirstSeedsEpochsAndAveragesAccuracy() {
        List<Map<String, Object>> runs = List.of(
                new LinkedHashMap<>(Map.of("W1", training(0.870, 5.0, 1.0, 1.2), "W3", Map.of("b1_latency_ms", 0.3))),
                new LinkedHashMap<>(Map.of("W1", training(0.874, 1.1, 1.3, 1.4))),
                new LinkedHashMap<>(Map.of("W1", training(0.878, 0.9, 1.5, 1.6))));
        Map<?, ?> w1 = (Map<?, ?>) Bench.mergeSeeds(runs, 4).get("W1");
        assertEquals(List.of(5.0, 1.0, 1.2), w1.get("epoch_seconds"));
        assertEquals(0.874, (double) w1.get("test_accuracy"), 1e-12);
        assertEquals(List.of(4L, 5L, 6L), w1.get("seeds"));
        assertEquals(List.of(0.870, 0.874, 0.878), w1.get("test_accuracy_per_seed"));
        assertEquals(List.of(List.of(5.0, 1.0, 1.2), List.of(1.1, 1.3, 1.4), List.of(0.9, 1.5, 1.6)), w1.get("epoch_seconds_per_seed"));
        // epochs 2.. of every seed: 1.0 1.2 1.3 1.4 1.5 1.6
        assertEquals(1.35, (double) w1.get("epoch2_plus_median_seconds"), 1e-12);
        assertEquals(0.3, w1.get("train_loss_last_epoch"));
        assertTrue(Bench.mergeSeeds(runs, 4).containsKey("W3"));
        assertFalse(Bench.mergeSeeds(runs, 4).containsKey("W2"));
        assertFalse(w1.containsKey("round_trip_ns_after_epoch_per_seed"), "no round trips measured, none listed");
    }

    @Test void roundTripsAfterEachEpochAreListedPerSeed() {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Map<String, Object> w1 = training(0.87, 1.0, 0.5);
            w1.put("round_trip_ns_after_epoch", List.of(60.0 + i, 330.0 + i));
            runs.add(Map.of("W1", w1));
        }
        Map<?, ?> w1 = (Map<?, ?>) Bench.mergeSeeds(runs, 0).get("W1");
        assertEquals(List.of(List.of(60.0, 330.0), List.of(61.0, 331.0)), w1.get("round_trip_ns_after_epoch_per_seed"));
    }

    @Test void oneSeedKeepsTheOldFiguresAndAddsTheLists() {
        Map<String, Object> w2 = training(0.89, 80.0, 60.0);
        Map<?, ?> merged = (Map<?, ?>) Bench.mergeSeeds(List.of(Map.of("W2", w2)), 0).get("W2");
        for (String key : w2.keySet()) assertEquals(w2.get(key), merged.get(key), key);
        assertEquals(List.of(0L), merged.get("seeds"));
        assertEquals(List.of(0.89), merged.get("test_accuracy_per_seed"));
        assertEquals(List.of(List.of(80.0, 60.0)), merged.get("epoch_seconds_per_seed"));
    }
}
