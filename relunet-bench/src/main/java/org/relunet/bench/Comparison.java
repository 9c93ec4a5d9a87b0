package org.relunet.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * relunet's workload figures beside PyTorch's from the same run, as ratios relunet / PyTorch, with
 * the direction that counts as better for each (time: lower, throughput: higher).
 *
 * <p>Over several seeds (see {@link Bench#mergeSeeds}), seconds per epoch are the median over every
 * seed's epochs 2-5 (W1) or every seed's epochs (W2; with one seed, the mean of its two epochs), and
 * test accuracy is the mean over seeds, shown with its min-max range.
 */
public final class Comparison {

    /** One side's figure: a value and, for a test accuracy over several seeds, their range and count. */
    public record Figure(double value, double min, double max, int seeds) {
        static Figure of(double value) { return new Figure(value, value, value, 1); }

        String text() {
            return seeds > 1 ? String.format(Locale.ROOT, "%.4f (%.4f-%.4f, %d seeds)", value, min, max, seeds) : fmt(value);
        }
    }

    /**
     * One compared figure. {@code target} is the goal for the ratio relunet / PyTorch (NaN for a
     * figure reported without one); {@code bar} the absolute bar for relunet's value (NaN when
     * there is none).
     */
    public record Row(String key, String label, Figure relunet, Figure pytorch, boolean lowerIsBetter, double target, double bar) {
        public double ratio() { return relunet.value() / pytorch.value(); }

        /** Whether the issue sets a goal for this figure's ratio. */
        public boolean hasGoal() { return !Double.isNaN(target); }

        public boolean meetsTarget() {
            double r = ratio();
            return Double.isFinite(r) && (lowerIsBetter ? r <= target : r >= target);
        }

        public boolean meetsBar() { return lowerIsBetter ? relunet.value() <= bar : relunet.value() >= bar; }
    }

    private Comparison() {}

    /** Rows for every figure present in both result maps. */
    public static List<Row> rows(Map<String, Object> relunet, Map<String, Object> pytorch) {
        List<Row> rows = new ArrayList<>();
        add(rows, "W1.epoch2_plus_median_seconds", "W1 s/epoch (epochs 2-5, median)", seconds(relunet, "W1"), seconds(pytorch, "W1"), true, 0.5, Double.NaN);
        add(rows, "W1.test_accuracy", "W1 test accuracy (mean)", accuracy(relunet, "W1"), accuracy(pytorch, "W1"), false, 0.995, 0.875);
        // what a user waits for: the first seed is each side's first training in a fresh process, JIT warm-up included
        add(rows, "W1.cold_start_seconds", "W1 first seed's epochs, cold start", coldStart(relunet, "W1"), coldStart(pytorch, "W1"), true, Double.NaN, Double.NaN);
        add(rows, "W2.epoch_seconds", "W2 s/epoch (all epochs, median)", seconds(relunet, "W2"), seconds(pytorch, "W2"), true, 0.9, Double.NaN);
        add(rows, "W2.test_accuracy", "W2 test accuracy (mean)", accuracy(relunet, "W2"), accuracy(pytorch, "W2"), false, 0.995, 0.89);
        plain(rows, relunet, pytorch, "W3.b256_images_per_second", "W3 images/s at batch 256", false, 1.0);
        plain(rows, relunet, pytorch, "W3.b1_latency_ms", "W3 batch-1 latency ms", true, 0.5);
        plain(rows, relunet, pytorch, "W4.gflops_1t", "W4 sgemm GFLOP/s, 1 thread", false, 0.8);
        plain(rows, relunet, pytorch, "W4.gflops_2t", "W4 sgemm GFLOP/s, 2 threads", false, 0.8);
        return rows;
    }

    private static void add(List<Row> rows, String key, String label, Figure x, Figure y, boolean lowerIsBetter, double target, double bar) {
        if (x != null && y != null) rows.add(new Row(key, label, x, y, lowerIsBetter, target, bar));
    }

    private static void plain(List<Row> rows, Map<String, Object> a, Map<String, Object> b, String key, String label,
                              boolean lowerIsBetter, double target) {
        Double x = number(a, key), y = number(b, key);
        if (x != null && y != null) add(rows, key, label, Figure.of(x), Figure.of(y), lowerIsBetter, target, Double.NaN);
    }

    /** The median of every seed's epochs from {@code fromEpoch} (0-based) on; NaN when there are none. */
    static double medianEpochSeconds(List<List<Double>> perSeed, int fromEpoch) {
        List<Double> all = new ArrayList<>();
        for (List<Double> seconds : perSeed) {
            if (seconds.size() > fromEpoch) all.addAll(seconds.subList(fromEpoch, seconds.size()));
        }
        return Workloads.median(all);
    }

    /**
     * The first epoch (0-based) whose time a training workload's figure compares: W1's epochs 2-5 (its
     * first epoch warms the JIT up), W2's every epoch (it has two).
     */
    static int comparedFrom(String workload) { return workload.equals("W1") ? 1 : 0; }

    /** A training workload's epoch seconds, a list per seed (null where one is not a list of numbers); one seed when there is no per-seed list. */
    private static List<List<Double>> epochsPerSeed(Map<String, Object> m, String workload) {
        List<List<Double>> perSeed = new ArrayList<>();
        if (value(m, workload + ".epoch_seconds_per_seed") instanceof List<?> l) {
            for (Object run : l) perSeed.add(numbers(run));
        } else {
            perSeed.add(numbers(value(m, workload + ".epoch_seconds")));
        }
        return perSeed;
    }

    /** Seconds per epoch of a training workload over all its seeds, from its {@link #comparedFrom} epoch on. */
    private static Figure seconds(Map<String, Object> m, String workload) {
        List<List<Double>> perSeed = epochsPerSeed(m, workload);
        if (perSeed.contains(null)) return null;
        double median = medianEpochSeconds(perSeed, comparedFrom(workload));
        return Double.isNaN(median) ? null : Figure.of(median);
    }

    /**
     * A training workload's epochs split by the cache-line probe read after each (see CoreLink): the
     * median of those after which it read at most {@code slowNanos} and of those after which it read
     * more, with their counts. The host's slow periods decide W1's time; this says how many epochs each
     * kind had.
     */
    public record Periods(double fastMedian, int fast, double slowMedian, int slow, int fromEpoch, double slowNanos) {
        /** One line, e.g. "W1 epochs 2..: 0.443 s median in fast periods (8 epochs), 0.698 s in slow ones (4; probe > 150 ns)". */
        String describe(String workload) {
            return String.format(java.util.Locale.ROOT, "%s epochs %d..: %s in fast periods (%d epochs), %s in slow ones (%d; probe > %.0f ns)",
                    workload, fromEpoch + 1, fast > 0 ? String.format(java.util.Locale.ROOT, "%.3f s median", fastMedian) : "none",
                    fast, slow > 0 ? String.format(java.util.Locale.ROOT, "%.3f s", slowMedian) : "none", slow, slowNanos);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("slow_above_round_trip_ns", slowNanos);
            m.put("from_epoch", fromEpoch + 1);
            m.put("fast_median_seconds", fast > 0 ? fastMedian : null);
            m.put("fast_epochs", fast);
            m.put("slow_median_seconds", slow > 0 ? slowMedian : null);
            m.put("slow_epochs", slow);
            return m;
        }
    }

    /** {@link Periods} of a workload from its per-seed epochs and probes, or null where there are no probes. */
    static Periods periods(Map<String, Object> m, String workload, int fromEpoch, double slowNanos) {
        Object seconds = value(m, workload + ".epoch_seconds_per_seed"), probes = value(m, workload + ".round_trip_ns_after_epoch_per_seed");
        if (!(seconds instanceof List<?> s) || !(probes instanceof List<?> p) || s.size() != p.size()) return null;
        List<Double> fast = new ArrayList<>(), slow = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            List<Double> epochs = numbers(s.get(i)), trips = numbers(p.get(i));
            if (epochs == null || trips == null || epochs.size() != trips.size()) return null;
            for (int e = fromEpoch; e < epochs.size(); e++) (trips.get(e) > slowNanos ? slow : fast).add(epochs.get(e));
        }
        if (fast.isEmpty() && slow.isEmpty()) return null;
        return new Periods(Workloads.median(fast), fast.size(), Workloads.median(slow), slow.size(), fromEpoch, slowNanos);
    }

    /**
     * The whole training time of a workload's first seed (its first epoch included): the first training
     * in the bench's JVM for relunet, and a fresh process for PyTorch, so both start cold.
     */
    private static Figure coldStart(Map<String, Object> m, String workload) {
        List<List<Double>> perSeed = epochsPerSeed(m, workload);
        List<Double> first = perSeed.isEmpty() ? numbers(value(m, workload + ".epoch_seconds")) : perSeed.get(0);
        return first == null ? null : Figure.of(first.stream().mapToDouble(Double::doubleValue).sum());
    }

    /** Test accuracy of a training workload: the mean over seeds, with their range. */
    private static Figure accuracy(Map<String, Object> m, String workload) {
        List<Double> acc = numbers(value(m, workload + ".test_accuracy_per_seed"));
        if (acc == null) {
            Double one = number(m, workload + ".test_accuracy");
            return one == null ? null : Figure.of(one);
        }
        double mean = acc.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double min = acc.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = acc.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return new Figure(mean, min, max, acc.size());
    }

    /** A value by dotted key, or null. */
    private static Object value(Map<String, Object> m, String dotted) {
        Object v = m;
        for (String part : dotted.split("\\.")) {
            if (!(v instanceof Map<?, ?> map)) return null;
            v = map.get(part);
        }
        return v;
    }

    /** A non-empty list of numbers, or null. */
    private static List<Double> numbers(Object v) {
        if (!(v instanceof List<?> l) || l.isEmpty()) return null;
        List<Double> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Number n)) return null;
            out.add(n.doubleValue());
        }
        return out;
    }

    /** A figure by dotted key; a list of numbers gives its mean. */
    static Double number(Map<String, Object> m, String dotted) {
        Object v = value(m, dotted);
        if (v instanceof Number n) return n.doubleValue();
        List<Double> l = numbers(v);
        return l == null ? null : l.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /**
     * A plain-text table of the rows; a row with a bar is followed by a line saying whether relunet's
     * value (for accuracy: the mean over seeds) meets it.
     */
    public static String table(List<Row> rows) {
        int width = 12;
        for (Row r : rows) width = Math.max(width, Math.max(r.relunet().text().length(), r.pytorch().text().length()));
        String fmt = "%-34s %" + width + "s %" + width + "s %9s %10s%n";
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, fmt, "figure", "relunet", "PyTorch", "ratio", "goal"));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, fmt, r.label(), r.relunet().text(), r.pytorch().text(),
                    String.format(Locale.ROOT, "%.2fx", r.ratio()), r.hasGoal() ? goal(r.lowerIsBetter(), r.target(), r.meetsTarget()) : "(no goal)"));
            if (!Double.isNaN(r.bar())) {
                b.append(String.format(Locale.ROOT, fmt, (r.relunet().seeds() > 1 ? "  relunet's mean" : "  relunet") + " vs the bar",
                        fmt(r.relunet().value()), "", "", goal(r.lowerIsBetter(), r.bar(), r.meetsBar())));
            }
        }
        return b.toString();
    }

    private static String goal(boolean lowerIsBetter, double target, boolean met) {
        return (lowerIsBetter ? "<= " : ">= ") + target + (met ? " ok" : " MISS");
    }

    /** The rows as maps for the JSON file. */
    public static List<Map<String, Object>> toJson(List<Row> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", r.key());
            m.put("relunet", r.relunet().value());
            m.put("pytorch", r.pytorch().value());
            m.put("ratio", r.ratio());
            m.put("goal", r.hasGoal() ? (r.lowerIsBetter() ? "<= " : ">= ") + r.target() : null);
            m.put("meets_goal", r.hasGoal() ? r.meetsTarget() : null);
            if (!Double.isNaN(r.bar())) {
                m.put("bar", (r.lowerIsBetter() ? "<= " : ">= ") + r.bar());
                m.put("meets_bar", r.meetsBar());
            }
            out.add(m);
        }
        return out;
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
