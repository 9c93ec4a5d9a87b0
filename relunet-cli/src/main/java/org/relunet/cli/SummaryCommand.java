package org.relunet.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.relunet.io.ModelFile;
import org.relunet.nn.LayerSpec;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.tensor.Shape;
import org.relunet.train.EpochResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code relunet summary}: the architecture table (layer, output shape, parameters, FLOPs) of a preset, a spec or a model file. */
@Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the architecture table of a preset, a layer spec or a model file.",
        footer = {"", "Examples:", "  relunet summary --preset cnn",
                "  relunet summary --layers \"dense(64) relu dense(3)\" --input-shape 2",
                "  relunet summary --model cnn.rnm"})
final class SummaryCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", description = "mlp or cnn.")
    String preset;
    @Option(names = "--layers", paramLabel = "SPEC", description = "A layer spec, e.g. \"flatten dense(256) relu dense(10)\".")
    String layers;
    @Option(names = "--model", paramLabel = "FILE", description = "A model file (or a checkpoint directory).")
    Path model;
    @Option(names = "--activation", paramLabel = "NAME", description = "Replace every hidden activation of the preset or spec.")
    String activation;
    @Option(names = "--input-shape", paramLabel = "DIMS", description = "Input shape of one sample for --preset/--layers: C,H,W or F (default 1,28,28).")
    String inputShape;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int given = (preset != null ? 1 : 0) + (layers != null ? 1 : 0) + (model != null ? 1 : 0);
        if (given != 1) throw new UserError("give exactly one of --preset NAME, --layers SPEC or --model FILE");
        if (model != null) {
            if (inputShape != null || activation != null) throw new UserError("--input-shape and --activation apply to --preset and --layers, not to --model");
            ModelFile.Contents c = ModelArgs.read(model);
            out.println("file      " + c.file() + " (model file format " + c.version() + ", " + String.format(Locale.ROOT, "%,d", c.bytes()) + " bytes)");
            c.training().ifPresent(t -> {
                List<EpochResult> h = t.state().history();
                String last = h.isEmpty() || Double.isNaN(h.get(h.size() - 1).testAccuracy()) ? ""
                        : String.format(Locale.ROOT, ", test accuracy %.4f", h.get(h.size() - 1).testAccuracy());
                out.println("training  checkpoint at epoch " + t.state().epochsDone() + " of " + t.config().epochs() + ", "
                        + t.optimizerDescription() + ", step " + t.state().optimizerSteps() + last);
            });
            Map<String, String> s = c.settings();
            if (!s.isEmpty()) {
                StringBuilder b = new StringBuilder();
                for (Map.Entry<String, String> e : s.entrySet()) {
                    if (e.getKey().equals("classes") || e.getKey().equals("layers")) continue;
                    b.append(b.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
                }
                out.println("settings  " + b);
            }
            out.println();
            out.print(c.model().summary());
            return Main.OK;
        }
        Shape shape = parseShape(inputShape);
        List<LayerSpec> specs = parseSpecs(preset, layers);
        if (activation != null) {
            LayerSpec replacement = TrainCommand.activationSpec(activation);
            specs = TrainCommand.withActivation(specs, replacement);
        }
        Model m;
        try {
            m = Model.of(shape, specs, 0);
        } catch (IllegalArgumentException e) {
            throw new UserError((layers != null ? "--layers" : "--preset " + preset) + ": " + e.getMessage() + " (input " + shape
                    + "); fix the spec or give --input-shape");
        }
        out.print(m.summary());
        return Main.OK;
    }

    /** The layers of {@code --preset NAME} or, when it is null, of {@code --layers SPEC}; a bad name or spec is a user error naming its option. */
    static List<LayerSpec> parseSpecs(String preset, String layers) {
        String text;
        try {
            text = preset != null ? Presets.spec(preset) : layers;
        } catch (IllegalArgumentException e) {
            throw new UserError("--preset: " + e.getMessage());
        }
        try {
            return LayerSpecParser.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserError("--layers: " + e.getMessage());
        }
    }

    static Shape parseShape(String text) {
        if (text == null) return Presets.FASHION_MNIST;
        String[] parts = text.replace("(", "").replace(")", "").replace("x", ",").split(",");
        int[] dims = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) dims[i] = Integer.parseInt(parts[i].trim());
            if (dims.length != 1 && dims.length != 3) throw new NumberFormatException();
            return Shape.of(dims);
        } catch (IllegalArgumentException e) {
            throw new UserError("--input-shape must be C,H,W (an image) or F (a vector) of positive whole numbers, got '" + text
                    + "'; e.g. --input-shape 1,28,28");
        }
    }
}
