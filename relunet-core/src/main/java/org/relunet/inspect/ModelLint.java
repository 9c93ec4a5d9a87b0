package org.relunet.inspect;

import java.util.ArrayList;
import java.util.List;

import org.relunet.nn.LayerSpec;
import org.relunet.nn.LayerSpec.Conv2dSpec;
import org.relunet.nn.LayerSpec.DenseSpec;
import org.relunet.nn.LayerSpec.FlattenSpec;
import org.relunet.nn.LayerSpec.MaxPool2dSpec;
import org.relunet.nn.LayerSpec.PReLUSpec;
import org.relunet.nn.LayerSpec.SoftmaxSpec;
import org.relunet.nn.Model;
import org.relunet.tensor.Shape;

/**
 * Checks an architecture for mistakes a user would want to hear about before training, each with
 * a message and a fix: the seed question's ReLU(softmax(x)), softmax in a hidden layer, a final
 * softmax feeding a loss that applies softmax again, linear layers that collapse into one,
 * initialisers that do not match their activation, activations on the logits, and more (see
 * {@link #rules()}), sorted by layer. Works on specs alone, before any weight is allocated, so a huge layer can be
 * linted without the memory to build it. {@link Model#lintFindings()} runs it when a model is built;
 * the library never prints the findings.
 */
public final class ModelLint {
    private static final List<LintRule> RULES = List.of(
            new LintRule.ActivationAfterSoftmax(),
            new LintRule.SoftmaxInHiddenLayer(),
            new LintRule.SoftmaxBeforeLoss(),
            new LintRule.LinearCollapse(),
            new LintRule.InitializerMismatch(),
            new LintRule.ActivationOnLogits(),
            new LintRule.DropoutOnOutput(),
            new LintRule.HugeDenseAfterFlatten(),
            new LintRule.DeepSaturatingStack(),
            new LintRule.RepeatedActivation());

    /** The id of the finding made when the layer shapes do not fit together. */
    public static final String SHAPE_RULE = "shape";

    private ModelLint() {}

    /** Every rule; findings are reported by layer, and in this order within a layer. */
    public static List<LintRule> rules() { return RULES; }

    /** Lints a built model's architecture. */
    public static List<Finding> check(Model model) { return check(model.specs(), model.inputShape()); }

    /**
     * Lints layer specs for an input shape. A shape that does not fit is an error finding (rule
     * {@value #SHAPE_RULE}); the other rules still see every layer, but shapes only up to the misfit.
     */
    public static List<Finding> check(List<LayerSpec> specs, Shape input) {
        List<Finding> out = new ArrayList<>();
        if (specs.isEmpty()) {
            out.add(new Finding(SHAPE_RULE, Finding.Severity.ERROR, -1, "the model has no layers", "add at least a dense layer"));
            return List.copyOf(out);
        }
        List<Shape> shapes = new ArrayList<>();
        shapes.add(input);
        for (int i = 0; i < specs.size(); i++) {
            String problem = null;
            Shape next = null;
            try {
                next = outputShape(specs.get(i), shapes.get(i));
            } catch (IllegalArgumentException e) {
                problem = e.getMessage();
            }
            if (problem != null) {
                out.add(new Finding(SHAPE_RULE, Finding.Severity.ERROR, i, specs.get(i).text() + " does not fit its input " + shapes.get(i) + ": " + problem,
                        fixFor(specs.get(i), shapes.get(i))));
                break;
            }
            shapes.add(next);
        }
        for (LintRule rule : RULES) rule.check(List.copyOf(specs), List.copyOf(shapes), out);
        out.sort(java.util.Comparator.comparingInt(Finding::layerIndex));   // stable: rule order within a layer
        return List.copyOf(out);
    }

    /** Whether any finding is an error. */
    public static boolean hasErrors(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.severity() == Finding.Severity.ERROR);
    }

    /**
     * The output shape of one layer for an input shape, as {@link LayerSpec#create} would make it
     * but without allocating weights.
     */
    static Shape outputShape(LayerSpec spec, Shape in) {
        return switch (spec) {
            case DenseSpec d -> {
                if (!in.isVector()) throw new IllegalArgumentException("dense needs a vector input");
                yield Shape.vector(d.units());
            }
            case Conv2dSpec c -> {
                if (!in.isImage()) throw new IllegalArgumentException("conv needs an image input (C, H, W)");
                int h = in.dim(1) + 2 * c.pad() - c.kernel(), w = in.dim(2) + 2 * c.pad() - c.kernel();
                if (h < 0 || w < 0) throw new IllegalArgumentException("kernel " + c.kernel() + " with pad " + c.pad() + " is larger than the input");
                yield Shape.image(c.filters(), h / c.stride() + 1, w / c.stride() + 1);
            }
            case MaxPool2dSpec p -> {
                if (!in.isImage()) throw new IllegalArgumentException("maxpool needs an image input (C, H, W)");
                if (in.dim(1) < p.window() || in.dim(2) < p.window()) throw new IllegalArgumentException("window " + p.window() + " is larger than the input");
                yield Shape.image(in.dim(0), (in.dim(1) - p.window()) / p.stride() + 1, (in.dim(2) - p.window()) / p.stride() + 1);
            }
            case FlattenSpec f -> Shape.vector(in.size());
            case SoftmaxSpec s -> {
                if (!in.isVector()) throw new IllegalArgumentException("softmax needs a vector input");
                yield in;
            }
            default -> in;
        };
    }

    private static String fixFor(LayerSpec spec, Shape in) {
        if ((spec instanceof DenseSpec || spec instanceof SoftmaxSpec) && in.isImage()) return "put flatten before it";
        if (spec instanceof Conv2dSpec || spec instanceof MaxPool2dSpec) {
            return in.isImage() ? "use a smaller kernel or window, more padding, or fewer pooling layers before it"
                    : "convolutions and pooling need an image input; give the model an input shape (C, H, W) and move flatten after them";
        }
        return "check the layer order";
    }

    /** Parameters of the layers whose shapes are known (0 where the list stops). */
    static long parameterCount(List<LayerSpec> specs, List<Shape> shapes) {
        long n = 0;
        for (int i = 0; i < specs.size() && i < shapes.size(); i++) {
            Shape in = shapes.get(i);
            switch (specs.get(i)) {
                case DenseSpec d -> n += (long) in.size() * d.units() + d.units();
                case Conv2dSpec c -> n += (long) c.filters() * in.dim(0) * c.kernel() * c.kernel() + c.filters();
                case PReLUSpec p -> n += in.dim(0);
                default -> { }
            }
        }
        return n;
    }
}
