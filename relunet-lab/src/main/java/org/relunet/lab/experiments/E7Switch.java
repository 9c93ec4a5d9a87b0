package org.relunet.lab.experiments;

import static org.relunet.lab.measure.Stats.f;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.relunet.data.Dataset;
import org.relunet.data.FashionMnist;
import org.relunet.data.Synthetic;
import org.relunet.inspect.ActivationPattern;
import org.relunet.inspect.EffectiveLinearMap;
import org.relunet.inspect.LinearRegions;
import org.relunet.inspect.RegionMap;
import org.relunet.lab.Charts;
import org.relunet.lab.Experiment;
import org.relunet.lab.ExperimentContext;
import org.relunet.lab.ExperimentResult;
import org.relunet.lab.Figure;
import org.relunet.lab.Table;
import org.relunet.lab.Verdict;
import org.relunet.lab.Verdict.Finding;
import org.relunet.lab.measure.Stats;
import org.relunet.nn.Dense;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.optim.Adam;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Shape;
import org.relunet.train.Evaluation;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingConfig;

/**
 * e7: ReLU is a switch. (1) For trained ReLU networks (the W1 MLP and a small CNN with stride,
 * padding, max-pool and PReLU) and many test images, the effective linear map W_eff x + b_eff of
 * the input's switch setting reproduces the forward pass; the map's row for the predicted class is
 * drawn as an image. (2) Along straight lines between test images, the maps of neighbouring regions
 * agree at the boundary (no jump) while their slopes differ. (3) Regions crossed along lines for
 * MLPs with the same number of neurons and different depths (Hanin and Rolnick 2019), at
 * initialisation and after training, against Telgarsky's sawtooth, where depth does multiply them.
 * (4) The region map of a ReLU net trained on the spirals.
 */
public final class E7Switch implements Experiment {

    static final String CNN = "conv(8,5,pad=2) relu maxpool(2) conv(16,3,stride=2,pad=1) prelu flatten dense(10)";
    static final String SPIRAL_NET = "dense(24) relu dense(24) relu dense(3)";
    static final int[] DEPTHS = {1, 2, 3, 4, 6, 8};
    /** Depth "does not multiply" the regions when the largest mean count over depths is at most this times the smallest. */
    static final double DEPTH_SPREAD = 2.0;
    /** Reconstruction and continuity tolerance (relative), as in the library's tests. */
    static final double TOLERANCE = 1e-5;
    static final double RANGE = 1.5;

    /**
     * @param perClass     training images per class for the trained networks (0: all)
     * @param epochs       epochs for the W1 MLP and the CNN
     * @param mlpImages    test images mapped with the MLP
     * @param cnnImages    test images mapped with the CNN
     * @param lines        lines between test images for the continuity check (MLP)
     * @param neurons      total hidden neurons of the depth comparison
     * @param depths       hidden-layer counts (each divides every entry of neurons)
     * @param regionLines  lines per network of the depth comparison
     * @param regionTrain  training images per class of the depth comparison (0: all), one epoch of Adam
     * @param sawtooth     deepest hand-built sawtooth
     * @param spirals      spiral training points
     * @param spiralEpochs epochs on the spirals (Adam 0.01, batch 32)
     * @param mapSize      pixels per side of the region map
     */
    record Config(int perClass, int epochs, int mlpImages, int cnnImages, int lines, int[] neurons, int[] depths, int regionLines,
                  int regionTrain, int sawtooth, int spirals, int spiralEpochs, int mapSize) {}

    static Config config(ExperimentContext ctx) {
        return ctx.pick(new Config(30, 1, 20, 5, 1, new int[] {12, 24}, new int[] {1, 2, 3, 4}, 2, 20, 6, 300, 20, 40),
                new Config(0, 1, 500, 100, 5, new int[] {48, 96}, DEPTHS, 30, 0, 8, 600, 150, 120),
                new Config(0, 2, 2000, 500, 20, new int[] {48, 96, 192}, DEPTHS, 60, 0, 10, 1000, 200, 180));
    }

    @Override public String id() { return "e7"; }

    @Override public String title() { return "ReLU is a switch"; }

    @Override public String claim() {
        return "A ReLU is literally a switch. For a given input each ReLU is individually on or off, so the network performs one particular "
                + "linear projection from input to output: the composite system of weighted sums collapses to a single effective weighted sum. "
                + "Since the switch changes state at 0, there is no sudden jump in the output for a gradual change of input. "
                + "(And: the number of linear regions a line crosses grows with the number of neurons, not with depth.)";
    }

    @Override public String source() { return "seed, answer 4; Hanin and Rolnick 2019 (ICML), \"Complexity of linear regions in deep networks\"; Telgarsky 2016"; }

    /** The effective maps of one trained network over test images. */
    record Maps(String name, double accuracy, double[] errors, double[] activeFraction, int distinctPatterns) {}

    /** Regions per line for one depth of the comparison: per line counts, pooled over seeds. */
    record Depth(int neurons, int depth, int width, double[] init, double[] trained) {}

    @Override public ExperimentResult run(ExperimentContext ctx) {
        ExperimentResult.Builder out = ExperimentResult.builder(this);
        Config cfg = config(ctx);
        Dataset train = Activations.subset(ctx.train(), cfg.perClass(), 71);
        Dataset test = ctx.test();
        String[] classNames = FashionMnist.classNames();

        // Part 1: the effective linear map of each test image reproduces the forward pass.
        Model mlp = Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(Presets.MLP), ctx.seed(0));
        new Trainer(mlp, new Sgd(0.05, 0.9), new TrainingConfig(cfg.epochs(), 64, ctx.seed(0) + 1)).fit(train, null);
        Model cnn = Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(CNN), ctx.seed(0));
        new Trainer(cnn, new Sgd(0.02, 0.9), new TrainingConfig(cfg.epochs(), 64, ctx.seed(0) + 1)).fit(train, null);
        Maps mlpMaps = maps("W1 MLP", mlp, test, cfg.mlpImages());
        ctx.progress("W1 MLP: test accuracy %.3f; %d maps, reconstruction error median %.2e, max %.2e", mlpMaps.accuracy(), mlpMaps.errors().length,
                median(mlpMaps.errors()), Stats.max(mlpMaps.errors()));
        Maps cnnMaps = maps("CNN", cnn, test, cfg.cnnImages());
        ctx.progress("CNN: test accuracy %.3f; %d maps, reconstruction error median %.2e, max %.2e", cnnMaps.accuracy(), cnnMaps.errors().length,
                median(cnnMaps.errors()), Stats.max(cnnMaps.errors()));

        XYChart recon = Charts.xy("Effective linear map against the forward pass", "test images, sorted by error (fraction)",
                "relative error |W_eff x + b_eff - f(x)| / |f(x)|");
        for (Maps m : List.of(mlpMaps, cnnMaps)) {
            double[] e = m.errors().clone();
            Arrays.sort(e);
            double[] x = new double[e.length];
            for (int i = 0; i < e.length; i++) x[i] = (i + 0.5) / e.length;
            Charts.markedLine(recon, m.name(), null, x, Charts.positive(e)).setMarker(SeriesMarkers.NONE);
        }
        Charts.hline(recon, f("tolerance %.0e", TOLERANCE), Color.GRAY, 0, 1, TOLERANCE);
        Charts.logY(recon);
        recon.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        out.figure(new Figure("e7-reconstruction", recon, f("For each test image x, the switch setting of the forward pass (which ReLU units are on, "
                + "which input won each max-pool window) fixes one linear map; W_eff and b_eff are accumulated in double from the float weights, "
                + "and W_eff x + b_eff is compared with the float forward pass. The errors are float32 rounding; a wrong switch would give an "
                + "error of order 1. %d images for the W1 MLP, %d for the CNN.", mlpMaps.errors().length, cnnMaps.errors().length)));

        // The template of one image: the row of W_eff for its predicted class.
        float[] first = image(test, 0);
        EffectiveLinearMap firstMap = EffectiveLinearMap.at(mlp, first);
        int predicted = firstMap.predictedClass();
        out.figure(new Figure("e7-template", template(firstMap.heatMap(predicted), f("W_eff row of '%s' for test image 0", classNames[predicted])),
                f("Row %d ('%s', the predicted class; the image is a '%s') of the W1 MLP's effective map for test image 0, laid out as the "
                        + "28x28 input: red pixels raise the class score when brighter, blue ones lower it, white is 0 (11 colour steps, symmetric "
                        + "about 0). The score is the single weighted sum of the pixels with these weights, plus b_eff = %.3f.",
                        predicted, classNames[predicted], classNames[test.labels()[0]], firstMap.bias()[predicted])));

        // Part 2: along lines, neighbouring regions' maps agree at their boundary while the slopes change.
        List<Double> jumps = new ArrayList<>(), slopeChanges = new ArrayList<>();
        List<Integer> regionsPerLine = new ArrayList<>();
        double[] lineT = null, lineValue = null, lineSlope = null;
        int lineClass = 0;
        for (int l = 0; l < cfg.lines(); l++) {
            float[] a = image(test, 2 * l + 1), b = image(test, 2 * l + 2);
            Continuity c = continuity(mlp, a, b);
            regionsPerLine.add(c.regions());
            for (double j : c.jumps()) jumps.add(j);
            for (double s : c.slopeChanges()) slopeChanges.add(s);
            if (l == 0) {
                lineClass = EffectiveLinearMap.at(mlp, a).predictedClass();
                lineT = c.t();
                lineValue = c.value(lineClass);
                lineSlope = c.slope(lineClass);
            }
        }
        double maxJump = jumps.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double medianSlopeChange = median(slopeChanges.stream().mapToDouble(Double::doubleValue).toArray());
        ctx.progress("continuity on %d lines: %s regions; largest jump at a boundary %.2e, median slope change %.3f", cfg.lines(), regionsPerLine,
                maxJump, medianSlopeChange);
        XYChart line = Charts.xy(f("Score of '%s' along a line between two test images", classNames[lineClass]), "t (position on the line, 0 to 1)",
                "class score (logit)");
        Charts.line(line, "W_eff x(t) + b_eff, region by region", "relu", lineT, lineValue);
        line.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        out.figure(new Figure("e7-line", line, f("The W1 MLP's score for class '%s' on x(t) = a + t (b - a) between test images 1 and 2, drawn through the "
                + "%d exact region boundaries the line crosses (each piece is one linear map). The curve has a kink at every boundary but never "
                + "jumps.", classNames[lineClass], regionsPerLine.get(0) - 1)));
        XYChart slope = Charts.xy("Slope of the score along the same line", "t (position on the line, 0 to 1)", "d score / dt");
        double[][] steps = steps(lineT, lineSlope);
        Charts.line(slope, "W_eff[c] . (b - a), region by region", "relu", steps[0], steps[1]);
        out.figure(new Figure("e7-line-slope", slope, f("The derivative of the same score along the line: constant inside each of the %d regions and "
                + "changing where one ReLU switches, the switch of the seed's Answer 4.", regionsPerLine.get(0))));

        // Part 3: regions along lines against depth, for equal neuron counts.
        List<Depth> depthRuns = new ArrayList<>();
        Dataset regionTrain = Activations.subset(ctx.train(), cfg.regionTrain(), 72);
        for (int n : cfg.neurons()) {
            for (int depth : cfg.depths()) {
                int width = n / depth;
                StringBuilder spec = new StringBuilder("flatten");
                for (int d = 0; d < depth; d++) spec.append(" dense(").append(width).append(") relu");
                spec.append(" dense(10)");
                List<Double> init = new ArrayList<>(), trained = new ArrayList<>();
                for (int s = 0; s < ctx.seeds(); s++) {
                    Model m = Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(spec.toString()), ctx.seed(s));
                    init.addAll(regionCounts(m, test, cfg.regionLines()));
                    new Trainer(m, Adam.adam(0.001), new TrainingConfig(1, 64, ctx.seed(s) + 1)).fit(regionTrain, null);
                    trained.addAll(regionCounts(m, test, cfg.regionLines()));
                }
                Depth r = new Depth(n, depth, width, Stats.toArray(init), Stats.toArray(trained));
                depthRuns.add(r);
                ctx.progress("%3d neurons, %d x %3d: regions per line %s at init, %s trained", n, depth, width, Stats.pm(r.init(), 1), Stats.pm(r.trained(), 1));
            }
        }
        XYChart depthChart = Charts.xy("Regions crossed along a line: equal neurons, different depth", "hidden layers (depth)", "regions per line");
        int ci = 0;
        for (int n : cfg.neurons()) {
            List<Depth> rs = depthRuns.stream().filter(r -> r.neurons() == n).toList();
            double[] x = rs.stream().mapToDouble(Depth::depth).toArray();
            Color col = Charts.color(null, ci++);
            XYSeries a = Charts.errorLine(depthChart, f("%d neurons, at initialisation", n), null, x,
                    rs.stream().mapToDouble(r -> Stats.mean(r.init())).toArray(), rs.stream().mapToDouble(r -> standardError(r.init())).toArray());
            a.setLineColor(col);
            a.setMarkerColor(col);
            XYSeries b = Charts.errorLine(depthChart, f("%d neurons, trained", n), null, x,
                    rs.stream().mapToDouble(r -> Stats.mean(r.trained())).toArray(), rs.stream().mapToDouble(r -> standardError(r.trained())).toArray());
            b.setLineColor(Charts.tint(col, 0.45));
            b.setMarkerColor(Charts.tint(col, 0.45));
            b.setMarker(SeriesMarkers.DIAMOND);
        }
        depthChart.getStyler().setYAxisMin(0.0);
        depthChart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        out.figure(new Figure("e7-regions-depth", depthChart, f("Activation regions crossed on the straight line between two test images (counted exactly "
                + "from the ReLU breakpoints), for MLPs whose hidden neurons are split into 1 to %d equal layers; mean and its standard error over "
                + "%d lines x %d seeds (single lines vary much more, see the table), at He initialisation and after one epoch of Adam (lr 0.001). Hanin and Rolnick (2019): the count tracks "
                + "the number of neurons, not the depth.", Arrays.stream(cfg.depths()).max().orElse(1), cfg.regionLines(), ctx.seeds())));

        // Telgarsky's sawtooth: depth can multiply the regions, 2^k with 2k neurons, when the weights are chosen for it.
        int[] sawtooth = new int[cfg.sawtooth()];
        for (int k = 1; k <= cfg.sawtooth(); k++) sawtooth[k - 1] = LinearRegions.alongSegment(sawtooth(k), new float[] {0}, new float[] {1}).regions();

        // Part 4: the region map of a net trained on the spirals.
        Dataset spirals = Synthetic.spirals(cfg.spirals(), 3, 0.05, ctx.seed(0));
        Model spiralNet = Model.of(Shape.vector(2), LayerSpecParser.parse(SPIRAL_NET), ctx.seed(0));
        RegionMap initMap = LinearRegions.map(spiralNet, -RANGE, RANGE, -RANGE, RANGE, cfg.mapSize(), cfg.mapSize());
        new Trainer(spiralNet, Adam.adam(0.01), new TrainingConfig(cfg.spiralEpochs(), 32, ctx.seed(0) + 1)).fit(spirals, null);
        double spiralAccuracy = Evaluation.of(spiralNet, spirals, 256).accuracy();
        RegionMap map = LinearRegions.map(spiralNet, -RANGE, RANGE, -RANGE, RANGE, cfg.mapSize(), cfg.mapSize());
        ctx.progress("spirals: train accuracy %.3f; %d regions in the %dx%d map (%d at initialisation)", spiralAccuracy, map.regions(), cfg.mapSize(),
                cfg.mapSize(), initMap.regions());
        out.figure(new Figure("e7-region-map", regionPicture(map), f("The activation regions of '%s' trained on three spiral arms (train accuracy "
                + "%.3f), over [-%.1f, %.1f]^2 sampled at %dx%d pixel centres: each colour patch is one switch setting, i.e. one linear map "
                + "(colours repeat, but neighbouring regions differ) and the decision boundary is black. %d regions are visible "
                + "(%d at initialisation); every boundary is a straight piece of some unit's zero set.", SPIRAL_NET, spiralAccuracy, RANGE, RANGE,
                cfg.mapSize(), cfg.mapSize(), map.regions(), initMap.regions())));

        // Tables.
        Table.Builder mt = Table.builder("e7-maps", "Effective linear maps of test images", "network", "test accuracy", "images",
                "median relative error", "largest relative error", "units on (per ReLU layer)", "distinct switch settings");
        for (Maps m : List.of(mlpMaps, cnnMaps)) {
            StringBuilder on = new StringBuilder();
            for (double a : m.activeFraction()) on.append(on.isEmpty() ? "" : ", ").append(f("%.0f%%", 100 * a));
            mt.row(m.name(), f("%.3f", m.accuracy()), m.errors().length, f("%.2e", median(m.errors())), f("%.2e", Stats.max(m.errors())), on,
                    m.distinctPatterns());
        }
        out.table(mt.build("Units on: mean share of each rectifier layer's units that are on, over the images. Distinct switch settings: "
                + "how many different activation patterns the images have; equal to the image count means every image has its own linear map."));
        Table.Builder rt = Table.builder("e7-regions", "Regions per line by depth at equal neuron count", "hidden neurons", "depth", "width",
                "regions per line, initialisation", "regions per line, trained");
        for (Depth r : depthRuns) rt.row(r.neurons(), r.depth(), r.width(), Stats.pm(r.init(), 1), Stats.pm(r.trained(), 1));
        out.table(rt.build(f("Mean ± standard deviation over %d lines between test images x %d seeds.", cfg.regionLines(), ctx.seeds())));
        Table.Builder st = Table.builder("e7-sawtooth", "Telgarsky's sawtooth: depth multiplying regions", "depth k", "neurons", "regions on [0, 1]", "2^k");
        for (int k = 1; k <= cfg.sawtooth(); k++) st.row(k, 2 * k, sawtooth[k - 1], 1 << k);
        out.table(st.build("The tent map T(y) = 2 relu(y) - 4 relu(y - 1/2) composed k times: 2 neurons per layer, hand-set weights. Counted by the "
                + "same exact walk; the count doubles with every layer, which random and trained networks do not come near."));

        // Data.
        out.data("mlp_reconstruction_errors", mlpMaps.errors());
        out.data("cnn_reconstruction_errors", cnnMaps.errors());
        out.data("mlp_test_accuracy", mlpMaps.accuracy());
        out.data("cnn_test_accuracy", cnnMaps.accuracy());
        out.data("mlp_active_fraction", mlpMaps.activeFraction());
        out.data("cnn_active_fraction", cnnMaps.activeFraction());
        out.data("mlp_distinct_patterns", mlpMaps.distinctPatterns());
        out.data("cnn_distinct_patterns", cnnMaps.distinctPatterns());
        out.data("continuity_regions_per_line", regionsPerLine.stream().mapToInt(Integer::intValue).toArray());
        out.data("continuity_max_jump", maxJump);
        out.data("continuity_median_slope_change", medianSlopeChange);
        List<Object> depthData = new ArrayList<>();
        for (Depth r : depthRuns) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("neurons", r.neurons());
            m.put("depth", r.depth());
            m.put("width", r.width());
            m.put("regions_init", r.init());
            m.put("regions_trained", r.trained());
            depthData.add(m);
        }
        out.data("regions_by_depth", depthData);
        out.data("sawtooth_regions", sawtooth);
        out.data("spiral_train_accuracy", spiralAccuracy);
        out.data("spiral_map_regions", map.regions());
        out.data("spiral_map_regions_init", initMap.regions());

        // Verdict.
        List<Finding> findings = new ArrayList<>();
        for (Maps m : List.of(mlpMaps, cnnMaps)) {
            findings.add(Finding.check(f("%s: for every test image, the single linear map of its switch setting gives the network's output (relative error <= %.0e)",
                    m.name(), TOLERANCE), f("largest error %.2e over %d images (median %.2e)", Stats.max(m.errors()), m.errors().length, median(m.errors())),
                    Stats.max(m.errors()) <= TOLERANCE));
        }
        findings.add(Finding.check(f("no sudden jump: where a switch flips, the linear maps on both sides agree (relative difference <= %.0e) while their slopes differ",
                TOLERANCE), f("%d boundaries on %d lines: largest difference %.2e; median change of W_eff %.1f%%", jumps.size(), cfg.lines(), maxJump,
                100 * medianSlopeChange), maxJump <= TOLERANCE && medianSlopeChange > 0));
        StringBuilder spread = new StringBuilder();
        double spreadInit = 0, spreadTrained = 0;
        int deepest = Arrays.stream(cfg.depths()).max().orElse(1);
        for (boolean trainedState : new boolean[] {false, true}) {
            StringBuilder measured = new StringBuilder();
            double worst = 0;
            for (int n : cfg.neurons()) {
                double[] means = depthRuns.stream().filter(r -> r.neurons() == n).mapToDouble(r -> Stats.mean(trainedState ? r.trained() : r.init())).toArray();
                double ratio = Stats.max(means) / Stats.min(means);
                worst = Math.max(worst, ratio);
                String part = f("%d neurons %s: %.1f to %.1f (x%.2f); ", n, trainedState ? "trained" : "init", Stats.min(means), Stats.max(means), ratio);
                measured.append(part);
                spread.append(part);
            }
            if (trainedState) spreadTrained = worst;
            else spreadInit = worst;
            findings.add(Finding.check(f("depth does not multiply the regions a line crosses %s: for each neuron count, the mean over depths 1..%d varies "
                    + "by at most %.0fx (a sawtooth of depth %d reaches 2^%d)", trainedState ? "after one epoch of training" : "at initialisation (Hanin and "
                    + "Rolnick's setting)", deepest, DEPTH_SPREAD, deepest, deepest), measured.toString().replaceAll("; $", ""), worst <= DEPTH_SPREAD));
        }
        if (cfg.neurons().length >= 2) {
            int small = cfg.neurons()[0], large = cfg.neurons()[cfg.neurons().length - 1];
            double smallMean = Stats.mean(depthRuns.stream().filter(r -> r.neurons() == small).flatMapToDouble(r -> Arrays.stream(r.init())).toArray());
            double largeMean = Stats.mean(depthRuns.stream().filter(r -> r.neurons() == large).flatMapToDouble(r -> Arrays.stream(r.init())).toArray());
            double expected = (double) large / small, ratio = largeMean / smallMean;
            findings.add(Finding.check(f("the count grows with the number of neurons, roughly in proportion: %d neurons cross %.0fx the regions of %d "
                    + "(within a factor of 2), all depths pooled, at initialisation", large, expected, small),
                    f("%.1f against %.1f regions per line: x%.2f", largeMean, smallMean, ratio), ratio >= expected / 2 && ratio <= expected * 2));
        }
        out.verdict(Verdict.of(f("reconstruction error at most %.1e (MLP) and %.1e (CNN); largest jump at a switch %.1e; regions per line across depths: %s",
                Stats.max(mlpMaps.errors()), Stats.max(cnnMaps.errors()), maxJump, spread.toString().replaceAll("; $", "")), findings));

        out.method(f("Part 1: the W1 MLP (%s) and a CNN (%s), trained for %d epoch(s) with SGD (momentum 0.9, batch 64, lr 0.05 and 0.02) on %,d "
                        + "Fashion-MNIST images, seed %d. For each of %d (MLP) and %d (CNN) test images, org.relunet.inspect.EffectiveLinearMap runs the "
                        + "float forward pass, records the switches (ReLU/PReLU units with a positive pre-activation, max-pool winners), and accumulates "
                        + "W_eff row by row through the transposed layers and b_eff as the switched network at x = 0, in double.\n\n"
                        + "Part 2: on %d lines x(t) = a + t (b - a) between pairs of test images, LinearRegions walks the exact region boundaries of the MLP; "
                        + "at every boundary t_k the maps taken at the midpoints of the two neighbouring regions are evaluated at x(t_k) and compared, "
                        + "relative to |f(x(t_k))|, and the change of W_eff is |W_left - W_right| / |W_left| (Frobenius).\n\n"
                        + "Part 3: MLPs 784 -> hidden -> 10 with %s hidden ReLU neurons split into %s equal layers; He-normal weights, zero biases, "
                        + "%d seed(s) each. Regions crossed on %d lines between test images, counted exactly, at initialisation and after one epoch of "
                        + "Adam (lr 0.001, batch 64) on %,d images. Telgarsky's sawtooth (the tent map composed k times, hand-set weights) for k = 1..%d "
                        + "on [0, 1].\n\n"
                        + "Part 4: '%s' trained with Adam (lr 0.01, batch 32) for %d epochs on %d points of three spiral arms (noise 0.05); the pattern of "
                        + "every pixel centre of a %dx%d grid over [-%.1f, %.1f]^2.",
                Presets.MLP, CNN, cfg.epochs(), train.size(), ctx.seed(0), mlpMaps.errors().length, cnnMaps.errors().length, cfg.lines(),
                Arrays.toString(cfg.neurons()), Arrays.toString(cfg.depths()), ctx.seeds(), cfg.regionLines(), regionTrain.size(), cfg.sawtooth(),
                SPIRAL_NET, cfg.spiralEpochs(), cfg.spirals(), cfg.mapSize(), cfg.mapSize(), RANGE, RANGE));
        out.result(f("One input, one linear map: for every test image the effective map reproduces the forward pass to float32 rounding, "
                        + "largest relative error %.1e for the MLP and %.1e for the CNN (medians %.1e and %.1e). On average %s of the MLP's hidden units "
                        + "are on; %d of %d images have a switch setting of their own.\n\n"
                        + "No jump at a switch: along %d lines the MLP crosses %s regions; at the %d boundaries the maps on both sides agree to %.1e, "
                        + "while W_eff changes by %.1f%% (median) from one region to the next. The output is continuous and piecewise linear.\n\n"
                        + "Depth and regions: %s. At a fixed number of neurons the mean count over depths 1..%d varies by at most x%.2f at "
                        + "initialisation and x%.2f after training, while the hand-built sawtooth doubles it with each layer (%d regions at depth %d): "
                        + "depth can multiply regions, but these random and trained networks do not use it that way.\n\n"
                        + "Region map: the spiral net ends with %d regions in the square (%d at initialisation); its decision boundary follows region "
                        + "boundaries, straight within each region.",
                Stats.max(mlpMaps.errors()), Stats.max(cnnMaps.errors()), median(mlpMaps.errors()), median(cnnMaps.errors()),
                percentList(mlpMaps.activeFraction()), mlpMaps.distinctPatterns(), mlpMaps.errors().length, cfg.lines(), regionsPerLine, jumps.size(),
                maxJump, 100 * medianSlopeChange, spread.toString().replaceAll("; $", ""), deepest, spreadInit, spreadTrained, sawtooth[cfg.sawtooth() - 1],
                cfg.sawtooth(), map.regions(),
                initMap.regions()));
        return out.build();
    }

    // ------------------------------------------------------------------ part 1

    static float[] image(Dataset d, int i) {
        int n = d.inputs().sampleSize();
        return Arrays.copyOfRange(d.inputs().data, i * n, (i + 1) * n);
    }

    static Maps maps(String name, Model m, Dataset test, int images) {
        int n = Math.min(images, test.size());
        double[] errors = new double[n];
        Set<ActivationPattern> patterns = new HashSet<>();
        double[] active = null;
        int[] layers = null;
        for (int i = 0; i < n; i++) {
            EffectiveLinearMap map = EffectiveLinearMap.at(m, image(test, i));
            errors[i] = map.reconstructionError();
            ActivationPattern p = map.pattern();
            patterns.add(p);
            if (layers == null) {
                layers = Arrays.stream(p.switchLayers()).filter(p::isRectifier).toArray();
                active = new double[layers.length];
            }
            for (int k = 0; k < layers.length; k++) active[k] += (double) p.activeUnits(layers[k]) / p.units(layers[k]) / n;
        }
        return new Maps(name, Evaluation.of(m, test, 500).accuracy(), errors, active, patterns.size());
    }

    /** A 28x28 signed image as square pixels in 11 blue-white-red steps, row 0 at the top. */
    static XYChart template(double[][] w, String title) {
        int h = w.length, wd = w[0].length;
        double max = 0;
        for (double[] row : w) for (double v : row) max = Math.max(max, Math.abs(v));
        XYChart c = Charts.square(title, "pixel column", "pixel row (from the bottom)", 520);
        c.getStyler().setMarkerSize((int) Math.ceil(430.0 / wd) + 1);
        int steps = 5;
        for (int b = -steps; b <= steps; b++) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < wd; x++) {
                    int bucket = max == 0 ? 0 : (int) Math.round(w[y][x] / max * steps);
                    if (bucket == b) {
                        xs.add((double) x);
                        ys.add((double) (h - 1 - y));
                    }
                }
            }
            if (xs.isEmpty()) continue;
            double a = Math.abs(b) / (double) steps;
            int fade = (int) Math.round(255 * (1 - a));
            Color col = b >= 0 ? new Color(255, fade, fade) : new Color(fade, fade, 255);
            pixels(c, f("%+.1f of max |w|", (double) b / steps), col, xs, ys);
        }
        c.getStyler().setXAxisMin(-0.5).setXAxisMax(wd - 0.5).setYAxisMin(-0.5).setYAxisMax(h - 0.5);
        return c;
    }

    private static void pixels(XYChart c, String name, Color col, List<Double> xs, List<Double> ys) {
        XYSeries s = c.addSeries(name, Stats.toArray(xs), Stats.toArray(ys));
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.SQUARE);
        s.setMarkerColor(col);
    }

    // ------------------------------------------------------------------ part 2

    /**
     * The maps along one line: per region (between consecutive boundaries) the affine map, from which
     * the value and slope of every output follow exactly.
     */
    record Continuity(double[] t, double[][] weights, double[][] bias, double[] x0, double[] dir, int inputs, double[] jumps, double[] slopeChanges) {
        int regions() { return weights.length; }

        /** Output c at t = boundaries (and both ends), from the region on the left of each (the first from the right). */
        double[] value(int c) {
            double[] v = new double[t.length];
            for (int k = 0; k < t.length; k++) {
                int r = Math.min(Math.max(k - 1, 0), weights.length - 1);
                double s = bias[r][c];
                for (int i = 0; i < inputs; i++) s += weights[r][c * inputs + i] * (x0[i] + t[k] * dir[i]);
                v[k] = s;
            }
            return v;
        }

        /** d output c / dt in each region. */
        double[] slope(int c) {
            double[] s = new double[weights.length];
            for (int r = 0; r < weights.length; r++) {
                double sum = 0;
                for (int i = 0; i < inputs; i++) sum += weights[r][c * inputs + i] * dir[i];
                s[r] = sum;
            }
            return s;
        }
    }

    static Continuity continuity(Model m, float[] a, float[] b) {
        LinearRegions.Segment seg = LinearRegions.alongSegment(m, a, b);
        int n = a.length, regions = seg.regions();
        double[] t = new double[regions + 1];
        t[regions] = 1;
        System.arraycopy(seg.breakpoints(), 0, t, 1, regions - 1);
        double[] x0 = new double[n], dir = new double[n];
        for (int i = 0; i < n; i++) {
            x0[i] = a[i];
            dir[i] = (double) b[i] - a[i];
        }
        double[][] w = new double[regions][], bias = new double[regions][];
        for (int r = 0; r < regions; r++) {
            double mid = 0.5 * (t[r] + t[r + 1]);
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = (float) (x0[i] + mid * dir[i]);
            EffectiveLinearMap map = EffectiveLinearMap.at(m, x);
            w[r] = map.weights();
            bias[r] = map.bias();
        }
        int outputs = bias[0].length;
        double[] jumps = new double[regions - 1], changes = new double[regions - 1];
        for (int k = 1; k < regions; k++) {
            double diff = 0, norm = 0, dw = 0, wn = 0;
            for (int o = 0; o < outputs; o++) {
                double left = bias[k - 1][o], right = bias[k][o];
                for (int i = 0; i < n; i++) {
                    double xi = x0[i] + t[k] * dir[i];
                    left += w[k - 1][o * n + i] * xi;
                    right += w[k][o * n + i] * xi;
                }
                diff += (left - right) * (left - right);
                norm += left * left;
            }
            for (int j = 0; j < w[k].length; j++) {
                dw += (w[k][j] - w[k - 1][j]) * (w[k][j] - w[k - 1][j]);
                wn += w[k - 1][j] * w[k - 1][j];
            }
            jumps[k - 1] = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
            changes[k - 1] = wn == 0 ? 0 : Math.sqrt(dw / wn);
        }
        return new Continuity(t, w, bias, x0, dir, n, jumps, changes);
    }

    /** A step function through (t_k, s_k): x = t0, t1, t1, t2, t2, ... */
    static double[][] steps(double[] t, double[] s) {
        double[] x = new double[2 * s.length], y = new double[2 * s.length];
        for (int r = 0; r < s.length; r++) {
            x[2 * r] = t[r];
            x[2 * r + 1] = t[r + 1];
            y[2 * r] = s[r];
            y[2 * r + 1] = s[r];
        }
        return new double[][] {x, y};
    }

    // ------------------------------------------------------------------ part 3

    static List<Double> regionCounts(Model m, Dataset test, int lines) {
        List<Double> counts = new ArrayList<>();
        for (int l = 0; l < lines; l++) {
            counts.add((double) LinearRegions.alongSegment(m, image(test, 100 + 2 * l), image(test, 101 + 2 * l)).regions());
        }
        return counts;
    }

    /** Telgarsky's sawtooth: T(y) = 2 relu(y) - 4 relu(y - 1/2) composed k times on [0, 1]. */
    static Model sawtooth(int k) {
        StringBuilder spec = new StringBuilder("dense(2) relu");
        for (int i = 1; i < k; i++) spec.append(" dense(2) relu");
        Model m = Model.of(Shape.vector(1), LayerSpecParser.parse(spec + " dense(1)"), 1);
        set(m, 0, new float[] {1, 1}, new float[] {0, -0.5f});
        for (int i = 1; i < k; i++) set(m, 2 * i, new float[] {2, -4, 2, -4}, new float[] {0, -0.5f});
        set(m, 2 * k, new float[] {2, -4}, new float[] {0});
        return m;
    }

    private static void set(Model m, int layer, float[] weight, float[] bias) {
        Dense d = (Dense) m.layers().get(layer);
        System.arraycopy(weight, 0, d.weight().value(), 0, weight.length);
        System.arraycopy(bias, 0, d.bias().value(), 0, bias.length);
    }

    // ------------------------------------------------------------------ part 4

    /**
     * Region ids coloured so that neighbouring regions differ (greedy colouring of the region
     * adjacency in id order, from 12 light hues), decision boundary black; row 0 at the top.
     */
    static XYChart regionPicture(RegionMap map) {
        int size = map.width(), hues = 12;
        XYChart c = Charts.square("Activation regions of a ReLU net trained on spirals", "x1", "x2", 560);
        c.getStyler().setMarkerSize((int) Math.ceil(470.0 / size) + 1);
        int[] colour = colourRegions(map, hues);
        boolean[][] decision = map.decisionBoundary();
        List<List<Double>> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i <= hues; i++) {
            xs.add(new ArrayList<>());
            ys.add(new ArrayList<>());
        }
        double du = (map.uMax() - map.uMin()) / size, dv = (map.vMax() - map.vMin()) / map.height();
        for (int r = 0; r < map.height(); r++) {
            for (int col = 0; col < size; col++) {
                int k = decision[r][col] ? hues : colour[map.id(r, col)];
                xs.get(k).add(map.uMin() + (col + 0.5) * du);
                ys.get(k).add(map.vMax() - (r + 0.5) * dv);
            }
        }
        for (int k = 0; k <= hues; k++) {
            if (xs.get(k).isEmpty()) continue;
            Color col = k == hues ? Color.BLACK : Color.getHSBColor(k * 5 % hues / (float) hues, 0.38f, 0.97f);
            pixels(c, k == hues ? "decision boundary" : f("regions, colour %d", k), col, xs.get(k), ys.get(k));
        }
        c.getStyler().setXAxisMin(map.uMin()).setXAxisMax(map.uMax()).setYAxisMin(map.vMin()).setYAxisMax(map.vMax());
        return c;
    }

    /** Greedy colouring: each region, in id order, takes the first colour none of its already coloured neighbours has. */
    static int[] colourRegions(RegionMap map, int colours) {
        List<Set<Integer>> neighbours = new ArrayList<>();
        for (int i = 0; i < map.regions(); i++) neighbours.add(new HashSet<>());
        for (int r = 0; r < map.height(); r++) {
            for (int col = 0; col < map.width(); col++) {
                int id = map.id(r, col);
                if (col + 1 < map.width() && map.id(r, col + 1) != id) link(neighbours, id, map.id(r, col + 1));
                if (r + 1 < map.height() && map.id(r + 1, col) != id) link(neighbours, id, map.id(r + 1, col));
            }
        }
        int[] colour = new int[map.regions()];
        Arrays.fill(colour, -1);
        for (int id = 0; id < colour.length; id++) {
            boolean[] used = new boolean[colours];
            for (int n : neighbours.get(id)) if (colour[n] >= 0) used[colour[n]] = true;
            int k = 0;
            while (k < colours - 1 && used[k]) k++;
            colour[id] = k;
        }
        return colour;
    }

    private static void link(List<Set<Integer>> neighbours, int a, int b) {
        neighbours.get(a).add(b);
        neighbours.get(b).add(a);
    }

    private static double standardError(double[] a) { return a.length < 2 ? 0 : Stats.sd(a) / Math.sqrt(a.length); }

    private static double median(double[] a) {
        if (a.length == 0) return Double.NaN;
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    private static String percentList(double[] a) {
        StringBuilder b = new StringBuilder();
        for (double v : a) b.append(b.isEmpty() ? "" : " and ").append(f("%.0f%%", 100 * v));
        return b.toString();
    }
}
