package org.relunet.lab.experiments;

import static org.relunet.lab.measure.Stats.f;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.relunet.data.Dataset;
import org.relunet.lab.Charts;
import org.relunet.lab.Experiment;
import org.relunet.lab.ExperimentContext;
import org.relunet.lab.ExperimentResult;
import org.relunet.lab.Figure;
import org.relunet.lab.Table;
import org.relunet.lab.Verdict;
import org.relunet.lab.Verdict.Finding;
import org.relunet.lab.measure.LayerProbe;
import org.relunet.lab.measure.Stats;
import org.relunet.lab.measure.TrainLoop;
import org.relunet.nn.Activation;
import org.relunet.nn.Layer;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.nn.Softmax;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Tensor;
import org.relunet.train.Evaluation;

/**
 * e6: where softmax belongs. The asker's network feeds ReLU(softmax(x)) from one layer to the
 * next; the answers say ReLU goes after every hidden linear map and softmax only at the read-out.
 * Both are trained the same way (each with its best learning rate from a grid), and the reasons
 * are measured: ReLU after softmax is the identity (softmax outputs are positive), and a softmax
 * layer divides a budget of 1 among its units, so hidden signals and gradients are tiny.
 */
public final class E6SoftmaxPlacement implements Experiment {

    static final String ASKER = "flatten dense(256) softmax relu dense(256) softmax relu dense(10)";
    static final String ANSWER = "flatten dense(256) relu dense(256) relu dense(10)";
    static final double MOMENTUM = 0.9;
    /** The answer's network "learns better" when its final test accuracy is higher by at least this. */
    static final double MARGIN = 0.02;

    /**
     * @param perClass training images per class (0: all)
     * @param epochs   epochs per run
     * @param sgdLrs   learning-rate grid for SGD with momentum
     * @param adamLrs  learning-rate grid for Adam
     * @param probe    test images
     * @param seeds    seeds per network and optimiser
     */
    record Config(int perClass, double epochs, double[] sgdLrs, double[] adamLrs, int probe, int seeds) {}

    static Config config(ExperimentContext ctx) {
        return ctx.pick(new Config(50, 1, new double[] {0.1}, new double[] {0.003}, 200, 1),
                new Config(0, 2, new double[] {0.01, 0.1, 1.0}, new double[] {0.001, 0.003, 0.01}, 2000, ctx.seeds()),
                new Config(0, 5, new double[] {0.003, 0.01, 0.03, 0.1, 0.3, 1.0}, new double[] {0.0003, 0.001, 0.003, 0.01}, 10000, ctx.seeds()));
    }

    /** An optimiser of the comparison: SGD with momentum, whose step scales with the gradient, and Adam, whose step does not. */
    record Opt(String key, String label) {
        org.relunet.optim.Optimizer create(double lr) { return key.equals("sgd") ? new Sgd(lr, MOMENTUM) : org.relunet.optim.Adam.adam(lr); }
        double[] lrs(Config c) { return key.equals("sgd") ? c.sgdLrs() : c.adamLrs(); }
    }

    static final List<Opt> OPTS = List.of(new Opt("sgd", "SGD (momentum 0.9)"), new Opt("adam", "Adam"));

    /** A network of the comparison. */
    record Net(String key, String label, String spec) {}

    static final List<Net> NETS = List.of(
            new Net("asker", "asker: ReLU(softmax) hidden layers", ASKER),
            new Net("answer", "answer: ReLU hidden, softmax read-out", ANSWER));

    @Override public String id() { return "e6"; }

    @Override public String title() { return "Where softmax belongs"; }

    @Override public String claim() {
        return "ReLU is the hidden-layer activation and softmax sits at the end (input -> ... -> FC -> softmax); the asker's ReLU(softmax(x)) "
                + "between layers is not how they are used.";
    }

    @Override public String source() { return "seed, question and answers 1 and 3"; }

    /** A run: test accuracy at each census, final accuracy, and the model. */
    record Run(double lr, long seed, TrainLoop.Result result, double[] epochs, double[] testAccuracy, Model model) {
        double finalAccuracy() { return testAccuracy.length == 0 ? Double.NaN : testAccuracy[testAccuracy.length - 1]; }
    }

    @Override public ExperimentResult run(ExperimentContext ctx) {
        ExperimentResult.Builder out = ExperimentResult.builder(this);
        Config cfg = config(ctx);
        Dataset train = Activations.subset(ctx.train(), cfg.perClass(), 41);
        Dataset test = ctx.test().size() <= cfg.probe() ? ctx.test() : ctx.test().stratifiedSubset(cfg.probe() / 10, 42);

        // keys "asker/sgd", "answer/adam", ...
        Map<String, List<Run>> grid = new LinkedHashMap<>(), seeds = new LinkedHashMap<>();
        Map<String, Run> best = new LinkedHashMap<>();
        for (Net net : NETS) {
            for (Opt opt : OPTS) {
                String key = net.key() + "/" + opt.key();
                List<Run> g = new ArrayList<>();
                Run b = null;
                for (double lr : opt.lrs(cfg)) {
                    Run r = train(ctx, net, opt, train, test, cfg, lr, ctx.seed(0));
                    g.add(r);
                    // the best rate has the lowest final running training error (the test set plays no part in the choice)
                    if (b == null || better(r, b)) b = r;
                }
                grid.put(key, g);
                best.put(key, b);
                List<Run> s = new ArrayList<>(List.of(b));
                for (int i = 1; i < cfg.seeds(); i++) s.add(train(ctx, net, opt, train, test, cfg, b.lr(), ctx.seed(i)));
                seeds.put(key, s);
            }
        }
        // the trained models the "why" table inspects: the better optimiser of each network
        Run askerBest = bestOf(seeds, "asker"), answerBest = bestOf(seeds, "answer");

        // Why: measurements on the initial networks and on the trained ones, on the test images.
        Model askerInit = Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(ASKER), ctx.seed(0));
        Model answerInit = Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(ANSWER), ctx.seed(0));
        Tensor x = test.inputs();
        int[] y = test.labels();
        Identity idInit = reluAfterSoftmax(askerInit, x);
        Identity idTrained = reluAfterSoftmax(askerBest.model(), x);
        LayerProbe.Stats pAskerInit = LayerProbe.measure(askerInit, x, y), pAnswerInit = LayerProbe.measure(answerInit, x, y);
        LayerProbe.Stats pAsker = LayerProbe.measure(askerBest.model(), x, y), pAnswer = LayerProbe.measure(answerBest.model(), x, y);

        // Figures.
        XYChart curves = Charts.xy("Test accuracy while training", "epochs", "test accuracy (fraction)", Charts.HEIGHT + 90);
        XYChart lrChart = Charts.xy("Final test accuracy against the learning rate", "learning rate (log scale)", "test accuracy (fraction)");
        for (Net net : NETS) {
            for (Opt opt : OPTS) {
                String key = net.key() + "/" + opt.key();
                String name = f("%s, %s", net.key().equals("asker") ? "ReLU(softmax) hidden" : "ReLU hidden", opt.key().equals("sgd") ? "SGD" : "Adam");
                String colour = net.key().equals("asker") ? "sigmoid" : "relu";
                Run r = seeds.get(key).get(0);
                XYSeries c = opt.key().equals("sgd") ? Charts.markedLine(curves, f("%s (lr %s)", name, r.lr()), colour, r.epochs(), r.testAccuracy())
                        : Charts.dotted(curves, f("%s (lr %s)", name, r.lr()), colour, r.epochs(), r.testAccuracy());
                c.setLineWidth(2.2f);
                double[] lx = grid.get(key).stream().mapToDouble(Run::lr).toArray();
                double[] ly = grid.get(key).stream().mapToDouble(Run::finalAccuracy).toArray();
                if (opt.key().equals("sgd")) Charts.markedLine(lrChart, name, colour, lx, ly);
                else Charts.dotted(lrChart, name, colour, lx, ly);
            }
        }
        curves.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        curves.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        curves.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        out.figure(new Figure("e6-curves", curves, f("Test accuracy (%,d test images) every quarter epoch of the asker's network (%s) and the answers' (%s), "
                + "with SGD (solid; momentum %.1f) and Adam (dotted), each at the learning rate of its grid with the lowest final training error, first seed, "
                + "batch 64, %,d training images.", test.size(), ASKER, ANSWER, MOMENTUM, train.size())));
        lrChart.getStyler().setXAxisLogarithmic(true);
        lrChart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        lrChart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        out.figure(new Figure("e6-lr", lrChart, f("Test accuracy after %.0f epochs for every learning rate of the grids (first seed): SGD %s (solid), Adam %s "
                + "(dotted). With SGD no rate makes the softmax hidden layers learn; Adam, which rescales each step by the gradient's own size, partly rescues "
                + "them. Missing points diverged.", cfg.epochs(), Arrays.toString(cfg.sgdLrs()), Arrays.toString(cfg.adamLrs()))));

        // Tables.
        Table.Builder why = Table.builder("e6-why", "Why: the signal through the two networks",
                "quantity", "ReLU(softmax) hidden, init", "ReLU(softmax) hidden, trained", "ReLU hidden, init", "ReLU hidden, trained");
        why.row("std of hidden layer 1 output", f("%.2e", pAskerInit.activationStd()[0]), f("%.2e", pAsker.activationStd()[0]),
                f("%.2e", pAnswerInit.activationStd()[0]), f("%.2e", pAnswer.activationStd()[0]));
        why.row("std of hidden layer 2 output", f("%.2e", pAskerInit.activationStd()[1]), f("%.2e", pAsker.activationStd()[1]),
                f("%.2e", pAnswerInit.activationStd()[1]), f("%.2e", pAnswer.activationStd()[1]));
        why.row("std of the logits", f("%.2e", pAskerInit.activationStd()[2]), f("%.2e", pAsker.activationStd()[2]),
                f("%.2e", pAnswerInit.activationStd()[2]), f("%.2e", pAnswer.activationStd()[2]));
        why.row("weight-gradient norm, layer 1", f("%.2e", pAskerInit.weightGradNorm()[0]), f("%.2e", pAsker.weightGradNorm()[0]),
                f("%.2e", pAnswerInit.weightGradNorm()[0]), f("%.2e", pAnswer.weightGradNorm()[0]));
        why.row("delta norm, layer 1 / read-out", f("%.2e", E4Depth.ratio(pAskerInit.deltaNorm())), f("%.2e", E4Depth.ratio(pAsker.deltaNorm())),
                f("%.2e", E4Depth.ratio(pAnswerInit.deltaNorm())), f("%.2e", E4Depth.ratio(pAnswer.deltaNorm())));
        why.row("largest hidden output's share of its layer (mean)", f("%.3f", idInit.maxShare()), f("%.3f", idTrained.maxShare()), "n/a", "n/a");
        why.row("ReLU inputs <= 0 after softmax", f("%d of %,d", idInit.nonPositive(), idInit.total()), f("%d of %,d", idTrained.nonPositive(), idTrained.total()), "n/a", "n/a");
        out.table(why.build(f("On %,d test images; 'trained' is each network after training with its better optimiser. A softmax layer's 256 outputs are positive and sum to 1, so their spread is about 1/256 and the next layer "
                + "sees almost the same input for every image; the ReLU after it never sees a negative number.", test.size())));
        Table.Builder acc = Table.builder("e6-accuracy", "Final test accuracy", "network", "optimiser", "best lr", "test accuracy", "seeds");
        for (Net net : NETS) {
            for (Opt opt : OPTS) {
                String key = net.key() + "/" + opt.key();
                double[] a = seeds.get(key).stream().mapToDouble(Run::finalAccuracy).toArray();
                acc.row(net.label(), opt.label(), best.get(key).lr(), Stats.pm(a, 3), a.length);
            }
        }
        out.table(acc.build(f("After %.0f epochs; mean ± standard deviation over seeds.", cfg.epochs())));

        // Data.
        List<Object> netData = new ArrayList<>();
        for (Net net : NETS) {
            for (Opt opt : OPTS) {
                String key = net.key() + "/" + opt.key();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("network", net.key());
                m.put("optimizer", opt.key());
                m.put("spec", net.spec());
                m.put("best_lr", best.get(key).lr());
                List<Object> g = new ArrayList<>();
                for (Run r : grid.get(key)) {
                    Map<String, Object> gm = new LinkedHashMap<>();
                    gm.put("lr", r.lr());
                    gm.put("status", r.result().status().name());
                    gm.put("final_running_train_error", r.result().finalError());
                    gm.put("test_accuracy", r.finalAccuracy());
                    g.add(gm);
                }
                m.put("grid", g);
                List<Object> sd = new ArrayList<>();
                for (Run r : seeds.get(key)) {
                    Map<String, Object> sm = new LinkedHashMap<>();
                    sm.put("seed", r.seed());
                    sm.put("epochs", r.epochs());
                    sm.put("test_accuracy", r.testAccuracy());
                    sm.put("train_curve_epochs", r.result().curve().stream().mapToDouble(TrainLoop.Point::epochs).toArray());
                    sm.put("train_curve_running_error", r.result().curve().stream().mapToDouble(TrainLoop.Point::error).toArray());
                    sd.add(sm);
                }
                m.put("seeds", sd);
                netData.add(m);
            }
        }
        out.data("networks", netData);
        out.data("train_samples", train.size());
        out.data("test_samples", test.size());
        out.data("relu_after_softmax_identity_init", idInit.identical());
        out.data("relu_after_softmax_identity_trained", idTrained.identical());
        out.data("relu_inputs_nonpositive_trained", idTrained.nonPositive());
        out.data("relu_inputs_total", idTrained.total());
        out.data("hidden_max_share_init", idInit.maxShare());
        out.data("hidden_max_share_trained", idTrained.maxShare());
        out.data("probe_asker_init", probeMap(pAskerInit));
        out.data("probe_asker_trained", probeMap(pAsker));
        out.data("probe_answer_init", probeMap(pAnswerInit));
        out.data("probe_answer_trained", probeMap(pAnswer));

        // Verdict.
        double askerSgd = meanAccuracy(seeds, "asker/sgd"), answerSgd = meanAccuracy(seeds, "answer/sgd");
        double askerAdam = meanAccuracy(seeds, "asker/adam"), answerAdam = meanAccuracy(seeds, "answer/adam");
        double askerAcc = Math.max(askerSgd, askerAdam), answerAcc = Math.max(answerSgd, answerAdam);
        double gradRatio = pAskerInit.weightGradNorm()[0] / pAnswerInit.weightGradNorm()[0];
        List<Finding> findings = List.of(
                Finding.check("ReLU after softmax does nothing: ReLU(softmax(x)) = softmax(x)",
                        f("identical bit for bit on %,d test images, at initialisation and after training (%d of %,d ReLU inputs <= 0)", test.size(),
                                idTrained.nonPositive(), idTrained.total()), idInit.identical() && idTrained.identical()),
                Finding.check(f("with SGD, ReLU hidden layers and a softmax read-out learn better than ReLU(softmax) hidden layers (by >= %.0f points)", 100 * MARGIN),
                        f("test accuracy %.3f against %.3f", answerSgd, askerSgd), answerSgd - askerSgd >= MARGIN),
                Finding.check(f("with Adam too (by >= %.0f points)", 100 * MARGIN),
                        f("test accuracy %.3f against %.3f", answerAdam, askerAdam), answerAdam - askerAdam >= MARGIN),
                Finding.check("softmax hidden layers starve the network of gradient (first-layer weight gradient < 1/10 of the ReLU net's at initialisation)",
                        f("ratio %.1e", gradRatio), gradRatio < 0.1));
        out.verdict(Verdict.of(f("test accuracy, ReLU hidden + softmax read-out vs asker's ReLU(softmax) hidden: SGD %.3f vs %.3f, Adam %.3f vs %.3f; "
                + "ReLU after softmax is the identity", answerSgd, askerSgd, answerAdam, askerAdam), findings));

        out.method(f("The asker's network, %s, and the answers', %s, both 784-256-256-10 with He-normal weights, are trained on %,d Fashion-MNIST images for "
                        + "%.0f epochs (batch 64) with SGD (momentum %.1f) and with Adam, the training loss being softmax cross-entropy on the last layer's outputs in both. "
                        + "For each network and optimiser the learning rate is chosen from %s (SGD) or %s (Adam) by the lowest final running training error on "
                        + "the first seed; %d seed%s then "
                        + "train at that rate. Test accuracy on %,d test images is recorded every quarter epoch. Then, on the test images, the inputs of the "
                        + "asker's ReLU layers are compared with their outputs bit for bit, and the spread of each hidden layer, the first-layer weight "
                        + "gradient and the back-propagated gradient are measured at initialisation and after training.",
                ASKER, ANSWER, train.size(), cfg.epochs(), MOMENTUM, Arrays.toString(cfg.sgdLrs()), Arrays.toString(cfg.adamLrs()), cfg.seeds(), cfg.seeds() == 1 ? "" : "s", test.size()));
        out.result(f("With SGD the answers' network reaches %.3f test accuracy and the asker's %.3f; with Adam %.3f and %.3f. The ReLU layers in the asker's network are "
                        + "the identity: a softmax output is e^z / Σ e^z > 0, so of %,d ReLU inputs after training none was negative (%d were exactly 0, "
                        + "e^z underflowing in float32, which ReLU leaves at 0 too), and the outputs equal the inputs bit for bit. What the asker's network really is, then, is a stack of softmax layers, and a softmax hidden layer is a poor one: its 256 "
                        + "outputs share a total of 1, so at initialisation their spread is %.1e against %.2f for a ReLU layer, the logits barely depend on the "
                        + "input (spread %.1e against %.2f), and the first layer's weight gradient is %.1e of the ReLU network's: SGD, whose steps are proportional to "
                        + "the gradient, barely moves, while Adam divides each step by the gradient's running size and so can still train it. Training sharpens the softmax "
                        + "into a winner-take-all: after training, the largest of the 256 outputs holds %.2f of its layer's mass on average (%.3f at initialisation), "
                        + "so each hidden layer passes on little more than which unit won. Softmax is a read-out: it turns the last layer's scores into "
                        + "probabilities (answer 3's comments), which the training loss already does.",
                answerSgd, askerSgd, answerAdam, askerAdam, idTrained.total(), idTrained.nonPositive(),
                pAskerInit.activationStd()[0], pAnswerInit.activationStd()[0], pAskerInit.activationStd()[2], pAnswerInit.activationStd()[2], gradRatio,
                idTrained.maxShare(), idInit.maxShare()));
        return out.build();
    }

    private static Run train(ExperimentContext ctx, Net net, Opt opt, Dataset train, Dataset test, Config cfg, double lr, long seed) {
        Model model = Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(net.spec()), seed);
        List<Double> epochs = new ArrayList<>(), accuracy = new ArrayList<>();
        TrainLoop.Result r = TrainLoop.run(model, opt.create(lr), train, TrainLoop.Config.epochs(64, cfg.epochs(), 0.25, seed + 1), (e, m) -> {
            epochs.add(e);
            accuracy.add(Evaluation.of(m, test, 500).accuracy());
        });
        if (r.status() == TrainLoop.Status.DIVERGED) accuracy.set(accuracy.size() - 1, Double.NaN);
        Run run = new Run(lr, seed, r, Stats.toArray(epochs), Stats.toArray(accuracy), model);
        ctx.progress("%-6s %-4s lr=%-6s seed %d: %s, test accuracy %.3f, running training error %.3f", net.key(), opt.key(), lr, seed,
                r.status().name().toLowerCase(), run.finalAccuracy(), r.finalError());
        return run;
    }

    private static double meanAccuracy(Map<String, List<Run>> seeds, String key) {
        return Stats.mean(seeds.get(key).stream().mapToDouble(Run::finalAccuracy).toArray());
    }

    /** The first-seed run of a network's better optimiser (by final test accuracy). */
    private static Run bestOf(Map<String, List<Run>> seeds, String net) {
        Run sgd = seeds.get(net + "/sgd").get(0), adam = seeds.get(net + "/adam").get(0);
        return Double.isNaN(sgd.finalAccuracy()) || adam.finalAccuracy() > sgd.finalAccuracy() ? adam : sgd;
    }

    /** The lower final running training error wins; a diverged run never does. */
    private static boolean better(Run a, Run b) {
        double ea = a.result().status() == TrainLoop.Status.DIVERGED ? Double.NaN : a.result().finalError();
        double eb = b.result().status() == TrainLoop.Status.DIVERGED ? Double.NaN : b.result().finalError();
        return !Double.isNaN(ea) && (Double.isNaN(eb) || ea < eb);
    }

    /**
     * What the ReLU layers after a softmax do on inputs x.
     *
     * @param identical   every ReLU output equals its input bit for bit
     * @param nonPositive ReLU inputs <= 0
     * @param total       ReLU inputs
     * @param maxShare    mean over samples and softmax layers of the largest softmax output (1/256 for uniform, 1 for one-hot)
     */
    record Identity(boolean identical, long nonPositive, long total, double maxShare) {}

    static Identity reluAfterSoftmax(Model model, Tensor x) {
        List<Layer> layers = model.layers();
        Tensor t = x;
        boolean identical = true;
        long nonPositive = 0, total = 0;
        double shareSum = 0;
        long shareCount = 0;
        float[] before = null;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            boolean reluAfterSoftmax = layer instanceof Activation a && a.function() instanceof org.relunet.nn.activation.ReLU && i > 0 && layers.get(i - 1) instanceof Softmax;
            if (reluAfterSoftmax) before = t.data.clone();
            t = layer.forward(t, false);
            if (layer instanceof Softmax) {
                int n = t.batch(), u = t.sampleSize();
                for (int r = 0; r < n; r++) {
                    float m = 0;
                    for (int j = 0; j < u; j++) m = Math.max(m, t.data[r * u + j]);
                    shareSum += m;
                    shareCount++;
                }
            }
            if (reluAfterSoftmax) {
                for (int k = 0; k < before.length; k++) {
                    if (before[k] <= 0f) nonPositive++;
                    if (Float.floatToRawIntBits(before[k]) != Float.floatToRawIntBits(t.data[k])) identical = false;
                }
                total += before.length;
            }
        }
        return new Identity(identical && total > 0, nonPositive, total, shareCount == 0 ? Double.NaN : shareSum / shareCount);
    }

    private static Map<String, Object> probeMap(LayerProbe.Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("activation_std", s.activationStd());
        m.put("delta_norm", s.deltaNorm());
        m.put("weight_grad_norm", s.weightGradNorm());
        m.put("loss", s.loss());
        return m;
    }
}
