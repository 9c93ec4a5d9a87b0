package org.relunet.lab.experiments;

import static org.relunet.lab.measure.Stats.f;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.relunet.data.Dataset;
import org.relunet.init.Rng;
import org.relunet.lab.Charts;
import org.relunet.lab.Experiment;
import org.relunet.lab.ExperimentContext;
import org.relunet.lab.ExperimentResult;
import org.relunet.lab.Figure;
import org.relunet.lab.Table;
import org.relunet.lab.Verdict;
import org.relunet.lab.Verdict.Finding;
import org.relunet.lab.measure.TrainLoop;
import org.relunet.lab.measure.UnitActivity;
import org.relunet.nn.Model;
import org.relunet.optim.Sgd;
import org.relunet.train.Evaluation;

/**
 * e5: dead units and sparsity. (1) The W1 MLP is trained with ReLU, Leaky ReLU, PReLU and ELU at
 * increasing learning rates; every quarter epoch, the fraction of hidden units that never fire
 * (pre-activation never positive) on held-out images is recorded, and whether dead units come back.
 * (2) Random deep narrow ReLU nets are drawn and checked for being born dead (Lu et al. 2019): for
 * one input, a layer of width N is all off with probability 2^-N (zero biases, symmetric weights), so
 * the net survives L layers with probability (1 - 2^-N)^L exactly; a net dead for every input is a
 * constant function. (3) The fraction of exact zeros in a trained ReLU net's hidden activations
 * (Glorot et al. 2011 report 68-83%).
 */
public final class E5DeadUnits implements Experiment {

    static final String W1 = "flatten dense(256) ACT dense(256) ACT dense(10)";
    static final List<String> UNITS = List.of("relu", "leaky_relu", "prelu", "elu");
    static final double MOMENTUM = 0.9;
    /** ReLU "loses units" at a learning rate when at least this fraction never fires. */
    static final double MANY_DEAD = 0.10;

    /**
     * @param lrs        learning rates (SGD, momentum 0.9)
     * @param perClass   training images per class (0: all)
     * @param epochs     epochs per run
     * @param probe      held-out test images for the dead-unit census
     * @param widths     widths of the random narrow nets
     * @param maxDepth   deepest random net
     * @param trials     random nets per width
     * @param inputs     random inputs per net
     */
    record Config(double[] lrs, int perClass, double epochs, int probe, int[] widths, int maxDepth, int trials, int inputs) {}

    static Config config(ExperimentContext ctx) {
        return ctx.pick(new Config(new double[] {0.05, 0.5}, 50, 1, 200, new int[] {2, 3}, 10, 200, 16),
                new Config(new double[] {0.01, 0.03, 0.1, 0.2}, 0, 2, 1000, new int[] {2, 3, 4, 5}, 40, 2000, 64),
                new Config(new double[] {0.01, 0.03, 0.1, 0.2, 0.3}, 0, 3, 2000, new int[] {2, 3, 4, 5, 6}, 60, 10000, 128));
    }

    @Override public String id() { return "e5"; }

    @Override public String title() { return "Dead units and sparsity"; }

    @Override public String claim() {
        return "The zero gradient on the left gives dead neurons: their weights are pushed so that they always output 0, and they never recover. "
                + "ELU, Leaky ReLU and PReLU mitigate this.";
    }

    @Override public String source() { return "seed, answer 1; Maas et al. 2013; Lu et al. 2019; Glorot et al. 2011"; }

    /** One training run of part 1: snapshots every quarter epoch. */
    record Run(String activation, double lr, TrainLoop.Status status, List<Double> epochs, List<UnitActivity.Snapshot> snapshots, double accuracy) {
        UnitActivity.Snapshot last() { return snapshots.get(snapshots.size() - 1); }
        boolean diverged() { return status == TrainLoop.Status.DIVERGED; }
        double finalDead() { return diverged() ? Double.NaN : last().deadFraction(); }
        double peakDead() { return snapshots.stream().mapToDouble(UnitActivity.Snapshot::deadFraction).max().orElse(Double.NaN); }
        /** Of the units dead at the first census after training started, the fraction firing at the end. */
        double recovered() { return snapshots.size() < 3 || diverged() ? Double.NaN : snapshots.get(1).recoveredIn(last()); }
    }

    @Override public ExperimentResult run(ExperimentContext ctx) {
        ExperimentResult.Builder out = ExperimentResult.builder(this);
        Config cfg = config(ctx);
        Dataset train = Activations.subset(ctx.train(), cfg.perClass(), 31);
        Dataset probe = ctx.test().stratifiedSubset(Math.max(1, cfg.probe() / 10), 32);

        // Part 1: dead units over training, across learning rates.
        Map<String, Map<Double, Run>> runs = new LinkedHashMap<>();
        for (String act : UNITS) {
            Map<Double, Run> byLr = new LinkedHashMap<>();
            for (double lr : cfg.lrs()) {
                Model m = Activations.model(W1, act, ctx.seed(0));
                List<Double> epochs = new ArrayList<>();
                List<UnitActivity.Snapshot> snaps = new ArrayList<>();
                TrainLoop.Result r = TrainLoop.run(m, new Sgd(lr, MOMENTUM), train, TrainLoop.Config.epochs(64, cfg.epochs(), 0.25, ctx.seed(0) + 1),
                        (e, model) -> {
                            epochs.add(e);
                            snaps.add(UnitActivity.measure(model, probe.inputs(), 500));
                        });
                double acc = r.status() == TrainLoop.Status.DIVERGED ? Double.NaN : Evaluation.of(m, probe, 500).accuracy();
                Run run = new Run(act, lr, r.status(), epochs, snaps, acc);
                byLr.put(lr, run);
                ctx.progress("%-10s lr=%-5s %s: never-firing units %.1f%% at the end (peak %.1f%%), test accuracy %.3f", act, lr,
                        r.status() == TrainLoop.Status.DIVERGED ? "diverged" : "trained", 100 * run.finalDead(), 100 * run.peakDead(), acc);
            }
            runs.put(act, byLr);
        }

        XYChart reluChart = Charts.xy("ReLU units that never fire on held-out images", "epochs", "never-firing hidden units (fraction)");
        int ci = 0;
        for (Run run : runs.get("relu").values()) {
            double[] x = run.epochs().stream().mapToDouble(Double::doubleValue).toArray();
            double[] y = run.snapshots().stream().mapToDouble(UnitActivity.Snapshot::deadFraction).toArray();
            XYSeries s = Charts.markedLine(reluChart, "lr " + run.lr(), null, x, y);
            Color col = Charts.tint(Charts.color("relu", 0), 0.75 - 0.75 * ci / Math.max(1, cfg.lrs().length - 1));
            s.setLineColor(col);
            s.setMarkerColor(col);
            ci++;
        }
        reluChart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        reluChart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        out.figure(new Figure("e5-dead-relu", reluChart, f("Fraction of the 512 hidden units of the W1 MLP with ReLU whose pre-activation is never positive on "
                + "%d held-out test images, every quarter epoch, for each learning rate (SGD, momentum %.1f; darker: larger rate). Such a unit outputs 0 "
                + "and receives no gradient from any of these images.", probe.size(), MOMENTUM)));

        XYChart lrChart = Charts.xy("Never-firing units at the end of training", "learning rate (log scale)", "never-firing hidden units (fraction)");
        for (String act : UNITS) {
            double[] x = cfg.lrs().clone();
            double[] y = Arrays.stream(cfg.lrs()).map(lr -> runs.get(act).get(lr).finalDead()).toArray();
            Charts.markedLine(lrChart, Activations.label(act), act, x, y);
        }
        lrChart.getStyler().setXAxisLogarithmic(true);
        lrChart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        lrChart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        out.figure(new Figure("e5-dead-vs-lr", lrChart, f("Never-firing hidden units (pre-activation never positive on %d held-out images) after %.0f epochs, "
                + "against the learning rate. A missing point is a run that diverged (NaN loss). For Leaky ReLU, PReLU and ELU such a unit still passes "
                + "a gradient (slope 0.01, a or e^x), so it is off rather than dead.", probe.size(), cfg.epochs())));

        // Part 2: born dead. Monte Carlo over random nets of width N, depth up to L, He-normal weights, zero biases.
        Map<Integer, double[][]> mc = new LinkedHashMap<>();   // width -> {single-input dead by depth, all-inputs dead by depth}
        for (int width : cfg.widths()) mc.put(width, bornDead(width, cfg.maxDepth(), cfg.trials(), cfg.inputs(), ctx.seed(0) + width));
        ctx.progress("born-dead Monte Carlo: %d nets per width, widths %s, depths 1..%d, %d inputs each", cfg.trials(), Arrays.toString(cfg.widths()),
                cfg.maxDepth(), cfg.inputs());
        XYChart bornChart = Charts.xy("Random narrow ReLU nets born dead", "depth L (hidden layers)", "probability the net is dead");
        double[] depths = new double[cfg.maxDepth()];
        for (int l = 0; l < depths.length; l++) depths[l] = l + 1;
        int wi = 0;
        double maxSingleGapSe = 0, maxNetGap = 0;
        for (int width : cfg.widths()) {
            double[] single = mc.get(width)[0], all = mc.get(width)[1], estimate = new double[depths.length];
            for (int l = 0; l < depths.length; l++) {
                estimate[l] = 1 - Math.pow(1 - Math.pow(2, -width), l + 1);
                double se = Math.sqrt(Math.max(estimate[l] * (1 - estimate[l]), 1e-12) / cfg.trials());
                maxSingleGapSe = Math.max(maxSingleGapSe, Math.abs(single[l] - estimate[l]) / se);
                maxNetGap = Math.max(maxNetGap, Math.abs(all[l] - estimate[l]));
            }
            Color col = Charts.color(null, wi);
            XYSeries s = Charts.markedLine(bornChart, f("N = %d, Monte Carlo", width), null, depths, all);
            s.setLineColor(col);
            s.setMarkerColor(col);
            s.setMarker(SeriesMarkers.CIRCLE);
            Charts.dashed(bornChart, f("N = %d, estimate", width), col, depths, estimate);
            wi++;
        }
        bornChart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        bornChart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        bornChart.getStyler().setXAxisTickMarkSpacingHint(60);
        out.figure(new Figure("e5-born-dead", bornChart, f("Probability that a randomly initialised ReLU net of width N and depth L (He-normal weights, zero biases, "
                + "N-dimensional Gaussian inputs) outputs zero at its last hidden layer for all %d probe inputs, i.e. is a constant function "
                + "(%,d nets per width; markers), against the simple estimate 1 - (1 - 2^-N)^L (dashed), which is exact for a single input (see the table).",
                cfg.inputs(), cfg.trials())));

        // Part 3: exact zeros in the hidden activations of the ReLU net trained at the smallest rate.
        Run sparse = runs.get("relu").get(cfg.lrs()[0]);
        UnitActivity.Snapshot init = sparse.snapshots().get(0), trained = sparse.last();
        CategoryChart zeros = Charts.bars("Exact zeros in ReLU hidden activations", "hidden layer", "activations exactly 0 (fraction)");
        List<String> layerNames = new ArrayList<>();
        List<Double> zInit = new ArrayList<>(), zTrained = new ArrayList<>();
        for (int l = 0; l < init.exactZeros().length; l++) {
            layerNames.add("layer " + (l + 1));
            zInit.add(init.exactZeros()[l]);
            zTrained.add(trained.exactZeros()[l]);
        }
        Charts.barSeries(zeros, "at initialisation", null, layerNames, zInit, null).setFillColor(Charts.tint(Charts.color("relu", 0), 0.6));
        Charts.barSeries(zeros, f("after %.0f epochs (lr %s)", cfg.epochs(), sparse.lr()), "relu", layerNames, zTrained, null);
        zeros.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        out.figure(new Figure("e5-sparsity", zeros, f("Fraction of the ReLU activations of each hidden layer (256 units) that are exactly 0.0 on %d held-out images, "
                + "at initialisation and after training. Glorot et al. (2011) report 68-83%% true zeros in trained rectifier networks.", probe.size())));

        // Tables and data.
        Table.Builder t = Table.builder("e5-dead", "Never-firing units by activation and learning rate",
                "activation", "lr", "status", "test accuracy", "never firing, end", "never firing, peak", "dead at 1/4 epoch that came back");
        List<Object> runData = new ArrayList<>();
        for (Map<Double, Run> byLr : runs.values()) {
            for (Run run : byLr.values()) {
                t.row(Activations.label(run.activation()), run.lr(), run.diverged() ? "diverged" : "trained", Double.isNaN(run.accuracy()) ? "n/a" : f("%.3f", run.accuracy()),
                        Double.isNaN(run.finalDead()) ? "n/a" : f("%.1f%%", 100 * run.finalDead()), f("%.1f%%", 100 * run.peakDead()),
                        Double.isNaN(run.recovered()) ? "n/a" : f("%.1f%%", 100 * run.recovered()));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("activation", run.activation());
                m.put("lr", run.lr());
                m.put("status", run.status().name());
                m.put("test_accuracy", run.accuracy());
                m.put("epochs", run.epochs().stream().mapToDouble(Double::doubleValue).toArray());
                m.put("dead_fraction", run.snapshots().stream().mapToDouble(UnitActivity.Snapshot::deadFraction).toArray());
                m.put("dead_fraction_layer1", run.snapshots().stream().mapToDouble(s -> s.deadFraction(0)).toArray());
                m.put("dead_fraction_layer2", run.snapshots().stream().mapToDouble(s -> s.deadFraction(1)).toArray());
                m.put("recovered_fraction", run.recovered());
                m.put("exact_zero_fraction", run.snapshots().stream().mapToDouble(UnitActivity.Snapshot::exactZeroFraction).toArray());
                runData.add(m);
            }
        }
        out.table(t.build("'Never firing': pre-activation not positive on any of the held-out images. 'Came back': of the units never firing at the "
                + "first census after training began (a quarter epoch), the share that fire at the end."));
        Table.Builder bt = Table.builder("e5-born-dead", "Born dead: Monte Carlo against the estimate",
                "width N", "depth L", "estimate 1 - (1 - 2^-N)^L", "Monte Carlo, one input", "Monte Carlo, all inputs (constant net)");
        List<Object> bornData = new ArrayList<>();
        for (int width : cfg.widths()) {
            double[][] r = mc.get(width);
            for (int l : new int[] {1, 5, 10, 20, 40, 60}) {
                if (l > cfg.maxDepth()) continue;
                bt.row(width, l, f("%.3f", 1 - Math.pow(1 - Math.pow(2, -width), l)), f("%.3f", r[0][l - 1]), f("%.3f", r[1][l - 1]));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("width", width);
            m.put("dead_one_input", r[0]);
            m.put("dead_all_inputs", r[1]);
            bornData.add(m);
        }
        out.table(bt.build(f("%,d random nets per width; standard error of a probability p: sqrt(p(1 - p)/%d) <= %.3f.", cfg.trials(), cfg.trials(),
                0.5 / Math.sqrt(cfg.trials()))));
        out.data("train_samples", train.size());
        out.data("probe_samples", probe.size());
        out.data("epochs", cfg.epochs());
        out.data("momentum", MOMENTUM);
        out.data("runs", runData);
        out.data("born_dead_trials", cfg.trials());
        out.data("born_dead_inputs", cfg.inputs());
        out.data("born_dead", bornData);
        out.data("exact_zeros_relu_init", init.exactZeros());
        out.data("exact_zeros_relu_trained", trained.exactZeros());

        // Verdict.
        Map<Double, Run> relu = runs.get("relu");
        double lowDead = relu.get(cfg.lrs()[0]).finalDead();
        double highDead = Arrays.stream(cfg.lrs()).map(lr -> relu.get(lr).finalDead()).filter(Double::isFinite).max().orElse(Double.NaN);
        double worstLr = Arrays.stream(cfg.lrs()).filter(lr -> relu.get(lr).finalDead() == highDead).findFirst().orElse(cfg.lrs()[0]);
        double recovered = relu.get(worstLr).recovered();
        List<Double> lossyLrs = Arrays.stream(cfg.lrs()).filter(lr -> relu.get(lr).finalDead() >= MANY_DEAD).boxed().toList();
        List<Finding> findings = new ArrayList<>();
        findings.add(Finding.check(f("ReLU units die at large learning rates (>= %.0f%% never fire, against few at the smallest rate)", 100 * MANY_DEAD),
                f("never firing: %.1f%% at lr %s, %.1f%% at lr %s", 100 * lowDead, cfg.lrs()[0], 100 * highDead, worstLr),
                highDead >= MANY_DEAD && highDead > lowDead + 0.05));
        findings.add(Finding.check("dead ReLU units never recover (<= 10% come back)",
                Double.isNaN(recovered) ? "no unit was dead at the first census" : f("%.1f%% of the units dead after a quarter epoch fire again at the end (lr %s)",
                        100 * recovered, worstLr), !Double.isNaN(recovered) && recovered <= 0.10));
        for (String alt : List.of("leaky_relu", "prelu", "elu")) {
            int better = 0;
            StringBuilder measured = new StringBuilder();
            for (double lr : lossyLrs) {
                Run a = runs.get(alt).get(lr);
                boolean ok = !a.diverged() && a.finalDead() <= 0.5 * relu.get(lr).finalDead();
                if (ok) better++;
                measured.append(f("lr %s: %s vs ReLU %.1f%%; ", lr, a.diverged() ? "diverged" : f("%.1f%%", 100 * a.finalDead()), 100 * relu.get(lr).finalDead()));
            }
            Verdict.Outcome o = lossyLrs.isEmpty() ? Verdict.Outcome.NOT_HELD : better == lossyLrs.size() ? Verdict.Outcome.HELD
                    : better == 0 ? Verdict.Outcome.NOT_HELD : Verdict.Outcome.MIXED;
            findings.add(new Finding(f("%s mitigates it: at the rates where ReLU loses >= %.0f%% of its units, at most half as many never fire, without diverging",
                    Activations.label(alt), 100 * MANY_DEAD), lossyLrs.isEmpty() ? "ReLU lost no units at any rate" : measured.toString().replaceAll("; $", ""), o));
        }
        int deepW = cfg.widths()[cfg.widths().length - 1];   // the widest: its probabilities are the least saturated
        double[][] narrow = mc.get(deepW);
        findings.add(Finding.check("a random narrow ReLU net is born dead with probability 1 - (1 - 2^-N)^L for one input (Monte Carlo within 4 standard errors)",
                f("largest deviation %.1f standard errors; width %d, depth %d: estimate %.3f, one input %.3f, all inputs %.3f", maxSingleGapSe, deepW,
                        cfg.maxDepth(), 1 - Math.pow(1 - Math.pow(2, -deepW), cfg.maxDepth()), narrow[0][cfg.maxDepth() - 1], narrow[1][cfg.maxDepth() - 1]),
                maxSingleGapSe <= 4));
        findings.add(Finding.check("a trained ReLU net is sparse: most hidden activations are exact zeros (published: 68-83%)",
                f("%.1f%% exact zeros after training (%.1f%% at initialisation)", 100 * trained.exactZeroFraction(), 100 * init.exactZeroFraction()),
                trained.exactZeroFraction() > 0.5));
        out.verdict(Verdict.of(f("ReLU units never firing: %.0f%% at lr %s, %.0f%% at lr %s (%s); born dead at N=%d, L=%d: %.2f (estimate %.2f); exact zeros %.0f%%",
                100 * lowDead, cfg.lrs()[0], 100 * highDead, worstLr, altSummary(runs, worstLr), deepW, cfg.maxDepth(), mc.get(deepW)[1][cfg.maxDepth() - 1],
                1 - Math.pow(1 - Math.pow(2, -deepW), cfg.maxDepth()), 100 * trained.exactZeroFraction()), findings));

        out.method(f("Part 1: the W1 MLP (784-256-256-10) with ReLU, Leaky ReLU (0.01), PReLU (initial slope 0.25) or ELU (alpha 1) after both hidden layers, "
                        + "He-normal weights, trained for %.0f epochs on %,d Fashion-MNIST images with SGD (momentum %.1f, batch 64) at learning rates %s, seed %d. "
                        + "Every quarter epoch, %d held-out test images are passed through and each of the 512 hidden units is marked firing when its "
                        + "pre-activation is positive for at least one of them.\n\n"
                        + "Part 2: %,d random ReLU nets per width N in %s, of depth up to %d: N-dimensional standard Gaussian inputs (%d per net), He-normal "
                        + "N x N weights, zero biases. A net is dead at depth L for an input when its L-th layer outputs the zero vector (every later layer "
                        + "then does too), and born dead when this holds for all its inputs.\n\n"
                        + "Part 3: the fraction of exactly-zero outputs of the ReLU layers of the part-1 network trained at learning rate %s.",
                cfg.epochs(), train.size(), MOMENTUM, Arrays.toString(cfg.lrs()), ctx.seed(0), probe.size(), cfg.trials(), Arrays.toString(cfg.widths()),
                cfg.maxDepth(), cfg.inputs(), cfg.lrs()[0]));
        out.result(f("Dead units: at learning rate %s, %.1f%% of the ReLU units never fire on held-out images at the end of training; at %s, %.1f%% (test accuracy "
                        + "%.3f against %.3f). Of the units dead after a quarter epoch at that rate, %s fire again by the end. At the same rate Leaky ReLU ends with "
                        + "%s, PReLU with %s and ELU with %s never-firing units. An ELU unit pushed far into its negative side is nearly as stuck as a dead ReLU: "
                        + "its output saturates at -1 and its slope e^x vanishes.\n\n"
                        + "Born dead: for a single input the Monte Carlo matches the estimate 1 - (1 - 2^-N)^L to within %.1f standard errors, as it must "
                        + "(each of the N units is off with probability 1/2, independently, given a non-zero input). Being dead for every input is rarer at "
                        + "small depths and catches up with depth: at N = %d and L = %d, %.3f of the nets are constant functions against %.3f for one input.\n\n"
                        + "Sparsity: %.1f%% of the trained ReLU activations are exactly zero (%.1f%% at initialisation, where half the pre-activations are negative).",
                cfg.lrs()[0], 100 * lowDead, worstLr, 100 * highDead, relu.get(cfg.lrs()[0]).accuracy(), relu.get(worstLr).accuracy(),
                Double.isNaN(recovered) ? "none (no unit was dead)" : f("%.1f%%", 100 * recovered),
                deadText(runs.get("leaky_relu").get(worstLr)), deadText(runs.get("prelu").get(worstLr)), deadText(runs.get("elu").get(worstLr)),
                maxSingleGapSe, deepW, cfg.maxDepth(), narrow[1][cfg.maxDepth() - 1], narrow[0][cfg.maxDepth() - 1],
                100 * trained.exactZeroFraction(), 100 * init.exactZeroFraction()));
        return out.build();
    }

    private static String deadText(Run r) { return r.diverged() ? "no result (diverged)" : f("%.1f%%", 100 * r.finalDead()); }

    /** e.g. "Leaky ReLU diverged, PReLU 4%, ELU 100%". */
    private static String altSummary(Map<String, Map<Double, Run>> runs, double lr) {
        List<String> parts = new ArrayList<>();
        for (String alt : List.of("leaky_relu", "prelu", "elu")) {
            Run r = runs.get(alt).get(lr);
            parts.add(Activations.label(alt) + (r.diverged() ? " diverged" : f(" %.0f%%", 100 * r.finalDead())));
        }
        return String.join(", ", parts);
    }

    /**
     * Monte Carlo of born-dead ReLU nets: for each of {@code trials} nets (width N, depth maxDepth, He-normal N x N weights, zero
     * biases) and {@code inputs} Gaussian inputs, the depth at which the first input, and at which all inputs, reach the zero vector.
     *
     * @return {fraction dead for one input by depth, fraction dead for all inputs by depth}, index L - 1
     */
    static double[][] bornDead(int width, int maxDepth, int trials, int inputs, long seed) {
        Rng rng = new Rng(seed);
        double std = Math.sqrt(2.0 / width);
        long[] deadOne = new long[maxDepth], deadAll = new long[maxDepth];
        double[][] h = new double[inputs][width], z = new double[inputs][width];
        double[] w = new double[width * width];
        for (int t = 0; t < trials; t++) {
            for (double[] row : h) for (int j = 0; j < width; j++) row[j] = rng.nextGaussian();
            int firstOne = maxDepth, firstAll = maxDepth;
            for (int l = 0; l < maxDepth && firstAll == maxDepth; l++) {
                for (int k = 0; k < w.length; k++) w[k] = std * rng.nextGaussian();
                boolean allZero = true;
                for (int m = 0; m < inputs; m++) {
                    boolean zero = true;
                    for (int j = 0; j < width; j++) {
                        double s = 0;
                        for (int k = 0; k < width; k++) s += w[j * width + k] * h[m][k];
                        z[m][j] = Math.max(0, s);
                        if (z[m][j] > 0) zero = false;
                    }
                    if (!zero) allZero = false;
                    else if (m == 0 && firstOne == maxDepth) firstOne = l;
                }
                double[][] swap = h;
                h = z;
                z = swap;
                if (allZero) firstAll = l;
            }
            if (firstAll < maxDepth && firstOne == maxDepth) firstOne = firstAll;
            for (int l = firstOne; l < maxDepth; l++) deadOne[l]++;
            for (int l = firstAll; l < maxDepth; l++) deadAll[l]++;
        }
        double[] one = new double[maxDepth], all = new double[maxDepth];
        for (int l = 0; l < maxDepth; l++) {
            one[l] = (double) deadOne[l] / trials;
            all[l] = (double) deadAll[l] / trials;
        }
        return new double[][] {one, all};
    }
}
