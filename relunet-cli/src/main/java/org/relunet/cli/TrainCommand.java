package org.relunet.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.relunet.data.Dataset;
import org.relunet.inspect.Finding;
import org.relunet.inspect.TrainingMonitor;
import org.relunet.io.Checkpointer;
import org.relunet.io.ModelFile;
import org.relunet.io.ModelFileException;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Parallel;
import org.relunet.nn.LayerSpec;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.optim.Adam;
import org.relunet.optim.Optimizer;
import org.relunet.optim.Schedule;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Shape;
import org.relunet.train.EpochResult;
import org.relunet.train.NonFiniteException;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingConfig;
import org.relunet.train.TrainingListener;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relunet train}: builds a network from a preset or a layer spec, trains it on the chosen
 * data with a progress bar and a line per epoch, and optionally saves the model, a checkpoint at
 * every epoch end (resumable bit for bit with {@code --resume}) and a metrics JSON file.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a network and report loss and accuracy after every epoch.",
        footer = {"", "Examples:",
                "  relunet train --preset cnn --epochs 2 --save cnn.rnm",
                "  relunet train --layers \"flatten dense(256) relu dense(10)\" --optimizer adam --lr 0.001",
                "  relunet train --data spirals --layers \"dense(64) relu dense(64) relu dense(3)\" --epochs 50",
                "  relunet train --preset cnn --checkpoint runs/cnn      (then, after a crash:)",
                "  relunet train --resume runs/cnn",
                "",
                "Exit codes: 0 success, 2 user error, 3 training diverged (NaN or Inf; the last good checkpoint is kept)."})
final class TrainCommand implements Callable<Integer> {
    static final String DEFAULT_OPTIMIZER = "sgd";
    static final long DEFAULT_SEED = 42;
    /** Test samples the training monitor measures on each epoch. */
    static final int MONITOR_PROBE = 512;

    /**
     * Default epochs, batch size and SGD rate: those of the reference workloads (WORKLOADS.md) for
     * the presets, W1 for mlp and W2 for cnn, and 5 epochs of batch 64 at 0.02 for any other network.
     */
    record Workload(int epochs, int batch, double sgdRate) {
        static Workload of(String preset) {
            return switch (preset.toLowerCase(Locale.ROOT)) {
                case "mlp", "w1" -> new Workload(5, 128, 0.05);
                case "cnn", "w2" -> new Workload(2, 64, 0.02);
                default -> new Workload(5, 64, 0.02);
            };
        }
    }

    @Spec CommandSpec spec;
    private final boolean terminal;

    @Option(names = "--preset", paramLabel = "NAME", description = "A reference network: mlp (W1) or cnn (W2). Default: cnn for images, a small MLP for the 2-D sets.")
    String preset;
    @Option(names = "--layers", paramLabel = "SPEC", description = "A layer spec, e.g. \"conv(32,5,pad=2) relu maxpool(2) flatten dense(10)\" (see docs/cli.md).")
    String layers;
    @Option(names = "--activation", paramLabel = "NAME", description = "Replace every hidden activation of the preset or spec, e.g. tanh, sigmoid, leaky_relu, elu, gelu, prelu.")
    String activation;
    @Option(names = "--data", paramLabel = "DATA", description = "fashion-mnist (default; the full set if installed, else the embedded subset), fashion-mnist-subset, an IDX directory, or spirals|circles|xor|blobs.")
    String data;
    @Option(names = "--samples", paramLabel = "N", description = "Training points of a synthetic set (default " + DataSource.DEFAULT_SAMPLES + "); the test part has a quarter as many.")
    Integer samples;
    @Option(names = "--noise", paramLabel = "X", description = "Noise of a synthetic set (standard deviation per coordinate).")
    Double noise;
    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set (default: 2 for cnn, 5 otherwise).")
    Integer epochs;
    @Option(names = "--batch", paramLabel = "N", description = "Samples per step (default: 128 for mlp, 64 otherwise).")
    Integer batch;
    @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default: sgd 0.05 for mlp, 0.02 otherwise; adam and adamw 0.001).")
    Double lr;
    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd (default), adam or adamw.")
    String optimizer;
    @Option(names = "--momentum", paramLabel = "X", description = "SGD momentum in [0, 1) (default 0.9).")
    Double momentum;
    @Option(names = "--nesterov", description = "Nesterov momentum (SGD).")
    Boolean nesterov;
    @Option(names = "--weight-decay", paramLabel = "X", description = "Weight decay, L2 for sgd and adam, decoupled for adamw (default 0).")
    Double weightDecay;
    @Option(names = "--schedule", paramLabel = "S", description = "Learning-rate schedule: constant (default), step(every=N,gamma=G) or cosine(min=F).")
    String schedule;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the initial weights, dropout and shuffling (default " + DEFAULT_SEED + ").")
    Long seed;
    @Option(names = "--threads", paramLabel = "N", description = "Threads the kernels use (default: all cores). The same count gives the same bits.")
    Integer threads;
    @Option(names = "--save", paramLabel = "FILE", description = "Save the trained model to FILE (.rnm), atomically.")
    Path save;
    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Save a checkpoint to DIR/checkpoint.rnm at every epoch end.")
    Path checkpoint;
    @Option(names = "--resume", paramLabel = "DIR", description = "Resume the run checkpointed in DIR with its settings; gives the same result as an uninterrupted run.")
    Path resume;
    @Option(names = "--metrics-json", paramLabel = "FILE", description = "Write metrics (test_accuracy, epochs[...]) to FILE, updated after every epoch.")
    Path metricsJson;
    @Option(names = "--monitor", paramLabel = "DIR", description = "Watch every layer each epoch on " + MONITOR_PROBE + " test samples (gradient norm, activations, dead units, update ratio); write DIR/monitor.csv and DIR/monitor.json and print warnings.")
    Path monitor;

    private Map<String, String> saved = Map.of();

    TrainCommand(boolean terminal) { this.terminal = terminal; }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        if (preset != null && layers != null) throw new UserError("give either --preset or --layers, not both");
        if (threads != null) Check.atLeast("--threads", threads, 1, "2");
        if (epochs != null) Check.atLeast("--epochs", epochs, 1, "5");
        checkWritableFile("--save", save);
        checkWritableFile("--metrics-json", metricsJson);
        checkWritableDirectory("--monitor", monitor);
        List<LayerSpec> givenSpecs = givenArchitecture();

        ModelFile.Contents resumed = null;
        if (resume != null) {
            Path file = Checkpointer.file(resume);
            if (!Files.isDirectory(resume)) {
                throw new UserError("--resume " + resume + ": no such directory; give the --checkpoint directory of an earlier run");
            }
            if (!Files.exists(file)) {
                throw new UserError("--resume " + resume + ": holds no " + Checkpointer.FILE_NAME + "; start a run with --checkpoint " + resume + " first");
            }
            resumed = ModelFile.read(file);
            if (resumed.training().isEmpty()) {
                throw new UserError("--resume " + file + ": holds no training state; give a directory written by --checkpoint");
            }
            saved = resumed.settings();
        }

        // What to train on, and with what: flags, else the checkpoint's settings, else defaults.
        String dataArg = data != null && Files.isDirectory(Path.of(data)) ? Path.of(data).toAbsolutePath().normalize().toString() : data;
        String dataName = pick("--data", "data", dataArg, s -> s, DataSource.FASHION);
        Integer sampleCount = pick("--samples", "samples", samples, Integer::valueOf, null);
        Double noiseLevel = pick("--noise", "noise", noise, Double::valueOf, null);
        String optimizerName = pick("--optimizer", "optimizer", optimizer == null ? null : optimizer.toLowerCase(Locale.ROOT), s -> s, DEFAULT_OPTIMIZER);
        if (!List.of("sgd", "adam", "adamw").contains(optimizerName)) {
            throw new UserError("--optimizer must be sgd, adam or adamw, got '" + optimizerName + "'");
        }
        boolean isSgd = optimizerName.equals("sgd");
        if (!isSgd && (momentum != null || nesterov != null)) {
            throw new UserError("--momentum and --nesterov apply to --optimizer sgd; Adam uses its own moments (betas 0.9, 0.999)");
        }
        Double givenRate = pick("--lr", "lr", lr, Double::valueOf, null);
        if (givenRate != null) Check.positive("--lr", givenRate, "0.01");
        double mu = isSgd ? Check.fraction("--momentum", pick("--momentum", "momentum", momentum, Double::valueOf, 0.9), "0.9") : 0;
        boolean nest = isSgd && pick("--nesterov", "nesterov", nesterov, Boolean::valueOf, false);
        if (nest && mu == 0) throw new UserError("--nesterov needs momentum > 0; e.g. --momentum 0.9");
        double decay = Check.nonNegative("--weight-decay", pick("--weight-decay", "weight_decay", weightDecay, Double::valueOf, 0.0), "0.0005");
        Schedule givenSchedule = null;
        if (schedule != null) {
            try {
                givenSchedule = Schedule.parse(schedule);
            } catch (IllegalArgumentException e) {
                throw new UserError("--schedule: " + e.getMessage());
            }
        }
        Schedule sched = pick("--schedule", "schedule", givenSchedule, Schedule::parse, new Schedule.Constant());
        Integer givenBatch = pick("--batch", "batch", batch, Integer::valueOf, null);
        if (givenBatch != null) Check.atLeast("--batch", givenBatch, 1, "64");
        long seedValue = pick("--seed", "seed", seed, Long::valueOf, DEFAULT_SEED);
        Integer givenEpochs = epochs != null ? epochs : saved.containsKey("epochs") ? Integer.valueOf(saved.get("epochs")) : null;
        int threadCount = threads != null ? threads : Parallel.threads();
        Parallel.setThreads(threadCount);

        DataSource.Loaded loaded = DataSource.load(dataName, sampleCount, noiseLevel);
        if (loaded.notice() != null) err.println(loaded.notice());
        Shape input = loaded.train().sampleShape();
        int classes = loaded.train().classes();

        List<LayerSpec> specs = architecture(givenSpecs, input, classes, resumed);
        // The presets are the reference workloads; without flags they train with the workloads' settings.
        Workload defaults = Workload.of(preset != null ? preset : layers == null && resumed == null
                && LayerSpecParser.format(defaultSpecs(input, classes)).equals(Presets.CNN) ? "cnn" : "");
        double rate = givenRate != null ? givenRate : isSgd ? defaults.sgdRate() : 0.001;
        int batchSize = givenBatch != null ? givenBatch : defaults.batch();
        int epochCount = givenEpochs != null ? givenEpochs : defaults.epochs();
        Model model;
        String flag = layers != null ? "--layers" : preset != null ? "--preset " + preset : "the default network";
        try {
            model = Model.of(input, specs, seedValue);
        } catch (IllegalArgumentException e) {
            throw new UserError(flag + ": " + e.getMessage() + " (the " + dataName + " samples have shape " + input
                    + "); fix the spec, e.g. check it with relunet summary --layers SPEC --input-shape " + join(input.dims()), e);
        }
        if (model.outputShape().size() != classes) {
            throw new UserError(flag + ": the network ends with " + model.outputShape().size() + " outputs but " + dataName + " has "
                    + classes + " classes; end the spec with dense(" + classes + ")");
        }

        Optimizer opt;
        try {
            opt = switch (optimizerName) {
                case "sgd" -> new Sgd(rate, mu, nest, decay);
                case "adam" -> Adam.adam(rate, 0.9, 0.999, 1e-8, decay);
                default -> Adam.adamW(rate, 0.9, 0.999, 1e-8, decay);
            };
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + "; see relunet train --help", e);
        }
        TrainingConfig config = new TrainingConfig(epochCount, batchSize, seedValue + 1, true, sched);
        Trainer trainer = new Trainer(model, opt, config);

        Map<String, String> settings = new LinkedHashMap<>(loaded.settings());
        settings.put("layers", model.specText());
        settings.put("optimizer", optimizerName);
        settings.put("lr", Double.toString(rate));
        if (isSgd) {
            settings.put("momentum", Double.toString(mu));
            settings.put("nesterov", Boolean.toString(nest));
        }
        settings.put("weight_decay", Double.toString(decay));
        settings.put("schedule", sched.describe());
        settings.put("batch", Integer.toString(batchSize));
        settings.put("epochs", Integer.toString(epochCount));
        settings.put("seed", Long.toString(seedValue));
        settings.put("threads", Integer.toString(threadCount));
        settings.put("classes", String.join("|", loaded.classNames()));

        Path checkpointDir = checkpoint != null ? checkpoint : resume;
        if (resumed != null) {
            ModelFile.loadCheckpoint(Checkpointer.file(resume), trainer);
            int savedThreads = resumed.training().get().threads();
            if (savedThreads > 0 && savedThreads != threadCount) {
                err.println("note: the run used " + savedThreads + " threads and resumes with " + threadCount
                        + "; the result may differ in the last bits from an uninterrupted run (give --threads " + savedThreads + " to match)");
            }
        }

        out.println("data      " + loaded.description());
        out.println("model     " + model.specText() + " on input " + input + " (" + String.format(Locale.ROOT, "%,d", model.parameterCount()) + " parameters)");
        out.println("training  " + opt.describe() + ", batch " + batchSize + ", " + epochCount + (epochCount == 1 ? " epoch" : " epochs") + ", schedule " + sched.describe()
                + ", seed " + seedValue + ", " + threadCount + (threadCount == 1 ? " thread" : " threads")
                + ", kernels " + KernelProvider.choice().reason());
        if (resumed != null) {
            out.println("resuming  from " + Checkpointer.file(resume) + " at epoch " + trainer.epochsDone() + " of " + epochCount);
        }
        for (Finding f : model.lintFindings()) {
            if (f.severity() != Finding.Severity.INFO) out.println("lint      " + f);
        }

        Progress progress = new Progress(out, err, terminal);
        trainer.addListener(progress);
        Checkpointer checkpointer = null;
        if (checkpointDir != null) {
            Map<String, String> checkpointSettings = new LinkedHashMap<>(settings);
            if (save != null) checkpointSettings.put("save", save.toString());
            if (metricsJson != null) checkpointSettings.put("metrics_json", metricsJson.toString());
            checkpointer = new Checkpointer(checkpointDir, checkpointSettings);
            trainer.addListener(checkpointer);
        }
        Metrics metrics = new Metrics(metricsJson, loaded.description(), model, opt, batchSize, seedValue, threadCount);
        if (metricsJson != null) {
            trainer.addListener(new TrainingListener() {
                @Override public void onEpochEnd(Trainer t, EpochResult r) { metrics.write(t.history(), "running", null); }
            });
        }

        if (monitor != null) {
            Dataset probe = loaded.test().head(Math.min(MONITOR_PROBE, loaded.test().size()));
            TrainingMonitor watcher = new TrainingMonitor(probe, monitor).onWarning(w -> out.println("monitor   warning: " + w));
            trainer.addListener(watcher);
            trainer.addListener(new TrainingListener() {
                @Override public void onEpochEnd(Trainer t, EpochResult r) {
                    try {
                        org.relunet.lab.MonitorFigures.write(watcher.history(), monitor);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException("cannot write the monitor figures to " + monitor + ": " + e.getMessage(), e);
                    }
                }
            });
            out.println("monitor   " + monitor.resolve(TrainingMonitor.CSV_FILE) + ", " + monitor.resolve(TrainingMonitor.JSON_FILE)
                    + ", figures " + String.join(", ", org.relunet.lab.MonitorFigures.NAMES) + " (.png, .svg)"
                    + " (per layer and epoch, on " + probe.size() + " test samples)");
        }

        long start = System.nanoTime();
        if (trainer.epochsDone() >= epochCount) {
            out.println("nothing to train: the checkpoint already has all " + epochCount + " epochs (give --epochs N to train longer)");
        } else {
            try {
                trainer.fit(loaded.train(), loaded.test());
            } catch (NonFiniteException e) {
                progress.clear();
                metrics.write(trainer.history(), "diverged", e.getMessage());
                String kept = checkpointer == null ? "no checkpoint was kept (train with --checkpoint DIR to keep one)"
                        : checkpointer.lastEpoch() > 0 ? "the last good checkpoint is " + Checkpointer.file(checkpointDir) + " (epoch " + checkpointer.lastEpoch() + ")"
                        : resumed != null ? "the checkpoint " + Checkpointer.file(checkpointDir) + " is unchanged"
                        : "no epoch finished, so no checkpoint was written";
                err.println("relunet train: " + e.getMessage() + "; " + kept);
                return Main.DIVERGED;
            } catch (ModelFileException e) {
                progress.clear();
                throw e;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<EpochResult> history = trainer.history();
        if (!history.isEmpty()) {
            EpochResult last = history.get(history.size() - 1);
            out.println(String.format(Locale.ROOT, "test accuracy %.4f after %d %s (%.1f s)", last.testAccuracy(), last.epoch(),
                    last.epoch() == 1 ? "epoch" : "epochs", seconds));
        }
        Path saveTo = save != null ? save : saved.containsKey("save") ? Path.of(saved.get("save")) : null;
        if (saveTo != null) {
            ModelFile.save(model, saveTo, settings);
            out.println("saved     " + saveTo);
        }
        Path metricsTo = metricsJson != null ? metricsJson : saved.containsKey("metrics_json") ? Path.of(saved.get("metrics_json")) : null;
        if (metricsTo != null) {
            new Metrics(metricsTo, loaded.description(), model, opt, batchSize, seedValue, threadCount).write(history, "finished", null);
            out.println("metrics   " + metricsTo);
        }
        return Main.OK;
    }

    /**
     * A flag's value: the checkpoint's when resuming (a different value on the command line is an
     * error, since the run would no longer be the same), else the flag's, else the default.
     */
    private <T> T pick(String flag, String key, T given, Function<String, T> parse, T fallback) {
        String s = saved.get(key);
        if (s != null) {
            T old = parse.apply(s);
            if (given != null && !Objects.equals(describe(given), describe(old))) {
                throw new UserError(flag + " " + describe(given) + " differs from the " + describe(old) + " of the checkpoint in " + resume
                        + "; drop " + flag + " to resume that run, or start a new run without --resume");
            }
            return old;
        }
        return given != null ? given : fallback;
    }

    private static String describe(Object v) {
        if (v instanceof Schedule s) return s.describe();
        if (v instanceof Double d) return Check.show(d);
        return String.valueOf(v);
    }

    /** The specs of --preset or --layers, with --activation applied; null when neither is given. Checked before any data is loaded. */
    private List<LayerSpec> givenArchitecture() {
        List<LayerSpec> specs = null;
        if (preset != null) {
            try {
                specs = LayerSpecParser.parse(Presets.spec(preset));
            } catch (IllegalArgumentException e) {
                throw new UserError("--preset: " + e.getMessage());
            }
        } else if (layers != null) {
            try {
                specs = LayerSpecParser.parse(layers);
            } catch (IllegalArgumentException e) {
                throw new UserError("--layers: " + e.getMessage());
            }
        }
        if (activation != null) {
            LayerSpec replacement = activationSpec(activation);
            if (specs != null) specs = withActivation(specs, replacement);
        }
        return specs;
    }

    /** The layer specs: the checkpoint's when resuming, else --preset, --layers or the default for the data, then --activation. */
    private List<LayerSpec> architecture(List<LayerSpec> given, Shape input, int classes, ModelFile.Contents resumed) {
        List<LayerSpec> specs = given;
        if (specs == null && activation != null) {
            specs = withActivation(resumed != null ? resumed.model().specs() : defaultSpecs(input, classes), activationSpec(activation));
        }
        if (resumed != null) {
            List<LayerSpec> fromFile = resumed.model().specs();
            if (specs != null && !LayerSpecParser.format(specs).equals(LayerSpecParser.format(fromFile))) {
                throw new UserError("the layers '" + LayerSpecParser.format(specs) + "' differ from the checkpoint's '"
                        + LayerSpecParser.format(fromFile) + "' in " + resume + "; drop --preset/--layers/--activation to resume that run");
            }
            if (!resumed.model().inputShape().equals(input)) {
                throw new UserError("the checkpoint in " + resume + " was trained on input " + resumed.model().inputShape()
                        + " but the data has samples of shape " + input + "; resume with the same --data");
            }
            return fromFile;
        }
        return specs != null ? specs : defaultSpecs(input, classes);
    }

    /** Every hidden activation (not softmax) replaced. */
    static List<LayerSpec> withActivation(List<LayerSpec> specs, LayerSpec replacement) {
        List<LayerSpec> replaced = new ArrayList<>();
        for (LayerSpec s : specs) replaced.add(s instanceof LayerSpec.ActivationSpec || s instanceof LayerSpec.PReLUSpec ? replacement : s);
        return replaced;
    }

    /** CNN (W2) for 28x28 grey images, otherwise a small MLP ending in one output per class. */
    static List<LayerSpec> defaultSpecs(Shape input, int classes) {
        if (input.equals(Presets.FASHION_MNIST) && classes == 10) return LayerSpecParser.parse(Presets.CNN);
        String flatten = input.isVector() ? "" : "flatten ";
        return LayerSpecParser.parse(flatten + "dense(32) relu dense(32) relu dense(" + classes + ")");
    }

    static LayerSpec activationSpec(String name) {
        LayerSpec s;
        try {
            s = LayerSpecParser.parseToken(name);
        } catch (IllegalArgumentException e) {
            throw new UserError("--activation '" + name + "': " + e.getMessage() + "; use relu, leaky_relu, prelu, elu, gelu, silu, softplus, sigmoid, tanh or identity");
        }
        if (!(s instanceof LayerSpec.ActivationSpec || s instanceof LayerSpec.PReLUSpec)) {
            throw new UserError("--activation '" + name + "' is not an activation; use relu, leaky_relu, prelu, elu, gelu, silu, softplus, sigmoid, tanh or identity");
        }
        return s;
    }

    /** Fails before training, not after it, when an output file cannot be written. */
    static void checkWritableFile(String flag, Path file) {
        if (file == null) return;
        if (Files.isDirectory(file)) throw new UserError(flag + " " + file + ": is a directory; give a file name such as " + file.resolve("model.rnm"));
        Path parent = file.toAbsolutePath().getParent();
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new UserError(flag + " " + file + ": cannot create it in " + parent + "; choose a writable directory");
        }
    }

    /** Fails before training when a directory cannot be created or written. */
    static void checkWritableDirectory(String flag, Path dir) {
        if (dir == null) return;
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new UserError(flag + " " + dir + ": is a file; give a directory, e.g. runs/monitor");
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new UserError(flag + " " + dir + ": cannot create or write it; choose a writable directory");
        }
    }

    static String join(int[] dims) {
        StringBuilder b = new StringBuilder();
        for (int d : dims) b.append(b.isEmpty() ? "" : ",").append(d);
        return b.toString();
    }

    /** The metrics JSON: the run's settings, every epoch so far, and the final test accuracy. */
    private record Metrics(Path file, String data, Model model, Optimizer optimizer, int batch, long seed, int threads) {
        void write(List<EpochResult> history, String status, String error) {
            if (file == null) return;
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("status", status);
            if (error != null) root.put("error", error);
            root.put("test_accuracy", history.isEmpty() ? null : history.get(history.size() - 1).testAccuracy());
            root.put("test_loss", history.isEmpty() ? null : history.get(history.size() - 1).testLoss());
            root.put("data", data);
            root.put("layers", model.specText());
            root.put("input_shape", model.inputShape().dims());
            root.put("parameters", model.parameterCount());
            root.put("optimizer", optimizer.describe());
            root.put("batch", batch);
            root.put("seed", seed);
            root.put("threads", threads);
            root.put("kernels", KernelProvider.choice().reason());
            List<Object> epochs = new ArrayList<>();
            for (EpochResult r : history) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("epoch", r.epoch());
                e.put("seconds", r.seconds());
                e.put("train_loss", r.trainLoss());
                e.put("train_accuracy", r.trainAccuracy());
                e.put("test_loss", r.testLoss());
                e.put("test_accuracy", r.testAccuracy());
                e.put("learning_rate", r.learningRate());
                epochs.add(e);
            }
            root.put("epochs", epochs);
            JsonFile.write(file, root, "--metrics-json");
        }
    }
}
