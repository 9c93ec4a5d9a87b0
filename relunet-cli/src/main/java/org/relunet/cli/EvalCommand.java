package org.relunet.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.relunet.data.Dataset;
import org.relunet.io.ModelFile;
import org.relunet.nn.Model;
import org.relunet.train.Evaluation;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code relunet eval}: accuracy, per-class accuracy and the confusion matrix of a saved model on a data set. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model: accuracy, loss, per-class accuracy and the confusion matrix.",
        footer = {"", "Examples:", "  relunet eval --model cnn.rnm", "  relunet eval --model m.rnm --data spirals --json eval.json"})
final class EvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", required = true, description = "A model file (or a checkpoint directory).")
    Path model;
    @Option(names = "--data", paramLabel = "DATA", description = "Data to evaluate on (default: the data the model was trained on): fashion-mnist, fashion-mnist-subset, an IDX directory, or spirals|circles|xor|blobs.")
    String data;
    @Option(names = "--split", paramLabel = "PART", description = "test (default) or train.")
    String split = "test";
    @Option(names = "--batch", paramLabel = "N", description = "Samples per forward pass (default 256).")
    Integer batch;
    @Option(names = "--threads", paramLabel = "N", description = "Threads the kernels use (default: all cores).")
    Integer threads;
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        int batchSize = Check.atLeast("--batch", batch == null ? 256 : batch, 1, "256");
        ModelArgs.threads(threads);
        if (!split.equals("test") && !split.equals("train")) throw new UserError("--split must be test or train, got '" + split + "'");
        TrainCommand.checkWritableFile("--json", json);
        ModelFile.Contents contents = ModelArgs.read(model);
        Model m = contents.model();
        DataSource.Loaded loaded = DataSource.forModel(data, contents.settings());
        if (loaded.notice() != null) err.println(loaded.notice());
        Dataset set = split.equals("test") ? loaded.test() : loaded.train();
        if (!set.sampleShape().equals(m.inputShape())) {
            throw new UserError("--model " + model + " expects input " + m.inputShape() + " but " + set.name() + " has samples of shape "
                    + set.sampleShape() + "; evaluate on the data it was trained on (--data " + contents.settings().getOrDefault("data", "...") + ")");
        }
        if (m.outputShape().size() != set.classes()) {
            throw new UserError("--model " + model + " has " + m.outputShape().size() + " outputs but " + set.name() + " has "
                    + set.classes() + " classes; evaluate on the data it was trained on");
        }
        Evaluation e = Evaluation.of(m, set, batchSize);
        String[] names = set.classNames();
        out.println("model     " + model + ": " + m.specText() + " (" + String.format(Locale.ROOT, "%,d", m.parameterCount()) + " parameters)");
        out.println("data      " + set.name() + ", " + set.size() + " samples");
        int correct = 0;
        for (int c = 0; c < names.length; c++) correct += e.confusion()[c][c];
        out.println(String.format(Locale.ROOT, "accuracy  %.4f (%d/%d)   loss %.4f", e.accuracy(), correct, e.samples(), e.loss()));
        out.println();
        out.println("per-class accuracy:");
        double[] perClass = e.perClassAccuracy();
        int nameWidth = 5;
        for (String n : names) nameWidth = Math.max(nameWidth, n.length());
        for (int c = 0; c < names.length; c++) {
            int total = 0;
            for (int v : e.confusion()[c]) total += v;
            out.println(String.format(Locale.ROOT, "  %2d %-" + nameWidth + "s  %s  (%d/%d)", c, names[c],
                    Double.isNaN(perClass[c]) ? "   n/a" : String.format(Locale.ROOT, "%.4f", perClass[c]), e.confusion()[c][c], total));
        }
        out.println();
        out.println("confusion matrix (rows: true class, columns: predicted class):");
        int width = 4;
        for (int[] row : e.confusion()) for (int v : row) width = Math.max(width, Integer.toString(v).length() + 1);
        StringBuilder head = new StringBuilder("     ");
        for (int c = 0; c < names.length; c++) head.append(String.format(Locale.ROOT, "%" + width + "d", c));
        out.println(head);
        for (int r = 0; r < names.length; r++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %2d ", r));
            for (int c = 0; c < names.length; c++) row.append(String.format(Locale.ROOT, "%" + width + "d", e.confusion()[r][c]));
            out.println(row);
        }
        if (json != null) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("model", model.toString());
            root.put("layers", m.specText());
            root.put("data", set.name());
            root.put("samples", e.samples());
            root.put("accuracy", e.accuracy());
            root.put("loss", e.loss());
            root.put("classes", List.of(names));
            root.put("per_class_accuracy", perClass);
            List<Object> rows = new ArrayList<>();
            for (int[] row : e.confusion()) rows.add(row);
            root.put("confusion", rows);
            JsonFile.write(json, root, "--json");
            out.println();
            out.println("json      " + json);
        }
        return Main.OK;
    }
}
