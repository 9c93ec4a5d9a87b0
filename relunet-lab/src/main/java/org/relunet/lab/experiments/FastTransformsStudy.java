package org.relunet.lab.experiments;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.relunet.data.Dataset;
import org.relunet.data.FashionMnist;
import org.relunet.io.Json;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Parallel;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.optim.Adam;
import org.relunet.optim.Optimizer;
import org.relunet.optim.Sgd;
import org.relunet.train.EpochResult;
import org.relunet.train.Evaluation;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingConfig;

/**
 * The logic of experiment e8 ({@link E8FastTransforms}), fast transforms (issue 7): Walsh-Hadamard,
 * switch, Fastfood and circulant networks against the dense W1 MLP on Fashion-MNIST, at several
 * widths, with small dense MLPs and a linear classifier as the honest references at equal parameter
 * counts. Every network trains with the same epochs, batch and seeds; a row gives test accuracy
 * (mean and spread over the seeds), parameters, forward FLOPs per sample and seconds per epoch.
 *
 * <p>Also runnable on its own (a table and a JSON file, no report), e.g. to try more networks or to
 * choose the learning rate on a validation split:
 * <pre>
 *   FastTransformsStudy [--epochs 5] [--threads 2] [--train N] [--validation FRACTION] [--seed 0] [--seeds 1]
 *                       [--only name,name] [--json FILE] [--from FILE]
 *                       [--lr X] [--adam] [--add NAME=SPEC ...]        extra networks with that optimiser
 * </pre>
 * {@code --validation} holds out a stratified fraction of the training set and reports accuracy on
 * it instead of the test set; {@code --from} re-prints the table of an earlier JSON file.
 */
public final class FastTransformsStudy {

    /**
     * One network of the study.
     *
     * @param name    short label, e.g. {@code switch-2x1024}
     * @param family  {@code dense}, {@code linear}, {@code wht} (Hadamard/switch), {@code fastfood}, {@code circulant}
     * @param spec    layer spec text after the (1, 28, 28) input
     * @param adam    Adam (lr) instead of SGD with momentum 0.9
     * @param lr      learning rate
     */
    public record Network(String name, String family, String spec, boolean adam, double lr) {
        Optimizer optimizer() { return adam ? Adam.adam(lr) : new Sgd(lr, 0.9); }

        String optimizerText() { return adam ? "adam(" + lr + ")" : "sgd(" + lr + ", momentum 0.9)"; }
    }

    /**
     * One network trained once per seed.
     *
     * @param accuracies   test accuracy of each seed's run
     * @param trainLosses  last-epoch training loss of each run
     * @param epochSeconds training time of each epoch of each run (evaluation excluded)
     */
    public record Row(Network network, long parameters, long flops, List<Double> accuracies, List<Double> trainLosses,
                      List<List<Double>> epochSeconds) {
        /** Mean test accuracy over the seeds. */
        public double testAccuracy() { return mean(accuracies); }

        /** Sample standard deviation of the test accuracy over the seeds (0 for one seed). */
        public double accuracyStd() {
            int n = accuracies.size();
            if (n < 2) return 0;
            double m = testAccuracy(), ss = 0;
            for (double a : accuracies) ss += (a - m) * (a - m);
            return Math.sqrt(ss / (n - 1));
        }

        /** Median seconds per epoch, without each run's first epoch (JIT warm-up) when there are more. */
        public double secondsPerEpoch() {
            List<Double> s = new ArrayList<>();
            for (List<Double> run : epochSeconds) s.addAll(run.size() > 1 ? run.subList(1, run.size()) : run);
            s.sort(Comparator.naturalOrder());
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }
    }

    static double mean(List<Double> values) {
        double s = 0;
        for (double v : values) s += v;
        return s / values.size();
    }

    /**
     * Adam's rate for every network but the W1 reference recipe: the best of 1e-3, 3e-3 and 1e-2 on a
     * held-out tenth of the training set ({@code --validation 0.1}, 5 epochs, 2 seeds) for
     * switchnet-2x1024 (0.866, 0.876, 0.873), fastfood-2048 (0.874, 0.877, 0.873) and mlp-28
     * (0.866, 0.869, 0.865) alike.
     */
    public static final double ADAM_RATE = 0.003;

    /**
     * The networks of the study: W1 with its reference recipe (SGD 0.05, momentum 0.9) and with the
     * study's optimiser (Adam 3e-3, which all the others use); a linear classifier and small dense
     * MLPs as references at equal parameter counts; and the transform networks at widths 1024 to 4096.
     */
    public static List<Network> networks() {
        List<Network> n = new ArrayList<>();
        n.add(new Network("W1 (sgd)", "dense", Presets.MLP, false, 0.05));
        n.add(new Network("W1 (adam)", "dense", Presets.MLP, true, ADAM_RATE));
        n.add(adam("linear", "linear", "flatten dense(10)"));
        n.add(adam("mlp-16", "dense", "flatten dense(16) relu dense(10)"));
        n.add(adam("mlp-28", "dense", "flatten dense(28) relu dense(10)"));
        n.add(adam("mlp-64", "dense", "flatten dense(64) relu dense(10)"));
        n.add(adam("hadamard-switch", "wht", "flatten signs(seed=1) hadamard switch_diag dense(10)"));
        n.add(adam("switchnet-1x1024", "wht", "flatten switchnet(depth=1,seed=1) dense(10)"));
        n.add(adam("switchnet-2x1024", "wht", "flatten switchnet(depth=2,seed=1) dense(10)"));
        n.add(adam("switchnet-3x1024", "wht", "flatten switchnet(depth=3,seed=1) dense(10)"));
        n.add(adam("switchnet-5x1024", "wht", "flatten switchnet(depth=5,seed=1) dense(10)"));
        n.add(adam("switchnet-2x2048", "wht", "flatten switchnet(depth=2,width=2048,seed=1) dense(10)"));
        n.add(adam("switchnet-2x4096", "wht", "flatten switchnet(depth=2,width=4096,seed=1) dense(10)"));
        n.add(adam("fastfood-1024", "fastfood", "flatten fastfood(seed=1) relu dense(10)"));
        n.add(adam("fastfood-2x1024", "fastfood", "flatten fastfood(seed=1) relu fastfood(seed=2) relu dense(10)"));
        n.add(adam("fastfood-2048", "fastfood", "flatten fastfood(width=2048,seed=1) relu dense(10)"));
        n.add(adam("circulant-1024", "circulant", "flatten circulant relu dense(10)"));
        return n;
    }

    private static Network adam(String name, String family, String spec) { return new Network(name, family, spec, true, ADAM_RATE); }

    private final PrintStream log;
    private final int epochs;
    private final List<Long> seeds;

    /**
     * @param seeds one training run per seed (initial weights and data order; the random parts of
     *              the transforms come from the seeds in the specs and stay fixed)
     */
    public FastTransformsStudy(PrintStream log, int epochs, List<Long> seeds) {
        this.log = log;
        this.epochs = epochs;
        this.seeds = List.copyOf(seeds);
    }

    /** Trains one network once per seed on train and evaluates it on test. */
    public Row run(Network net, Dataset train, Dataset test) {
        List<Double> accuracies = new ArrayList<>(), losses = new ArrayList<>();
        List<List<Double>> seconds = new ArrayList<>();
        long parameters = 0, flops = 0;
        for (long seed : seeds) {
            Model model = Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(net.spec()), seed);
            Trainer trainer = new Trainer(model, net.optimizer(), new TrainingConfig(epochs, 128, seed));
            List<EpochResult> history = trainer.fit(train, null);
            accuracies.add(Evaluation.of(model, test, 1000).accuracy());
            losses.add(history.get(history.size() - 1).trainLoss());
            List<Double> runSeconds = new ArrayList<>();
            for (EpochResult r : history) runSeconds.add(r.seconds());
            seconds.add(runSeconds);
            parameters = model.parameterCount();
            flops = model.flopsPerSample();
        }
        Row row = new Row(net, parameters, flops, accuracies, losses, seconds);
        log.printf(Locale.ROOT, "%-22s acc %.4f +- %.4f  params %,9d  FLOPs %,11d  %.2f s/epoch  (%s)%n", net.name(),
                row.testAccuracy(), row.accuracyStd(), row.parameters(), row.flops(), row.secondsPerEpoch(), net.spec());
        return row;
    }

    /** The table of results, W1 first, with accuracy and parameters relative to the first row. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        String fmt = "%-22s %-9s %9s %7s %10s %13s %9s %8s%n";
        b.append(String.format(Locale.ROOT, fmt, "network", "family", "test acc", "+-", "params", "FLOPs/sample", "s/epoch", "vs W1"));
        Row ref = rows.get(0);
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, fmt, r.network().name(), r.network().family(),
                    String.format(Locale.ROOT, "%.4f", r.testAccuracy()), String.format(Locale.ROOT, "%.4f", r.accuracyStd()),
                    String.format(Locale.ROOT, "%,d", r.parameters()),
                    String.format(Locale.ROOT, "%,d", r.flops()), String.format(Locale.ROOT, "%.2f", r.secondsPerEpoch()),
                    String.format(Locale.ROOT, "%+.1f pt", 100 * (r.testAccuracy() - ref.testAccuracy()))));
        }
        return b.toString();
    }

    /** Whether a network is built on fast transforms (not dense or linear). */
    static boolean isTransform(Row r) { return !r.network().family().equals("dense") && !r.network().family().equals("linear"); }

    /**
     * The best transform network with at most a tenth of W1's parameters (the target: within
     * 2 points of W1), or null when there is none; W1 is the first row.
     */
    public static Row bestWithinBudget(List<Row> rows) {
        Row ref = rows.get(0), best = null;
        for (Row r : rows) {
            if (isTransform(r) && 10 * r.parameters() <= ref.parameters() && (best == null || r.testAccuracy() > best.testAccuracy())) best = r;
        }
        return best;
    }

    /** One paragraph: the best transform network within the budget against W1. */
    public static String summary(List<Row> rows) {
        Row ref = rows.get(0), best = bestWithinBudget(rows);
        if (best == null) return "no transform network within a tenth of W1's parameters was run\n";
        double gap = 100 * (ref.testAccuracy() - best.testAccuracy());
        return String.format(Locale.ROOT,
                "best transform network with <= 1/10 of W1's parameters: %s (%s)%n"
                        + "  test accuracy %.4f +- %.4f vs W1 %.4f: %.1f points %s (target: within 2) -> %s%n"
                        + "  parameters %,d vs %,d (%.1f%%), FLOPs/sample %,d vs %,d (%.1f%%), %.2f vs %.2f s/epoch%n",
                best.network().name(), best.network().spec(), best.testAccuracy(), best.accuracyStd(), ref.testAccuracy(), Math.abs(gap),
                gap >= 0 ? "below" : "above", gap <= 2 ? "target met" : "target missed",
                best.parameters(), ref.parameters(), 100.0 * best.parameters() / ref.parameters(),
                best.flops(), ref.flops(), 100.0 * best.flops() / ref.flops(), best.secondsPerEpoch(), ref.secondsPerEpoch());
    }

    /** JSON-ready results. */
    public static Map<String, Object> toJson(List<Row> rows, Map<String, Object> meta) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("meta", meta);
        List<Object> list = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.network().name());
            m.put("family", r.network().family());
            m.put("spec", r.network().spec());
            m.put("optimizer", r.network().optimizerText());
            m.put("parameters", r.parameters());
            m.put("flops_per_sample", r.flops());
            m.put("test_accuracy", r.testAccuracy());
            m.put("test_accuracy_std", r.accuracyStd());
            m.put("test_accuracy_per_seed", r.accuracies());
            m.put("train_loss_last_epoch_per_seed", r.trainLosses());
            m.put("epoch_seconds", r.epochSeconds());
            m.put("seconds_per_epoch", r.secondsPerEpoch());
            list.add(m);
        }
        out.put("networks", list);
        Row best = bestWithinBudget(rows);
        if (best != null) out.put("best_within_tenth_of_w1_parameters", best.network().name());
        return out;
    }

    /** The rows of a JSON file written by {@link #toJson} (the optimiser is not restored). */
    @SuppressWarnings("unchecked")
    public static List<Row> rowsFromJson(String text) {
        Map<String, Object> root = (Map<String, Object>) Json.parse(text);
        List<Row> rows = new ArrayList<>();
        for (Object o : (List<Object>) root.get("networks")) {
            Map<String, Object> m = (Map<String, Object>) o;
            Network net = new Network((String) m.get("name"), (String) m.get("family"), (String) m.get("spec"), false, 0);
            List<List<Double>> seconds = new ArrayList<>();
            for (Object run : (List<Object>) m.get("epoch_seconds")) seconds.add(doubles(run));
            rows.add(new Row(net, ((Number) m.get("parameters")).longValue(), ((Number) m.get("flops_per_sample")).longValue(),
                    doubles(m.get("test_accuracy_per_seed")), doubles(m.get("train_loss_last_epoch_per_seed")), seconds));
        }
        return rows;
    }

    @SuppressWarnings("unchecked")
    private static List<Double> doubles(Object list) {
        List<Double> out = new ArrayList<>();
        for (Object v : (List<Object>) list) out.add(((Number) v).doubleValue());
        return out;
    }

    public static void main(String[] args) throws IOException {
        int epochs = 5, threads = Math.min(2, Runtime.getRuntime().availableProcessors()), trainLimit = 0;
        double validation = 0;
        long seed = 0;
        int seedCount = 1;
        Path json = null, from = null;
        List<String> only = null;
        List<String[]> added = new ArrayList<>();
        double addedLr = 0.05;
        boolean addedAdam = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--train" -> trainLimit = Integer.parseInt(args[++i]);
                case "--validation" -> validation = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--seeds" -> seedCount = Integer.parseInt(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--json" -> json = Path.of(args[++i]);
                case "--add" -> added.add(args[++i].split("=", 2));
                case "--from" -> from = Path.of(args[++i]);
                case "--lr" -> addedLr = Double.parseDouble(args[++i]);
                case "--adam" -> addedAdam = true;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; use --epochs N --threads N --train N --validation FRACTION --seed N --seeds COUNT --only a,b --json FILE --from FILE"
                        + " [--lr X] [--adam] --add NAME=SPEC (extra networks, with that optimiser)");
            }
        }
        if (from != null) {   // re-render the table, summary and figure of an earlier run
            List<Row> rows = rowsFromJson(Files.readString(from, StandardCharsets.UTF_8));
            System.out.print(table(rows));
            System.out.println();
            System.out.print(summary(rows));
            return;
        }
        Parallel.setThreads(threads);
        FashionMnist data = FashionMnist.find(null);
        Dataset train = data.loadTrain(), test = data.loadTest();
        if (trainLimit > 0) train = train.stratifiedSubset(trainLimit / train.classes(), seed);
        if (validation > 0) {   // evaluate on held-out training images; the test set plays no part
            Dataset.Split split = train.split(validation, seed);
            train = split.train();
            test = split.validation();
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("java", System.getProperty("java.version"));
        meta.put("kernels", KernelProvider.choice().reason());
        meta.put("threads", threads);
        meta.put("epochs", epochs);
        meta.put("batch", 128);
        List<Long> seeds = new ArrayList<>();
        for (int k = 0; k < seedCount; k++) seeds.add(seed + k);
        meta.put("seeds", seeds);
        meta.put("train_samples", train.size());
        meta.put(validation > 0 ? "validation_samples" : "test_samples", test.size());
        meta.put("loadavg_before", loadAverage());
        System.out.printf(Locale.ROOT, "e8 fast transforms: %d train, %d test, %d epochs, batch 128, %d seed(s), %d threads, %s, load %s%n",
                train.size(), test.size(), epochs, seedCount, threads, KernelProvider.choice().reason(), loadAverage());
        FastTransformsStudy study = new FastTransformsStudy(System.out, epochs, seeds);
        List<Row> rows = new ArrayList<>();
        List<Network> all = new ArrayList<>(networks());
        for (String[] a : added) all.add(new Network(a[0], "wht", a[1], addedAdam, addedLr));
        for (Network n : all) {
            if (only != null && !only.contains(n.name())) continue;
            rows.add(study.run(n, train, test));
        }
        meta.put("loadavg_after", loadAverage());
        System.out.println();
        System.out.print(table(rows));
        System.out.println();
        System.out.print(summary(rows));
        if (json != null) Files.writeString(json, Json.write(toJson(rows, meta)), StandardCharsets.UTF_8);
    }

    /** The 1, 5 and 15 minute load averages, to judge timings on a shared machine. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
