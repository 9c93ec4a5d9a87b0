package org.relunet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The comparison table on synthetic result maps, merged over seeds as {@code bench --seeds} does. */
class ComparisonTest {
    /** One side's result over seeds 0, 1, ...: W1 and W2 with the given accuracies and epoch seconds, and a W4 figure. */
    static Map<String, Object> side(double[] w1Accuracy, double[][] w1Seconds, double[] w2Accuracy, double[][] w2Seconds) {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < w1Accuracy.length; i++) {
            runs.add(Map.of("W1", BenchTest.training(w1Accuracy[i], boxed(w1Seconds[i])),
                    "W2", BenchTest.training(w2Accuracy[i], boxed(w2Seconds[i])), "W4", Map.of("gflops_1t", 90.0)));
        }
        return Bench.mergeSeeds(runs, 0);
    }

    static Double[] boxed(double[] xs) {
        Double[] out = new Double[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = xs[i];
        return out;
    }

    static final Map<String, Object> RELUNET = side(
            new double[] {0.8718, 0.8735, 0.8773},
            new double[][] {{3.0, 1.4, 1.3, 1.5, 1.2}, {1.3, 1.4, 1.6, 1.2, 1.3}, {1.2, 1.1, 1.3, 1.4, 1.5}},
            new double[] {0.886, 0.895, 0.895},
            new double[][] {{80, 60}, {62, 64}, {66, 61}});
    static final Map<String, Object> PYTORCH = side(
            new double[] {0.8758, 0.8689, 0.8740},
            new double[][] {{1.0, 0.9, 0.95, 0.93, 0.92}, {0.9, 0.94, 0.93, 0.91, 0.9}, {0.9, 0.92, 0.96, 0.93, 0.94}},
            new double[] {0.890, 0.892, 0.891},
            new double[][] {{18, 19}, {18.5, 19.5}, {17.7, 19.8}});

    static Comparison.Row row(List<Comparison.Row> rows, String key) {
        return rows.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow();
    }

    @Test void secondsAreMediansOverEverySeedsEpochs() {
        List<Comparison.Row> rows = Comparison.rows(RELUNET, PYTORCH);
        // W1, epochs 2-5 of 3 seeds: 1.1 1.2 1.2 1.3 1.3 1.3 1.4 1.4 1.4 1.5 1.5 1.6 -> 1.35; the slow first epoch 3.0 is left out
        assertEquals(1.35, row(rows, "W1.epoch2_plus_median_seconds").relunet().value(), 1e-12);
        assertEquals(0.93, row(rows, "W1.epoch2_plus_median_seconds").pytorch().value(), 1e-12);
        // W2, both epochs of 3 seeds: 60 61 62 64 66 80 -> 63
        assertEquals(63, row(rows, "W2.epoch_seconds").relunet().value(), 1e-12);
        assertEquals(18.75, row(rows, "W2.epoch_seconds").pytorch().value(), 1e-12);
    }

    @Test void theColdStartIsTheWholeFirstSeedAndHasNoGoal() {
        List<Comparison.Row> rows = Comparison.rows(RELUNET, PYTORCH);
        Comparison.Row cold = row(rows, "W1.cold_start_seconds");
        assertEquals(3.0 + 1.4 + 1.3 + 1.5 + 1.2, cold.relunet().value(), 1e-12);   // seed 0 only, its first epoch included
        assertEquals(1.0 + 0.9 + 0.95 + 0.93 + 0.92, cold.pytorch().value(), 1e-12);
        assertFalse(cold.hasGoal());
        assertTrue(row(rows, "W1.epoch2_plus_median_seconds").hasGoal());
        String line = Comparison.table(rows).lines().filter(l -> l.startsWith("W1 first seed's epochs, cold start")).findFirst().orElseThrow();
        assertTrue(line.endsWith("(no goal)"), line);
        Map<String, Object> json = Comparison.toJson(rows).stream().filter(m -> m.get("key").equals("W1.cold_start_seconds")).findFirst().orElseThrow();
        assertEquals(null, json.get("goal"));
        assertEquals(null, json.get("meets_goal"));
        assertFalse(Comparison.table(rows).contains("NaN"), Comparison.table(rows));
    }

    @Test void oneSeedW2SecondsAreTheMeanOfItsTwoEpochsAsBefore() {
        Map<String, Object> one = Bench.mergeSeeds(List.of(Map.of("W2", BenchTest.training(0.89, 80.0, 60.0))), 0);
        assertEquals(70, row(Comparison.rows(one, one), "W2.epoch_seconds").relunet().value(), 1e-12);
    }

    @Test void accuracyIsTheMeanWithItsRangeAndIsCheckedAgainstTheBar() {
        List<Comparison.Row> rows = Comparison.rows(RELUNET, PYTORCH);
        Comparison.Row w1 = row(rows, "W1.test_accuracy");
        assertEquals(new Comparison.Figure(0.8742, 0.8718, 0.8773, 3), round(w1.relunet()));
        assertEquals((0.8718 + 0.8735 + 0.8773) / (0.8758 + 0.8689 + 0.8740), w1.ratio(), 1e-12);
        assertTrue(w1.meetsTarget());
        assertFalse(w1.meetsBar());                      // 0.8742 < 0.875
        assertTrue(row(rows, "W2.test_accuracy").meetsBar());   // 0.892 >= 0.89

        String table = Comparison.table(rows);
        System.out.print(table);
        assertTrue(table.contains("0.8742 (0.8718-0.8773, 3 seeds)"), table);
        assertTrue(table.contains("0.8729 (0.8689-0.8758, 3 seeds)"), table);
        assertTrue(table.matches("(?s).*relunet's mean vs the bar +0\\.8742 +>= 0\\.875 MISS.*"), table);
        assertTrue(table.matches("(?s).*relunet's mean vs the bar +0\\.8920 +>= 0\\.89 ok.*"), table);

        Map<String, Object> json = Comparison.toJson(rows).get(1);
        assertEquals("W1.test_accuracy", json.get("key"));
        assertEquals(">= 0.995", json.get("goal"));
        assertEquals(true, json.get("meets_goal"));
        assertEquals(">= 0.875", json.get("bar"));
        assertEquals(false, json.get("meets_bar"));
    }

    @Test void oneSeedShowsAPlainAccuracy() {
        Map<String, Object> one = Bench.mergeSeeds(List.of(Map.of("W1", BenchTest.training(0.8745, 2.0, 1.0))), 0);
        String table = Comparison.table(Comparison.rows(one, one));
        assertTrue(table.matches("(?s).*W1 test accuracy \\(mean\\) +0\\.8745 +0\\.8745 +1\\.00x +>= 0\\.995 ok.*"), table);
        assertTrue(table.matches("(?s).*  relunet vs the bar +0\\.8745 +>= 0\\.875 MISS.*"), table);
        assertFalse(table.contains("seeds"), table);
    }

    @Test void figuresMissingOnOneSideAreLeftOut() {
        List<Comparison.Row> rows = Comparison.rows(RELUNET, Map.of("W4", Map.of("gflops_1t", 100.0)));
        assertEquals(1, rows.size());
        assertEquals(0.9, rows.get(0).ratio(), 1e-12);
    }

    static Comparison.Figure round(Comparison.Figure f) {
        return new Comparison.Figure(Math.round(f.value() * 1e4) / 1e4, f.min(), f.max(), f.seeds());
    }

    @Test void epochsAreSplitByTheProbeReadAfterEach() {
        // two seeds; epoch 1 left out (fromEpoch 1); probes above 150 ns mark slow periods
        Map<String, Object> w1 = Map.of(
                "epoch_seconds_per_seed", List.of(List.of(3.0, 0.45, 0.70, 0.44), List.of(0.6, 0.69, 0.43, 0.72)),
                "round_trip_ns_after_epoch_per_seed", List.of(List.of(300.0, 60.0, 330.0, 70.0), List.of(65.0, 340.0, 150.0, 320.0)));
        Comparison.Periods p = Comparison.periods(Map.of("W1", w1), "W1", 1, 150);
        // fast: 0.45, 0.44, 0.43 (150 ns is not above the threshold); slow: 0.70, 0.69, 0.72
        assertEquals(0.44, p.fastMedian(), 1e-12);
        assertEquals(3, p.fast());
        assertEquals(0.70, p.slowMedian(), 1e-12);
        assertEquals(3, p.slow());
        assertEquals("W1 epochs 2..: 0.440 s median in fast periods (3 epochs), 0.700 s in slow ones (3; probe > 150 ns)", p.describe("W1"));
        assertEquals(4, Comparison.periods(Map.of("W1", w1), "W1", 0, 150).fast());     // with epoch 1 (65 ns)
        // no probes (one processor), or lists that do not match: no split
        assertEquals(null, Comparison.periods(Map.of("W1", Map.of("epoch_seconds_per_seed", List.of(List.of(1.0)))), "W1", 0, 150));
        assertEquals(null, Comparison.periods(Map.of("W1", Map.of("epoch_seconds_per_seed", List.of(List.of(1.0, 2.0)),
                "round_trip_ns_after_epoch_per_seed", List.of(List.of(60.0)))), "W1", 0, 150));
    }
}
