package org.relunet.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * relunet's workload figures beside PyTorch's from the same run, as ratios relunet / PyTorch, with
 * the direction that counts as better for each (time: lower, throughput: higher).
 */
public final class Comparison {

    /** One compared figure. {@code ratio} = relunet / PyTorch; {@code target} the goal for that ratio. */
    public record Row(String key, String label, double relunet, double pytorch, double ratio, boolean lowerIsBetter, double target) {
        public boolean meetsTarget() {
            return Double.isFinite(ratio) && (lowerIsBetter ? ratio <= target : ratio >= target);
        }
    }

    private Comparison() {}

    /** Rows for every figure present in both result maps. */
    public static List<Row> rows(Map<String, Object> relunet, Map<String, Object> pytorch) {
        List<Row> rows = new ArrayList<>();
        add(rows, relunet, pytorch, "W1.epoch2_plus_median_seconds", "W1 s/epoch (epochs 2-5, median)", true, 0.5);
        add(rows, relunet, pytorch, "W1.test_accuracy", "W1 test accuracy", false, 0.995);
        add(rows, relunet, pytorch, "W2.epoch_seconds", "W2 s/epoch (mean of 2)", true, 0.9);
        add(rows, relunet, pytorch, "W2.test_accuracy", "W2 test accuracy", false, 0.995);
        add(rows, relunet, pytorch, "W3.b256_images_per_second", "W3 images/s at batch 256", false, 1.0);
        add(rows, relunet, pytorch, "W3.b1_latency_ms", "W3 batch-1 latency ms", true, 0.5);
        add(rows, relunet, pytorch, "W4.gflops_1t", "W4 sgemm GFLOP/s, 1 thread", false, 0.8);
        add(rows, relunet, pytorch, "W4.gflops_2t", "W4 sgemm GFLOP/s, 2 threads", false, 0.8);
        return rows;
    }

    private static void add(List<Row> rows, Map<String, Object> a, Map<String, Object> b, String key, String label,
                            boolean lowerIsBetter, double target) {
        Double x = number(a, key), y = number(b, key);
        if (x == null || y == null) return;
        rows.add(new Row(key, label, x, y, x / y, lowerIsBetter, target));
    }

    /** The median of every seed's epochs from {@code fromEpoch} (0-based) on; NaN when there are none. */
    static double medianEpochSeconds(List<List<Double>> perSeed, int fromEpoch) {
        List<Double> all = new ArrayList<>();
        for (List<Double> seconds : perSeed) {
            if (seconds.size() > fromEpoch) all.addAll(seconds.subList(fromEpoch, seconds.size()));
        }
        return Workloads.median(all);
    }

    /** A figure by dotted key; a list of numbers gives its mean. */
    static Double number(Map<String, Object> m, String dotted) {
        Object v = m;
        for (String part : dotted.split("\\.")) {
            if (!(v instanceof Map<?, ?> map)) return null;
            v = map.get(part);
        }
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof List<?> l && !l.isEmpty()) {
            double s = 0;
            for (Object o : l) {
                if (!(o instanceof Number n)) return null;
                s += n.doubleValue();
            }
            return s / l.size();
        }
        return null;
    }

    /** A plain-text table of the rows. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        String fmt = "%-34s %12s %12s %9s %10s%n";
        b.append(String.format(Locale.ROOT, fmt, "figure", "relunet", "PyTorch", "ratio", "goal"));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, fmt, r.label(), fmt(r.relunet()), fmt(r.pytorch()),
                    String.format(Locale.ROOT, "%.2fx", r.ratio()),
                    (r.lowerIsBetter() ? "<= " : ">= ") + r.target() + (r.meetsTarget() ? " ok" : " MISS")));
        }
        return b.toString();
    }

    /** The rows as maps for the JSON file. */
    public static List<Map<String, Object>> toJson(List<Row> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", r.key());
            m.put("relunet", r.relunet());
            m.put("pytorch", r.pytorch());
            m.put("ratio", r.ratio());
            m.put("goal", (r.lowerIsBetter() ? "<= " : ">= ") + r.target());
            m.put("meets_goal", r.meetsTarget());
            out.add(m);
        }
        return out;
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.4g", v);
    }
}
