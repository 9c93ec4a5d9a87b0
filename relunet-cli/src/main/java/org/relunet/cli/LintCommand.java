package org.relunet.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.relunet.inspect.Finding;
import org.relunet.inspect.LintRule;
import org.relunet.inspect.ModelLint;
import org.relunet.io.ModelFile;
import org.relunet.nn.LayerSpec;
import org.relunet.nn.LayerSpecParser;
import org.relunet.tensor.Shape;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relunet lint}: checks an architecture for the mistakes of the seed question (ReLU after
 * softmax, softmax in hidden layers, a softmax before the loss) and others, each with a fix.
 * Exit code {@value Main#LINT_FAILED} when an error-level finding is made (or any finding, with
 * {@code --strict}), so scripts can gate on it; warnings alone exit 0.
 */
@Command(name = "lint", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Check a network for mistakes such as ReLU after softmax, softmax in a hidden layer or linear layers that collapse into one.",
        footer = {"", "Each finding has a severity: error (training will go wrong), warning (likely to hurt) or info (pointless but harmless).",
                "", "Exit codes: 0 no error-level finding, " + Main.LINT_FAILED + " at least one (with --strict: any finding), 2 user error.",
                "", "Examples:", "  relunet lint --layers \"flatten dense(64) softmax relu dense(10)\"",
                "  relunet lint --preset cnn", "  relunet lint --model cnn.rnm", "  relunet lint --rules"})
final class LintCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--preset", paramLabel = "NAME", description = "mlp or cnn.")
    String preset;
    @Option(names = "--layers", paramLabel = "SPEC", description = "A layer spec, e.g. \"flatten dense(256) relu dense(10)\".")
    String layers;
    @Option(names = "--model", paramLabel = "FILE", description = "A model file (or a checkpoint directory).")
    Path model;
    @Option(names = "--input-shape", paramLabel = "DIMS", description = "Input shape of one sample for --preset/--layers: C,H,W or F (default 1,28,28).")
    String inputShape;
    @Option(names = "--strict", description = "Exit " + Main.LINT_FAILED + " on warnings and info findings too.")
    boolean strict;
    @Option(names = "--rules", description = "List the rules and exit.")
    boolean rules;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (rules) {
            for (LintRule r : ModelLint.rules()) out.println(String.format(Locale.ROOT, "%-26s %s", r.id(), r.description()));
            out.println(String.format(Locale.ROOT, "%-26s %s", ModelLint.SHAPE_RULE, "layer shapes that do not fit together"));
            return Main.OK;
        }
        int given = (preset != null ? 1 : 0) + (layers != null ? 1 : 0) + (model != null ? 1 : 0);
        if (given != 1) throw new UserError("give exactly one of --preset NAME, --layers SPEC or --model FILE (or --rules)");
        List<LayerSpec> specs;
        Shape shape;
        if (model != null) {
            if (inputShape != null) throw new UserError("--input-shape applies to --preset and --layers; a model file knows its input shape");
            ModelFile.Contents c = ModelArgs.read(model);
            specs = c.model().specs();
            shape = c.model().inputShape();
        } else {
            shape = SummaryCommand.parseShape(inputShape);
            specs = SummaryCommand.parseSpecs(preset, layers);
        }
        List<Finding> findings = ModelLint.check(specs, shape);
        out.println("model     " + LayerSpecParser.format(specs) + " on input " + shape);
        for (Finding f : findings) {
            out.println(String.format(Locale.ROOT, "%-7s %s%s: %s", f.severity().label(), f.layerIndex() >= 0 ? "layer " + f.layerIndex() + " " : "",
                    "[" + f.rule() + "]", f.message()));
            out.println("        fix: " + f.fix());
        }
        long errors = count(findings, Finding.Severity.ERROR), warnings = count(findings, Finding.Severity.WARNING), infos = count(findings, Finding.Severity.INFO);
        out.println(findings.isEmpty() ? "no findings" : errors + plural(errors, " error") + ", " + warnings + plural(warnings, " warning") + ", " + infos + " info");
        return errors > 0 || (strict && !findings.isEmpty()) ? Main.LINT_FAILED : Main.OK;
    }

    private static long count(List<Finding> findings, Finding.Severity s) { return findings.stream().filter(f -> f.severity() == s).count(); }

    private static String plural(long n, String word) { return n == 1 ? word : word + "s"; }
}
