package org.relunet.lab.experiments;

import static org.relunet.lab.measure.Stats.f;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.relunet.data.Dataset;
import org.relunet.lab.Charts;
import org.relunet.lab.Experiment;
import org.relunet.lab.ExperimentContext;
import org.relunet.lab.ExperimentResult;
import org.relunet.lab.Figure;
import org.relunet.lab.Table;
import org.relunet.lab.Verdict;
import org.relunet.lab.Verdict.Finding;
import org.relunet.lab.experiments.FastTransformsStudy.Network;
import org.relunet.lab.experiments.FastTransformsStudy.Row;

/**
 * e8: fast transforms (issue 7). The seed's answer 4 proposes building fast weighted-sum
 * algorithms (FFT, Walsh-Hadamard transform) into ReLU networks. This trains networks whose mixing
 * layers are fast transforms (switch nets, Fastfood, a Hadamard layer with switched diagonal, a
 * circulant layer) against the dense W1 MLP and, at equal parameter counts, small dense MLPs and a
 * linear classifier, and places them on the accuracy-vs-parameters plane. The logic is in
 * {@link FastTransformsStudy}; this class picks the sizes, draws the figures and decides the verdict.
 */
public final class E8FastTransforms implements Experiment {

    /** The target: within this much of W1's accuracy with at most a tenth of its parameters. */
    static final double TARGET_GAP = 0.02;

    /**
     * @param perClass training images per class (0: the whole training set of the run)
     * @param probe    test images (0: the whole test set of the run)
     * @param epochs   training epochs
     * @param names    the networks of {@link FastTransformsStudy#networks()} to train (empty: all)
     * @param seeds    seeds per network
     */
    record Config(int perClass, int probe, int epochs, List<String> names, int seeds) {}

    static Config config(ExperimentContext ctx) {
        return ctx.pick(new Config(50, 200, 1, List.of("W1 (sgd)", "mlp-16", "hadamard-switch", "switchnet-2x1024", "fastfood-1024"), 1),
                new Config(0, 0, 3, List.of(), Math.min(2, ctx.seeds())),
                new Config(0, 0, 5, List.of(), Math.min(3, ctx.seeds())));
    }

    @Override public String id() { return "e8"; }

    @Override public String title() { return "Fast transforms"; }

    @Override public String claim() {
        return "There are numerically efficient weighted-sum (dot product) algorithms such as the FFT and the Walsh-Hadamard transform. "
                + "There is no reason not to build them into ReLU-based networks and enjoy the computational gain "
                + "(e.g. fixed filter bank neural networks).";
    }

    @Override public String source() {
        return "seed, answer 4; issue 7 (target: within 2 points of W1 with at most a tenth of its parameters); "
                + "Le et al. 2013 (Fastfood); Yang et al. 2015 (Deep Fried Convnets); Cheng et al. 2015 (circulant projections)";
    }

    /** Colours of the families: dense blue as ReLU elsewhere, the transform families in the palette's warm colours. */
    static final Map<String, Color> FAMILY_COLOURS = Map.of("dense", new Color(0x0072B2), "linear", new Color(0x999999),
            "wht", new Color(0xD55E00), "fastfood", new Color(0xE69F00), "circulant", new Color(0x009E73));

    static final Map<String, String> FAMILY_LABELS = Map.of("dense", "dense MLPs", "linear", "linear classifier",
            "wht", "Walsh-Hadamard / switch nets", "fastfood", "Fastfood", "circulant", "circulant (FFT)");

    @Override public ExperimentResult run(ExperimentContext ctx) {
        ExperimentResult.Builder out = ExperimentResult.builder(this);
        Config cfg = config(ctx);
        Dataset train = cfg.perClass() > 0 ? Activations.subset(ctx.train(), cfg.perClass(), 81) : ctx.train();
        Dataset test = cfg.probe() > 0 && ctx.test().size() > cfg.probe() ? ctx.test().stratifiedSubset(cfg.probe() / 10, 82) : ctx.test();
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < cfg.seeds(); i++) seeds.add(ctx.seed(i));
        String loadBefore = FastTransformsStudy.loadAverage();

        FastTransformsStudy study = new FastTransformsStudy(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), cfg.epochs(), seeds);
        List<Row> rows = new ArrayList<>();
        for (Network n : FastTransformsStudy.networks()) {
            if (!cfg.names().isEmpty() && !cfg.names().contains(n.name())) continue;
            Row r = study.run(n, train, test);
            rows.add(r);
            ctx.progress("%-18s test accuracy %.4f +- %.4f, %,d parameters, %,d FLOPs, %.2f s/epoch", n.name(), r.testAccuracy(),
                    r.accuracyStd(), r.parameters(), r.flops(), r.secondsPerEpoch());
        }
        String loadAfter = FastTransformsStudy.loadAverage();
        Row w1 = rows.get(0);
        Row best = FastTransformsStudy.bestWithinBudget(rows);
        Row bestDense = null;
        for (Row r : rows) {
            if (!FastTransformsStudy.isTransform(r) && r != w1 && 10 * r.parameters() <= w1.parameters()
                    && (bestDense == null || r.testAccuracy() > bestDense.testAccuracy())) bestDense = r;
        }

        // Figures.
        out.figure(new Figure("e8-frontier", plane(rows, "Accuracy against parameters", "parameters (log scale)", r -> (double) r.parameters(), true),
                f("Test accuracy (%,d images; mean and standard deviation over %d seed(s)) against learned parameters, after %d epochs on %,d "
                        + "training images, batch 128. Dense networks are W1 (784-256-256-10) and 784-k-10 MLPs; the others mix with fast transforms "
                        + "and read out with one dense(10). The dashed line is the frontier: the best accuracy at or below each parameter count. "
                        + "The vertical line marks a tenth of W1's parameters, the issue's budget.", test.size(), cfg.seeds(), cfg.epochs(), train.size())));
        out.figure(new Figure("e8-time", plane(rows, "Accuracy against training time", "training seconds per epoch (log scale, 1 thread of a shared machine)",
                Row::secondsPerEpoch, false),
                f("The same networks against training seconds per epoch (median of the epochs after each run's first, %d kernel thread(s)). "
                        + "The machine was shared: load average %s before and %s after (1, 5, 15 minutes), so times are noisy, but W1's GEMMs and the "
                        + "transforms ran under the same load.", ctx.threads(), loadBefore, loadAfter)));

        // Table.
        Table.Builder t = Table.builder("e8-networks", "The networks", "network", "family", "layers after the 28x28 input", "parameters",
                "forward FLOPs / sample", "test accuracy", "seconds / epoch", "vs W1 (points)");
        for (Row r : rows) {
            t.row(r.network().name(), r.network().family(), r.network().spec(), f("%,d", r.parameters()), f("%,d", r.flops()),
                    f("%.4f ± %.4f", r.testAccuracy(), r.accuracyStd()), f("%.2f", r.secondsPerEpoch()),
                    f("%+.1f", 100 * (r.testAccuracy() - w1.testAccuracy())));
        }
        out.table(t.build(f("Mean ± standard deviation over %d seed(s); %d epochs, batch 128; W1 (sgd) trains with its reference recipe "
                + "(SGD 0.05, momentum 0.9), every other network with Adam %s. FLOPs count a multiply-add as 2 and a transform of length L as "
                + "L log2 L additions.", cfg.seeds(), cfg.epochs(), FastTransformsStudy.ADAM_RATE)));

        // Data.
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("epochs", cfg.epochs());
        meta.put("batch", 128);
        meta.put("seeds", seeds);
        meta.put("threads", ctx.threads());
        meta.put("train_samples", train.size());
        meta.put("test_samples", test.size());
        meta.put("loadavg_before", loadBefore);
        meta.put("loadavg_after", loadAfter);
        Map<String, Object> json = FastTransformsStudy.toJson(rows, meta);
        out.data("networks", json.get("networks"));
        out.data("meta", meta);
        out.data("w1_parameters", w1.parameters());
        out.data("budget_parameters", w1.parameters() / 10);
        out.data("best_within_budget", best == null ? "none" : best.network().name());
        out.data("best_dense_within_budget", bestDense == null ? "none" : bestDense.network().name());

        // Verdict.
        List<Finding> findings = new ArrayList<>();
        String headline;
        if (best == null) {
            findings.add(Finding.check("a fast-transform network with at most a tenth of W1's parameters was trained", "none in this run", false));
            headline = "no fast-transform network within the budget was trained";
        } else {
            double gap = w1.testAccuracy() - best.testAccuracy();
            findings.add(Finding.check(f("a fast-transform network comes within %.0f points of W1 with at most a tenth of its parameters (%,d)",
                            100 * TARGET_GAP, w1.parameters() / 10),
                    f("%s: %.4f ± %.4f vs W1 %.4f (%.1f points %s) with %,d parameters (%.1f%% of W1)", best.network().name(), best.testAccuracy(),
                            best.accuracyStd(), w1.testAccuracy(), 100 * Math.abs(gap), gap >= 0 ? "below" : "above", best.parameters(),
                            100.0 * best.parameters() / w1.parameters()), gap <= TARGET_GAP));
            if (bestDense != null) {
                findings.add(Finding.check("within that budget, the best fast-transform network beats the best dense one (small MLP or linear)",
                        f("%s %.4f ± %.4f (%,d parameters) vs %s %.4f ± %.4f (%,d parameters)", best.network().name(), best.testAccuracy(),
                                best.accuracyStd(), best.parameters(), bestDense.network().name(), bestDense.testAccuracy(), bestDense.accuracyStd(),
                                bestDense.parameters()), best.testAccuracy() > bestDense.testAccuracy()));
            }
            findings.add(Finding.check("the computational gain: that network needs fewer FLOPs and less training time per epoch than W1",
                    f("%,d vs %,d forward FLOPs per sample (%.0f%%); %.2f vs %.2f s per epoch", best.flops(), w1.flops(),
                            100.0 * best.flops() / w1.flops(), best.secondsPerEpoch(), w1.secondsPerEpoch()),
                    best.flops() < w1.flops() && best.secondsPerEpoch() < w1.secondsPerEpoch()));
            headline = f("%s: %.4f vs W1 %.4f with %.1f%% of its parameters, %.0f%% of its FLOPs, %.2f vs %.2f s/epoch", best.network().name(),
                    best.testAccuracy(), w1.testAccuracy(), 100.0 * best.parameters() / w1.parameters(), 100.0 * best.flops() / w1.flops(),
                    best.secondsPerEpoch(), w1.secondsPerEpoch());
        }
        out.verdict(Verdict.of(headline, findings));

        out.method(f("""
                Networks: W1 (784-256-256-10, ReLU); dense 784-k-10 MLPs (k = 16, 28, 64) and a linear classifier as references at small \
                parameter counts; and networks whose mixing layers are fast transforms, each read out by one dense(10): \
                signs hadamard switch_diag; switchnet blocks of depth 1 to 5 and width 1024 to 4096 (random signs, normalised Walsh-Hadamard \
                transform, switched diagonal y = x > 0 ? a x : b x with a, b learned per unit, closed by a transform); Fastfood blocks \
                (S H G P H B) with ReLU; a circulant layer (FFT) with ReLU. The 784 pixels are zero-padded to 1024; wider blocks repeat the \
                padded input before their first sign flip. See docs/fast-transforms.md for the layers.

                Data: %s; %,d training and %,d test images. Training: %d epochs, batch 128, %d seed(s) per network (weights and data order; \
                the transforms' random signs and permutations are fixed by the seeds in the specs). W1 (sgd) uses its reference recipe, \
                SGD 0.05 with momentum 0.9; all other networks use Adam %s (W1 with Adam is shown too), the best of 1e-3, 3e-3 and 1e-2 \
                for a switch net, a Fastfood net and a dense MLP alike on a held-out tenth of the training set (5 epochs, 2 seeds; \
                the test set played no part). Seconds per epoch are the median \
                over epochs after each run's first, with %d kernel thread(s), on a machine shared with other work (load average %s before, \
                %s after).""", ctx.dataDescription(), train.size(), test.size(), cfg.epochs(), cfg.seeds(), FastTransformsStudy.ADAM_RATE,
                ctx.threads(), loadBefore, loadAfter));
        out.result(result(rows, w1, best, bestDense));
        return out.build();
    }

    private static String result(List<Row> rows, Row w1, Row best, Row bestDense) {
        StringBuilder b = new StringBuilder();
        b.append(f("W1 reaches %.4f ± %.4f with %,d parameters and %,d forward FLOPs per sample.", w1.testAccuracy(), w1.accuracyStd(),
                w1.parameters(), w1.flops()));
        if (best != null) {
            b.append(f(" The best fast-transform network with at most a tenth of its parameters is %s (%s): %.4f ± %.4f, %.1f points %s W1, "
                            + "with %,d parameters (%.1f%%), %,d FLOPs (%.0f%%) and %.2f s per epoch against W1's %.2f.",
                    best.network().name(), best.network().spec(), best.testAccuracy(), best.accuracyStd(),
                    100 * Math.abs(w1.testAccuracy() - best.testAccuracy()), w1.testAccuracy() >= best.testAccuracy() ? "below" : "above",
                    best.parameters(), 100.0 * best.parameters() / w1.parameters(), best.flops(), 100.0 * best.flops() / w1.flops(),
                    best.secondsPerEpoch(), w1.secondsPerEpoch()));
        }
        if (bestDense != null) {
            b.append(f(" The best dense network within the same budget, %s, reaches %.4f ± %.4f with %,d parameters.", bestDense.network().name(),
                    bestDense.testAccuracy(), bestDense.accuracyStd(), bestDense.parameters()));
        }
        Row top = rows.stream().filter(FastTransformsStudy::isTransform).max(Comparator.comparingDouble(Row::testAccuracy)).orElse(null);
        if (top != null && top != best) {
            b.append(f(" Without the budget, the most accurate transform network is %s: %.4f ± %.4f with %,d parameters (%.0f%% of W1's).",
                    top.network().name(), top.testAccuracy(), top.accuracyStd(), top.parameters(), 100.0 * top.parameters() / w1.parameters()));
        }
        b.append("\n\nWhat limits the transform networks: their only learned weights are per-unit diagonals, so at a width of 1024 most of "
                + "the parameters sit in the dense(10) read-out, and depth adds little after two switch layers; width helps (each doubling "
                + "doubles the read-out too). The transforms run as passes of a few additions per element, not as GEMMs at the core's full "
                + "arithmetic rate, so their training time falls less than their FLOPs.");
        return b.toString();
    }

    /** Accuracy against a quantity, one scatter series per family with error bars, the frontier dashed. */
    private static XYChart plane(List<Row> rows, String title, String xTitle, java.util.function.ToDoubleFunction<Row> x, boolean budget) {
        XYChart c = Charts.xy(title, xTitle, "test accuracy (fraction)");
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        for (String family : List.of("dense", "linear", "wht", "fastfood", "circulant")) {
            List<Row> fam = rows.stream().filter(r -> r.network().family().equals(family)).toList();
            if (fam.isEmpty()) continue;
            double[] xs = fam.stream().mapToDouble(x).toArray();
            double[] ys = fam.stream().mapToDouble(Row::testAccuracy).toArray();
            double[] es = fam.stream().mapToDouble(Row::accuracyStd).toArray();
            XYSeries s = c.addSeries(FAMILY_LABELS.get(family), xs, ys, es);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(FAMILY_COLOURS.get(family));
            s.setLineColor(FAMILY_COLOURS.get(family));
        }
        // frontier: sorted by x, the rows that beat every row to their left, as steps
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble(x));
        List<Double> fx = new ArrayList<>(), fy = new ArrayList<>();
        double bestSoFar = -1;
        for (Row r : sorted) {
            if (r.testAccuracy() <= bestSoFar) continue;
            if (bestSoFar >= 0) {
                fx.add(x.applyAsDouble(r));
                fy.add(bestSoFar);
            }
            fx.add(x.applyAsDouble(r));
            fy.add(r.testAccuracy());
            bestSoFar = r.testAccuracy();
        }
        if (fx.size() > 1) {
            Charts.dashed(c, "frontier", new Color(0x777777), fx.stream().mapToDouble(Double::doubleValue).toArray(),
                    fy.stream().mapToDouble(Double::doubleValue).toArray());
        }
        // name the points the text talks about: W1, the best transform network within the budget, the most accurate one
        double lo0 = rows.stream().mapToDouble(r -> r.testAccuracy() - r.accuracyStd()).min().orElse(0);
        double hi0 = rows.stream().mapToDouble(r -> r.testAccuracy() + r.accuracyStd()).max().orElse(1);
        Row best = FastTransformsStudy.bestWithinBudget(rows);
        Row top = rows.stream().filter(FastTransformsStudy::isTransform).max(Comparator.comparingDouble(Row::testAccuracy)).orElse(null);
        for (Row r : new Row[] {rows.get(0), best, top}) {
            if (r == null) continue;
            c.addAnnotation(new AnnotationText(r.network().name(), x.applyAsDouble(r), r.testAccuracy() + 0.04 * (hi0 - lo0), false));
        }
        if (budget) {
            double tenth = rows.get(0).parameters() / 10.0;
            double lo = rows.stream().mapToDouble(r -> r.testAccuracy() - r.accuracyStd()).min().orElse(0);
            double hi = rows.stream().mapToDouble(r -> r.testAccuracy() + r.accuracyStd()).max().orElse(1);
            Charts.dashed(c, "a tenth of W1's parameters", new Color(0xCC79A7), new double[] {tenth, tenth}, new double[] {lo, hi});
        }
        return c;
    }
}
