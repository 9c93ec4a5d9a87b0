package org.relunet.inspect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.relunet.data.Dataset;
import org.relunet.io.Json;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.nn.Layer;
import org.relunet.nn.Model;
import org.relunet.tensor.Tensor;
import org.relunet.train.EpochResult;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingListener;

/**
 * Watches the inside of a network while it trains, per layer and per epoch, on a probe set (a
 * fixed small batch of held-out samples): the gradient norm of each weighted layer, the mean and
 * standard deviation of every layer's output, its fraction of exact zeros, the fraction of dead
 * rectifier units (never positive over the probe set: the "dead neurons" of the seed's first
 * answer), and the update:parameter ratio log10(mean |update| / mean |weight|). It writes
 * {@code monitor.csv} (one row per epoch and layer, {@link LayerStats#CSV_HEADER}) and
 * {@code monitor.json} (the same plus warnings) to a directory after every epoch, and raises a
 * {@link MonitorWarning} when more than half of a layer's units are dead or the first weighted
 * layer's gradient norm falls below 1e-3 of the last's (vanishing gradients).
 *
 * <p>Cost: per step only a counter check, plus one copy of the weights before the epoch's last
 * step (for the step ratio); per epoch one copy of the weights, one inference forward and one
 * backward pass over the probe set (in chunks of the training batch size, so the layers reuse
 * their workspaces), and two small files. The probe's forward/backward overwrites
 * the parameter gradients, which the trainer zeroes before its next step anyway, and draws no
 * dropout randomness, so training gives the same bits with or without the monitor.
 */
public final class TrainingMonitor implements TrainingListener {

    /**
     * When to warn.
     *
     * @param deadFraction   warn when a rectifier layer has more than this fraction of dead units
     * @param vanishingRatio warn when the first weighted layer's gradient norm is below this times the last's
     */
    public record Thresholds(double deadFraction, double vanishingRatio) {
        public static final Thresholds DEFAULT = new Thresholds(0.5, 1e-3);

        public Thresholds {
            if (!(deadFraction >= 0 && deadFraction <= 1)) throw new IllegalArgumentException("dead fraction threshold must be in [0, 1], got " + deadFraction);
            if (!(vanishingRatio >= 0)) throw new IllegalArgumentException("vanishing ratio threshold must be >= 0, got " + vanishingRatio);
        }
    }

    public static final String CSV_FILE = "monitor.csv";
    public static final String JSON_FILE = "monitor.json";

    private final Dataset probe;
    private final Path directory;
    private final Thresholds thresholds;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final List<LayerStats> history = new ArrayList<>();
    private final List<MonitorWarning> warnings = new ArrayList<>();
    private final Set<String> active = new HashSet<>();   // "rule/layer" of thresholds crossed last epoch
    private Consumer<MonitorWarning> onWarning = w -> { };

    private Model model;
    private int[] weighted;            // layer indices with parameters
    private float[][] epochStart;      // weights at the start of the epoch, per weighted layer
    private float[][] stepStart;       // weights before the epoch's last step
    private boolean stepSnapshotTaken;
    private int chunk;                 // probe samples per forward pass: the training batch size
    private Tensor chunkInput, lastInput;

    /**
     * @param probe     held-out samples to measure on each epoch, all in one batch (a few hundred is plenty)
     * @param directory where to write monitor.csv and monitor.json (created if needed), or null to keep results in memory only
     */
    public TrainingMonitor(Dataset probe, Path directory) { this(probe, directory, Thresholds.DEFAULT); }

    public TrainingMonitor(Dataset probe, Path directory, Thresholds thresholds) {
        if (probe == null || probe.size() == 0) throw new IllegalArgumentException("the monitor needs a non-empty probe set");
        this.probe = probe;
        this.directory = directory;
        this.thresholds = thresholds;
    }

    /** Called for each warning as it is raised (e.g. to print it); the library itself never prints. */
    public TrainingMonitor onWarning(Consumer<MonitorWarning> handler) {
        this.onWarning = handler;
        return this;
    }

    /** Every row measured so far, in epoch and layer order. */
    public List<LayerStats> history() { return List.copyOf(history); }

    /** Every warning raised so far. */
    public List<MonitorWarning> warnings() { return List.copyOf(warnings); }

    /** The rows of one epoch (1-based). */
    public List<LayerStats> epoch(int epoch) { return history.stream().filter(s -> s.epoch() == epoch).toList(); }

    @Override public void onTrainStart(Trainer trainer, int firstEpoch, int epochs, int batchesPerEpoch) {
        model = trainer.model();
        if (!probe.sampleShape().equals(model.inputShape())) {
            throw new IllegalArgumentException("probe set " + probe.name() + " has samples " + probe.sampleShape() + " but the model expects " + model.inputShape());
        }
        chunk = Math.min(trainer.config().batchSize(), probe.size());
        chunkInput = Tensor.zeros(chunk, model.inputShape());
        List<Integer> w = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) if (!model.layers().get(i).parameters().isEmpty()) w.add(i);
        weighted = w.stream().mapToInt(Integer::intValue).toArray();
        epochStart = new float[weighted.length][];
        stepStart = new float[weighted.length][];
        for (int k = 0; k < weighted.length; k++) {
            int n = weights(weighted[k]).length;
            epochStart[k] = new float[n];
            stepStart[k] = new float[n];
        }
        if (directory != null) {
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create monitor directory " + directory + ": " + e.getMessage(), e);
            }
        }
    }

    @Override public void onEpochStart(Trainer trainer, int epoch) {
        snapshot(epochStart);
        stepSnapshotTaken = false;
    }

    @Override public void onBatchEnd(Trainer trainer, int epoch, int batch, int batches, double loss, int correct, int count) {
        // the weights after step batches-2 are the weights before the epoch's last step
        if (batch == batches - 2) {
            snapshot(stepStart);
            stepSnapshotTaken = true;
        }
    }

    @Override public void onEpochEnd(Trainer trainer, EpochResult result) {
        List<LayerStats> rows = measure(result.epoch());
        history.addAll(rows);
        checkThresholds(result.epoch(), rows);
        if (directory != null) write();
    }

    // ------------------------------------------------------------------ measuring

    private float[] weights(int layer) { return model.layers().get(layer).parameters().get(0).value(); }

    private float[] weightGradient(int layer) { return model.layers().get(layer).parameters().get(0).grad(); }

    private void snapshot(float[][] into) {
        for (int k = 0; k < weighted.length; k++) System.arraycopy(weights(weighted[k]), 0, into[k], 0, into[k].length);
    }

    private List<LayerStats> measure(int epoch) {
        List<Layer> layers = model.layers();
        int n = probe.size(), sample = probe.inputs().sampleSize(), layerCount = layers.size();
        double[] sum = new double[layerCount], sumSq = new double[layerCount];
        long[] zeros = new long[layerCount], values = new long[layerCount];
        boolean[][] everPositive = new boolean[layerCount][];
        int[] units = new int[layerCount];
        for (int i = 0; i < layerCount; i++) {
            units[i] = layers.get(i).outputShape().dim(0);
            if (LayerKinds.isRectifier(layers.get(i).spec())) everPositive[i] = new boolean[units[i]];
        }
        // inference forward and backward of the mean probe loss, in chunks of the training batch size
        // (the layers' workspaces already have that size), accumulating statistics and gradients
        model.zeroGrad();
        for (int from = 0; from < n; from += chunk) {
            int count = Math.min(chunk, n - from);
            Tensor x = count == chunk ? chunkInput : lastInput(count);
            int[] y = java.util.Arrays.copyOfRange(probe.labels(), from, from + count);
            System.arraycopy(probe.inputs().data, from * sample, x.data, 0, count * sample);
            Tensor t = x;
            for (int i = 0; i < layerCount; i++) {
                t = layers.get(i).forward(t, false);
                int spatial = layers.get(i).outputShape().size() / units[i];
                float[] d = t.data;
                double s = 0, s2 = 0;
                long z = 0;
                for (int j = 0; j < d.length; j++) {
                    float v = d[j];
                    s += v;
                    s2 += (double) v * v;
                    if (v == 0f) z++;
                    if (everPositive[i] != null && v > 0f) everPositive[i][(j / spatial) % units[i]] = true;
                }
                sum[i] += s;
                sumSq[i] += s2;
                zeros[i] += z;
                values[i] += d.length;
            }
            SoftmaxCrossEntropy.Result r = loss.forwardBackward(t, y);
            float scale = (float) count / n;   // dLogits is (p - onehot) / count; the mean over the probe needs / n
            for (int j = 0; j < r.dLogits().data.length; j++) r.dLogits().data[j] *= scale;
            model.backward(r.dLogits());
        }
        double[] gradNorm = new double[layerCount], stepRatio = new double[layerCount], epochRatio = new double[layerCount];
        java.util.Arrays.fill(gradNorm, Double.NaN);
        java.util.Arrays.fill(stepRatio, Double.NaN);
        java.util.Arrays.fill(epochRatio, Double.NaN);
        for (int k = 0; k < weighted.length; k++) {
            int i = weighted[k];
            double g = 0;
            for (float v : weightGradient(i)) g += (double) v * v;
            gradNorm[i] = Math.sqrt(g);
            float[] w = weights(i);
            stepRatio[i] = updateRatio(w, stepSnapshotTaken ? stepStart[k] : epochStart[k]);
            epochRatio[i] = updateRatio(w, epochStart[k]);
        }
        model.zeroGrad();
        List<LayerStats> rows = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            double mean = sum[i] / values[i];
            double std = Math.sqrt(Math.max(0, sumSq[i] / values[i] - mean * mean));
            double dead = Double.NaN;
            if (everPositive[i] != null) {
                int deadUnits = 0;
                for (boolean p : everPositive[i]) if (!p) deadUnits++;
                dead = (double) deadUnits / units[i];
            }
            rows.add(new LayerStats(epoch, i, layers.get(i).spec().text(), units[i], gradNorm[i], stepRatio[i], epochRatio[i],
                    mean, std, (double) zeros[i] / values[i], dead));
        }
        return rows;
    }

    private Tensor lastInput(int count) {
        if (lastInput == null || lastInput.batch() != count) lastInput = Tensor.zeros(count, model.inputShape());
        return lastInput;
    }

    /** log10(mean |w - before| / mean |w|); -infinity when nothing moved, NaN when all weights are 0. */
    static double updateRatio(float[] w, float[] before) {
        double update = 0, size = 0;
        for (int j = 0; j < w.length; j++) {
            update += Math.abs((double) w[j] - before[j]);
            size += Math.abs(w[j]);
        }
        return size == 0 ? Double.NaN : Math.log10(update / size);
    }

    private void checkThresholds(int epoch, List<LayerStats> rows) {
        Set<String> now = new HashSet<>();
        for (LayerStats s : rows) {
            if (s.deadFraction() > thresholds.deadFraction()) {
                raise(now, new MonitorWarning(epoch, s.layer(), MonitorWarning.DEAD_UNITS, String.format(Locale.ROOT,
                        "%s: %.0f%% of its %d units were never positive on the %d probe samples (threshold %.0f%%); dead units pass no gradient"
                                + " to their weights and rarely recover. Try a lower learning rate, leaky_relu or prelu, or he_normal init",
                        s.name(), 100 * s.deadFraction(), s.units(), probe.size(), 100 * thresholds.deadFraction())));
            }
        }
        if (weighted.length >= 2) {
            LayerStats first = rows.get(weighted[0]), last = rows.get(weighted[weighted.length - 1]);
            if (first.gradientNorm() < thresholds.vanishingRatio() * last.gradientNorm()) {
                raise(now, new MonitorWarning(epoch, first.layer(), MonitorWarning.VANISHING_GRADIENT, String.format(Locale.ROOT,
                        "%s: gradient norm %.3g is %.2g of the last weighted layer's %.3g (threshold %.0e); the first layers barely learn."
                                + " Try relu instead of sigmoid/tanh, he_normal init, or fewer layers",
                        first.name(), first.gradientNorm(), first.gradientNorm() / last.gradientNorm(), last.gradientNorm(), thresholds.vanishingRatio())));
            }
        }
        active.clear();
        active.addAll(now);
    }

    private void raise(Set<String> now, MonitorWarning w) {
        String key = w.rule() + "/" + w.layer();
        now.add(key);
        if (active.contains(key)) return;   // still crossed since last epoch: said already
        warnings.add(w);
        onWarning.accept(w);
    }

    // ------------------------------------------------------------------ files

    private void write() {
        StringBuilder csv = new StringBuilder(LayerStats.CSV_HEADER).append('\n');
        for (LayerStats s : history) csv.append(s.csvRow()).append('\n');
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("probe_samples", probe.size());
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("dead_fraction", thresholds.deadFraction());
        limits.put("vanishing_ratio", thresholds.vanishingRatio());
        json.put("thresholds", limits);
        json.put("rows", history.stream().map(LayerStats::toMap).toList());
        json.put("warnings", warnings.stream().map(MonitorWarning::toMap).toList());
        writeAtomically(directory.resolve(CSV_FILE), csv.toString());
        writeAtomically(directory.resolve(JSON_FILE), Json.write(json));
    }

    private static void writeAtomically(Path file, String text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write monitor file " + file + ": " + e.getMessage(), e);
        }
    }
}
