package org.relunet.lab.experiments;

import static org.relunet.lab.measure.Stats.f;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.relunet.data.Dataset;
import org.relunet.init.Initializer;
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
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Tensor;
import org.relunet.train.Evaluation;

/**
 * e4: depth and vanishing gradients (Glorot and Bengio 2010; He et al. 2015). MLPs of width 128
 * and depth 2 to 30 with sigmoid, tanh or ReLU, initialised with Xavier or He: per layer, the
 * standard deviation of the activations, the norm of the back-propagated gradient dLoss/dz and of
 * the weight gradient, at initialisation and after training; and test accuracy against depth.
 *
 * <p>The expected picture: with Xavier (std sqrt(2/(fanIn+fanOut)) = sqrt(1/128) here) each ReLU
 * layer halves the second moment, so a 30-layer ReLU net's signal shrinks by 2^-14.5 in both
 * directions; He's sqrt(2/fanIn) keeps it constant. The sigmoid's slope, at most 1/4, shrinks the
 * delta geometrically whatever the initialiser.
 */
public final class E4Depth implements Experiment {

    static final int WIDTH = 128, BATCH = 64;
    static final double MOMENTUM = 0.9;
    /** A network "trains" when its test accuracy reaches 3x chance (0.10); it "stalls" below 2x chance. */
    static final double TRAINS = 0.3, STALLS = 0.2;

    /**
     * @param depths    hidden-layer counts
     * @param perClass  training images per class
     * @param epochs    training epochs
     * @param lr        SGD learning rate, the same for every network
     * @param probe     test images for the per-layer statistics and the accuracy
     * @param seeds     seeds per network
     */
    record Config(int[] depths, int perClass, double epochs, double lr, int probe, int seeds) {}

    static Config config(ExperimentContext ctx) {
        return ctx.pick(new Config(new int[] {2, 6}, 30, 1, 0.01, 200, 1),
                new Config(new int[] {2, 5, 10, 20, 30}, 600, 2, 0.01, 1000, 1),
                new Config(new int[] {2, 3, 5, 10, 15, 20, 25, 30}, 1000, 3, 0.01, 2000, Math.min(2, ctx.seeds())));
    }

    /** An activation and an initialiser. */
    record Combo(String activation, Initializer init) {
        String key() { return activation + "+" + (init == Initializer.HE_NORMAL ? "he" : "xavier"); }
        String label() { return Activations.label(activation) + ", " + (init == Initializer.HE_NORMAL ? "He" : "Xavier"); }
        boolean he() { return init == Initializer.HE_NORMAL; }
    }

    static final List<Combo> COMBOS = List.of(
            new Combo("sigmoid", Initializer.XAVIER_NORMAL), new Combo("sigmoid", Initializer.HE_NORMAL),
            new Combo("tanh", Initializer.XAVIER_NORMAL), new Combo("tanh", Initializer.HE_NORMAL),
            new Combo("relu", Initializer.XAVIER_NORMAL), new Combo("relu", Initializer.HE_NORMAL));

    /** "flatten dense(128,init=I) f ... dense(10,init=I)" with {@code depth} hidden layers. */
    static String spec(Combo c, int depth) {
        StringBuilder b = new StringBuilder("flatten");
        for (int i = 0; i < depth; i++) b.append(" dense(").append(WIDTH).append(",init=").append(c.init().specName()).append(") ").append(c.activation());
        return b.append(" dense(10,init=").append(c.init().specName()).append(')').toString();
    }

    @Override public String id() { return "e4"; }

    @Override public String title() { return "Depth and vanishing gradients"; }

    @Override public String claim() {
        return "Squashing functions cause vanishing gradients in deep networks, while ReLU passes gradients unchanged; "
                + "with ReLU, the initialisation decides: a 30-layer ReLU net with Xavier init stalls, with He init it trains.";
    }

    @Override public String source() { return "seed, answers 1 and 2; Glorot and Bengio 2010; He et al. 2015, Fig. 3"; }

    /** What one network gave. */
    record Measured(LayerProbe.Stats init, LayerProbe.Stats trained, double[] accuracy, String status) {
        double meanAccuracy() { return Stats.mean(Arrays.stream(accuracy).map(a -> Double.isNaN(a) ? 0.1 : a).toArray()); }
    }

    @Override public ExperimentResult run(ExperimentContext ctx) {
        ExperimentResult.Builder out = ExperimentResult.builder(this);
        Config cfg = config(ctx);
        Dataset train = Activations.subset(ctx.train(), cfg.perClass(), 21);
        Dataset test = ctx.test().stratifiedSubset(Math.max(1, cfg.probe() / 10), 22);
        Tensor probeX = test.inputs();
        int[] probeY = test.labels();
        int deepest = cfg.depths()[cfg.depths().length - 1];

        Map<String, Map<Integer, Measured>> results = new LinkedHashMap<>();
        for (Combo c : COMBOS) {
            Map<Integer, Measured> byDepth = new LinkedHashMap<>();
            for (int depth : cfg.depths()) {
                LayerProbe.Stats init = null, trained = null;
                double[] acc = new double[cfg.seeds()];
                String status = "trained";
                for (int s = 0; s < cfg.seeds(); s++) {
                    Model m = Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(spec(c, depth)), ctx.seed(s));
                    LayerProbe.Stats before = LayerProbe.measure(m, probeX, probeY);
                    TrainLoop.Result r = TrainLoop.run(m, new Sgd(cfg.lr(), MOMENTUM), train, TrainLoop.Config.epochs(BATCH, cfg.epochs(), 0.25, ctx.seed(s) + 1));
                    if (r.status() == TrainLoop.Status.DIVERGED) {
                        acc[s] = Double.NaN;
                        status = "diverged";
                    } else {
                        acc[s] = Evaluation.of(m, test, 500).accuracy();
                    }
                    if (s == 0) {
                        init = before;
                        trained = r.status() == TrainLoop.Status.DIVERGED ? null : LayerProbe.measure(m, probeX, probeY);
                    }
                }
                byDepth.put(depth, new Measured(init, trained, acc, status));
                ctx.progress("%-14s depth %2d: test accuracy %s; delta norm layer 1 / read-out at init %.2e", c.key(), depth,
                        Stats.pm(acc, 3), ratio(init.deltaNorm()));
            }
            results.put(c.key(), byDepth);
        }

        // Figures: per-layer statistics of the deepest networks, at init and after training; accuracy against depth.
        out.figure(new Figure("e4-activation-std", layerChart(results, deepest, "Activation spread across layers, at initialisation",
                "standard deviation of f(z_l) (log scale)", m -> m.init().activationStd(), true),
                f("Standard deviation of each hidden layer's output on %d test images, %d-layer width-%d MLPs at initialisation (the last point is the "
                        + "logits). ReLU with Xavier halves the variance at every layer; with He it stays put. Sigmoid outputs sit near 0.5 "
                        + "with a small spread whatever the initialiser.", probeY.length, deepest, WIDTH)));
        out.figure(new Figure("e4-delta-init", layerChart(results, deepest, "Back-propagated gradient across layers, at initialisation",
                "mean per-sample norm of dLoss/dz_l (log scale)", m -> m.init().deltaNorm(), true),
                f("Norm of the gradient of the loss with respect to each layer's pre-activation z_l (the delta), averaged over %d test images, "
                        + "%d-layer MLPs at initialisation; layer %d is the read-out. Read it right to left: the gradient enters at the read-out "
                        + "and is multiplied by W^T and f'(z) at every layer.", probeY.length, deepest, deepest + 1)));
        out.figure(new Figure("e4-weight-grad-init", layerChart(results, deepest, "Weight-gradient norm across layers, at initialisation",
                "Frobenius norm of dLoss/dW_l (log scale)", m -> m.init().weightGradNorm(), true),
                "The weight gradient dLoss/dW_l = delta_l input_l^T multiplies the backward delta by the forward signal. For ReLU with Xavier "
                        + "the signal shrinks towards the last layer and the delta towards the first, so their product is flat (if uniformly small): "
                        + "weight-gradient norms alone hide the initialisation problem the two previous figures show."));
        out.figure(new Figure("e4-delta-trained", layerChart(results, deepest, "Back-propagated gradient across layers, after training",
                "mean per-sample norm of dLoss/dz_l (log scale)", m -> m.trained() == null ? null : m.trained().deltaNorm(), true),
                f("The delta norms of the same %d-layer networks after %.0f epoch%s of training (missing: the run diverged).",
                        deepest, cfg.epochs(), cfg.epochs() == 1 ? "" : "s")));
        XYChart accChart = Charts.xy("Test accuracy against depth", "hidden layers (width " + WIDTH + ")", "test accuracy (fraction)");
        double[] depthsX = Arrays.stream(cfg.depths()).asDoubleStream().toArray();
        for (Combo c : COMBOS) {
            double[] y = Arrays.stream(cfg.depths()).mapToDouble(d -> results.get(c.key()).get(d).meanAccuracy()).toArray();
            if (c.he()) Charts.markedLine(accChart, c.label(), c.activation(), depthsX, y);
            else Charts.dotted(accChart, c.label(), c.activation(), depthsX, y);
        }
        Charts.hline(accChart, "chance (0.10)", Color.GRAY, depthsX[0], depthsX[depthsX.length - 1], 0.1);
        accChart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        accChart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        out.figure(new Figure("e4-accuracy", accChart, f("Test accuracy (%d test images) after %.0f epoch%s on %,d training images, SGD lr %s momentum %.1f, "
                + "%s. Solid: He initialisation; dotted: Xavier.", probeY.length, cfg.epochs(), cfg.epochs() == 1 ? "" : "s", train.size(), cfg.lr(),
                MOMENTUM, cfg.seeds() == 1 ? "one seed" : "mean of " + cfg.seeds() + " seeds")));

        // Table and data.
        Table.Builder t = Table.builder("e4-depth", "Accuracy and gradient flow by depth",
                "network", "depth", "test accuracy", "delta layer 1 / read-out, init", "activation std last / first, init", "delta layer 1 / read-out, trained");
        List<Object> data = new ArrayList<>();
        for (Combo c : COMBOS) {
            for (int depth : cfg.depths()) {
                Measured m = results.get(c.key()).get(depth);
                double dInit = ratio(m.init().deltaNorm()), sInit = m.init().activationStd()[depth - 1] / m.init().activationStd()[0];
                double dTrained = m.trained() == null ? Double.NaN : ratio(m.trained().deltaNorm());
                t.row(c.label(), depth, m.status().equals("diverged") ? "diverged" : Stats.pm(m.accuracy(), 3), f("%.2e", dInit), f("%.2e", sInit),
                        Double.isNaN(dTrained) ? "n/a" : f("%.2e", dTrained));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("network", c.key());
                row.put("depth", depth);
                row.put("spec", spec(c, depth));
                row.put("test_accuracy", m.accuracy());
                row.put("status", m.status());
                row.put("init", statsMap(m.init()));
                row.put("trained", m.trained() == null ? null : statsMap(m.trained()));
                data.add(row);
            }
        }
        out.table(t.build("Ratios are first hidden layer over read-out (delta) and last hidden layer over first hidden layer (activation std): "
                + "1 means the signal is preserved, 1e-5 that it shrank 100,000-fold."));
        out.data("width", WIDTH);
        out.data("depths", cfg.depths());
        out.data("train_samples", train.size());
        out.data("probe_samples", probeY.length);
        out.data("epochs", cfg.epochs());
        out.data("learning_rate", cfg.lr());
        out.data("momentum", MOMENTUM);
        out.data("batch_size", BATCH);
        out.data("networks", data);

        // Verdict.
        Measured sigX = results.get("sigmoid+xavier").get(deepest), tanhX = results.get("tanh+xavier").get(deepest),
                reluX = results.get("relu+xavier").get(deepest), reluH = results.get("relu+he").get(deepest);
        Measured sigShallow = results.get("sigmoid+xavier").get(cfg.depths()[0]);
        double sigRatio = ratio(sigX.init().deltaNorm()), tanhRatio = ratio(tanhX.init().deltaNorm()), reluHRatio = ratio(reluH.init().deltaNorm()),
                reluXRatio = ratio(reluX.init().deltaNorm());
        double reluXStd = reluX.init().activationStd()[deepest - 1] / reluX.init().activationStd()[0];
        double reluHStd = reluH.init().activationStd()[deepest - 1] / reluH.init().activationStd()[0];
        double reluXW = reluX.init().weightGradNorm()[0] / reluX.init().weightGradNorm()[deepest];
        List<Finding> findings = List.of(
                Finding.check(f("sigmoid gradients vanish with depth: at depth %d the first layer's delta is < 1e-3 of the read-out's", deepest),
                        f("ratio %.1e (Xavier init)", sigRatio), sigRatio < 1e-3),
                Finding.check(f("ReLU (He) passes the gradient back better than tanh and sigmoid (Xavier) at depth %d", deepest),
                        f("delta ratio layer 1 / read-out: ReLU %.2f, tanh %.2e, sigmoid %.1e", reluHRatio, tanhRatio, sigRatio),
                        reluHRatio > tanhRatio && reluHRatio > sigRatio),
                Finding.check(f("deep sigmoid networks stop learning: depth %d near chance (< %.1f) while depth %d learns (>= %.1f)", deepest, STALLS,
                                cfg.depths()[0], TRAINS),
                        f("test accuracy %.3f at depth %d, %.3f at depth %d", sigX.meanAccuracy(), deepest, sigShallow.meanAccuracy(), cfg.depths()[0]),
                        sigX.meanAccuracy() < STALLS && sigShallow.meanAccuracy() >= TRAINS),
                Finding.check(f("a %d-layer ReLU net with Xavier init stalls (< %.1f) while with He init it trains (>= %.1f)", deepest, STALLS, TRAINS),
                        f("test accuracy Xavier %.3f, He %.3f; activation std last/first at init: Xavier %.1e, He %.2f", reluX.meanAccuracy(),
                                reluH.meanAccuracy(), reluXStd, reluHStd),
                        reluX.meanAccuracy() < STALLS && reluH.meanAccuracy() >= TRAINS));
        out.verdict(Verdict.of(f("depth %d, delta layer 1 / read-out at init: sigmoid %.0e, tanh %.1e, ReLU+He %.2f; accuracy ReLU+Xavier %.2f vs ReLU+He %.2f",
                deepest, sigRatio, tanhRatio, reluHRatio, reluX.meanAccuracy(), reluH.meanAccuracy()), findings));

        out.method(f("Fully connected networks 784 -> %s hidden layers of %d units -> 10, for depths %s, with sigmoid, tanh or ReLU after every hidden layer "
                        + "and every weight matrix drawn with Xavier normal (std sqrt(2/(fanIn+fanOut))) or He normal (std sqrt(2/fanIn)); zero biases. "
                        + "Each is trained for %.0f epoch%s on %,d Fashion-MNIST training images with SGD (learning rate %s for all, momentum %.1f, batch %d), "
                        + "%s. Before and after training, one forward and backward pass over %d test images records, for every Dense layer, the spread of its "
                        + "activation output, the mean per-sample norm of the back-propagated gradient dLoss/dz, and the norm of the weight gradient.",
                "L", WIDTH, Arrays.toString(cfg.depths()), cfg.epochs(), cfg.epochs() == 1 ? "" : "s", train.size(), cfg.lr(), MOMENTUM, BATCH,
                cfg.seeds() == 1 ? "one seed" : cfg.seeds() + " seeds", probeY.length));
        out.result(f("At initialisation, in the %d-layer networks, the delta reaching the first layer is %.1e of the read-out's with sigmoid units, "
                        + "%.1e with tanh and %.2f with ReLU and He initialisation. With ReLU and Xavier the forward signal shrinks %.0e-fold from the first "
                        + "hidden layer to the last, and the delta %.1e-fold on its way back, while the weight-gradient norm changes only %.2fx "
                        + "(first layer over read-out): the two shrinkages cancel in the product, which is why weight-gradient norms alone hide the problem.\n\n"
                        + "After training, test accuracy at depth %d is %.3f for ReLU+He, %.3f for ReLU+Xavier, %.3f for tanh+Xavier and %.3f for sigmoid+Xavier "
                        + "(chance 0.10). %s",
                deepest, sigRatio, tanhRatio, reluHRatio, 1 / reluXStd, 1 / reluXRatio, reluXW, deepest, reluH.meanAccuracy(), reluX.meanAccuracy(),
                tanhX.meanAccuracy(), sigX.meanAccuracy(),
                reluX.meanAccuracy() < STALLS ? "ReLU with Xavier stalls at this depth while ReLU with He trains: initialisation matters as much as the unit."
                        : "ReLU with Xavier still trained at this depth here, against He et al.'s observation; its delta shrinks, but momentum SGD "
                        + "recovered within the budget."));
        return out.build();
    }

    /** First over last: the delta of the first hidden layer over the read-out's. */
    static double ratio(double[] delta) { return delta[0] / delta[delta.length - 1]; }

    private static Map<String, Object> statsMap(LayerProbe.Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("activation_std", s.activationStd());
        m.put("delta_norm", s.deltaNorm());
        m.put("weight_grad_norm", s.weightGradNorm());
        m.put("loss", s.loss());
        return m;
    }

    /** One series per combination for the deepest network: a statistic against layer index 1..L+1, log scale. */
    private static XYChart layerChart(Map<String, Map<Integer, Measured>> results, int depth, String title, String yTitle,
                                      java.util.function.Function<Measured, double[]> stat, boolean log) {
        XYChart c = Charts.xy(title + " (" + depth + " hidden layers)", "layer index l (1 = first hidden layer, " + (depth + 1) + " = read-out)", yTitle);
        for (Combo combo : COMBOS) {
            double[] y = stat.apply(results.get(combo.key()).get(depth));
            if (y == null) continue;
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) x[i] = i + 1;
            double[] v = log ? Charts.positive(y) : y;
            if (combo.he()) Charts.markedLine(c, combo.label(), combo.activation(), x, v);
            else Charts.dotted(c, combo.label(), combo.activation(), x, v);
        }
        if (log) Charts.logY(c);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        return c;
    }
}
