package org.relunet.inspect;

import java.util.List;
import java.util.Locale;

import org.relunet.init.Initializer;
import org.relunet.nn.LayerSpec;
import org.relunet.nn.LayerSpec.ActivationSpec;
import org.relunet.nn.LayerSpec.Conv2dSpec;
import org.relunet.nn.LayerSpec.DenseSpec;
import org.relunet.nn.LayerSpec.DropoutSpec;
import org.relunet.nn.LayerSpec.FlattenSpec;
import org.relunet.nn.LayerSpec.PReLUSpec;
import org.relunet.nn.LayerSpec.SoftmaxSpec;
import org.relunet.nn.activation.LeakyReLU;
import org.relunet.tensor.Shape;

import static org.relunet.inspect.LayerKinds.isIdempotent;
import static org.relunet.inspect.LayerKinds.isLinear;
import static org.relunet.inspect.LayerKinds.isNonlinearActivation;
import static org.relunet.inspect.LayerKinds.isRectifier;
import static org.relunet.inspect.LayerKinds.isSaturating;
import static org.relunet.inspect.LayerKinds.isTransparent;
import static org.relunet.inspect.LayerKinds.nextActivation;

/**
 * One check of {@link ModelLint}: a small record per rule, all listed here so the set of rules is
 * visible in one place. A rule looks at the layer specs and the input shape of every layer
 * ({@code shapes.get(i)} is the input of layer i, the last entry the model output; the list stops
 * early where the shapes do not fit) and adds findings with a message and a fix.
 */
public sealed interface LintRule {

    /** A short stable id such as {@code activation-after-softmax}, used in output and to filter. */
    String id();

    /** One line on what the rule checks, for {@code relunet lint --rules} and the README. */
    String description();

    void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out);

    // ------------------------------------------------------------------ the rules

    /** The asker's ReLU(softmax(x)): an activation applied to softmax probabilities. */
    record ActivationAfterSoftmax() implements LintRule {
        @Override public String id() { return "activation-after-softmax"; }
        @Override public String description() { return "an activation applied to softmax output, the seed question's ReLU(softmax(x))"; }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            for (int i = 0; i < specs.size(); i++) {
                if (!(specs.get(i) instanceof SoftmaxSpec)) continue;
                int j = nextSkipping(specs, i + 1);
                if (j < specs.size() && isNonlinearActivation(specs.get(j))) {
                    String act = specs.get(j).text();
                    String why = isRectifier(specs.get(j))
                            ? act + "(softmax(x)) = softmax(x) because probabilities are never negative, so the " + act + " does nothing"
                            : act + " squashes probabilities that softmax already squeezed into [0, 1]";
                    out.add(new Finding(id(), Finding.Severity.ERROR, j, act + " (layer " + j + ") is applied to the softmax of layer " + i
                            + ": " + why + ", while softmax forces the units to share a budget of 1 (the seed question's ReLU(softmax(x)))",
                            "use dense -> " + (isRectifier(specs.get(j)) ? act : "relu") + " in hidden layers and keep softmax only at the read-out,"
                                    + " where relunet's loss applies it for you"));
                }
            }
        }
    }

    /** Softmax followed by more weighted layers. */
    record SoftmaxInHiddenLayer() implements LintRule {
        @Override public String id() { return "softmax-in-hidden-layer"; }
        @Override public String description() { return "softmax before another dense or conv layer"; }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            for (int i = 0; i < specs.size(); i++) {
                if (!(specs.get(i) instanceof SoftmaxSpec)) continue;
                for (int j = i + 1; j < specs.size(); j++) {
                    if (isLinear(specs.get(j))) {
                        out.add(new Finding(id(), Finding.Severity.ERROR, i, "softmax at layer " + i + " is a hidden layer (" + specs.get(j).text()
                                + " at layer " + j + " follows): it squeezes every unit into [0, 1] with a shared budget of 1, so one unit's"
                                + " gain is the others' loss, and its gradient p(1 - p) vanishes as units saturate",
                                "use relu (or leaky_relu) between hidden layers; softmax belongs at the read-out only"));
                        break;
                    }
                }
            }
        }
    }

    /** A final softmax layer feeding relunet's softmax cross-entropy, which applies softmax again. */
    record SoftmaxBeforeLoss() implements LintRule {
        @Override public String id() { return "softmax-before-loss"; }
        @Override public String description() { return "the model ends in softmax although the loss applies softmax (double softmax)"; }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            int last = specs.size() - 1;
            if (last >= 0 && specs.get(last) instanceof SoftmaxSpec) {
                out.add(new Finding(id(), Finding.Severity.ERROR, last, "the model ends in softmax, but relunet trains with softmax cross-entropy"
                        + " on the model output, so softmax is applied twice: probabilities in [0, 1] become logits, the second softmax"
                        + " is nearly uniform (at most e/(e + classes - 1)) and the gradients are weak",
                        "remove the final softmax; the trainer fuses it into the loss and Model.predict applies it for inference"));
            }
        }
    }

    /** Two weighted layers with nothing non-linear between them collapse to one. */
    record LinearCollapse() implements LintRule {
        @Override public String id() { return "linear-collapse"; }
        @Override public String description() { return "two dense/conv layers with no non-linearity between them (they compose to one linear map)"; }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            int previous = -1;
            for (int j = 0; j < specs.size(); j++) {
                LayerSpec s = specs.get(j);
                if (isLinear(s)) {
                    if (previous >= 0) {
                        String between = j == previous + 1 ? "nothing" : "only " + textOf(specs, previous + 1, j);
                        out.add(new Finding(id(), Finding.Severity.WARNING, j, s.text() + " (layer " + j + ") follows " + specs.get(previous).text()
                                + " (layer " + previous + ") with " + between + " between: a weighted sum of weighted sums is one weighted sum,"
                                + " so the pair is a single linear map and the extra layer adds parameters, not expressiveness",
                                "put relu between them, or drop one of them"));
                    }
                    previous = j;
                } else if (!isTransparent(s)) {
                    previous = -1;   // an activation, max-pool or softmax is a non-linearity
                }
            }
        }
    }

    /** An explicit initialiser that does not suit the activation it feeds. */
    record InitializerMismatch() implements LintRule {
        /** Rectified layers from which Xavier's missing factor 2 compounds to a 4x smaller signal (2^(-4/2)). */
        public static final int DEEP_RECTIFIED = 4;

        @Override public String id() { return "initializer-mismatch"; }
        @Override public String description() { return "xavier/lecun init before a deep rectifier stack, or he init before sigmoid/tanh"; }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            int rectified = 0;
            for (int i = 0; i < specs.size(); i++) {
                if (isLinear(specs.get(i)) && isRectifier(nextActivation(specs, i))) rectified++;
            }
            for (int i = 0; i < specs.size(); i++) {
                Initializer init = initOf(specs.get(i));
                if (init == null) continue;
                LayerSpec act = nextActivation(specs, i);
                boolean xavierLike = init == Initializer.XAVIER_NORMAL || init == Initializer.XAVIER_UNIFORM
                        || init == Initializer.LECUN_NORMAL || init == Initializer.LECUN_UNIFORM;
                boolean heLike = init == Initializer.HE_NORMAL || init == Initializer.HE_UNIFORM;
                if (xavierLike && isRectifier(act) && rectified >= DEEP_RECTIFIED) {
                    out.add(new Finding(id(), Finding.Severity.WARNING, i, specs.get(i).text() + " (layer " + i + ") feeds " + act.text() + " in a stack of "
                            + rectified + " rectified layers: " + init.specName() + " keeps the variance of a linear layer, but a rectifier zeroes"
                            + " about half its inputs, so the signal shrinks by about sqrt(2) per layer (" + String.format(Locale.ROOT, "%.2g", Math.pow(2, -rectified / 2.0))
                            + " after " + rectified + "; He et al. 2015)", "use init=he_normal (the default before rectifiers) or leave init out"));
                } else if (heLike && isSaturating(act)) {
                    out.add(new Finding(id(), Finding.Severity.WARNING, i, specs.get(i).text() + " (layer " + i + ") feeds " + act.text() + " with "
                            + init.specName() + ": its variance 2/fanIn is meant for rectifiers and starts " + act.text()
                            + " in its flat, saturated range where the gradient is tiny",
                            "use init=xavier_normal (the default before sigmoid and tanh) or leave init out"));
                }
            }
        }
    }

    /** An activation (other than identity) on the logits. */
    record ActivationOnLogits() implements LintRule {
        @Override public String id() { return "activation-on-logits"; }
        @Override public String description() { return "an activation such as relu on the output logits (the read-out must be linear)"; }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            int j = specs.size() - 1;
            while (j >= 0 && (specs.get(j) instanceof DropoutSpec || specs.get(j) instanceof FlattenSpec || specs.get(j) instanceof SoftmaxSpec)) j--;
            if (j < 0 || !isNonlinearActivation(specs.get(j))) return;
            LayerSpec act = specs.get(j);
            boolean leaky = act instanceof PReLUSpec || (act instanceof ActivationSpec a && a.function() instanceof LeakyReLU);
            String why = leaky
                    ? "it shrinks negative logits by its slope, so the scores of unlikely classes learn slowly"
                    : "logits must be free to take any real value; " + act.text() + " bounds them"
                      + (isRectifier(act) || act.text().equals("softplus") || act.text().startsWith("gelu") || act.text().startsWith("silu")
                         ? " below, so a class whose score is negative gets (nearly) zero gradient and cannot recover, and several classes tie"
                         : ", so the softmax of the scores can never be confident");
            out.add(new Finding(id(), leaky ? Finding.Severity.WARNING : Finding.Severity.ERROR, j,
                    act.text() + " (layer " + j + ") is applied to the output logits: " + why,
                    "end the model with its last dense layer (a linear read-out); the loss applies softmax"));
        }
    }

    /** Dropout after the read-out zeroes logits. */
    record DropoutOnOutput() implements LintRule {
        @Override public String id() { return "dropout-on-output"; }
        @Override public String description() { return "dropout after the last dense/conv layer, on the logits"; }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            int lastLinear = -1;
            for (int i = 0; i < specs.size(); i++) if (isLinear(specs.get(i))) lastLinear = i;
            if (lastLinear < 0) return;
            for (int i = lastLinear + 1; i < specs.size(); i++) {
                if (specs.get(i) instanceof DropoutSpec d && d.rate() > 0) {
                    out.add(new Finding(id(), Finding.Severity.WARNING, i, specs.get(i).text() + " (layer " + i + ") comes after the read-out "
                            + specs.get(lastLinear).text() + ": in training it sets random logits to 0 and scales the rest by "
                            + String.format(Locale.ROOT, "%.3g", 1 / (1 - d.rate())) + ", so the loss sees scores the model did not compute",
                            "move the dropout before the last dense layer (onto the hidden features), or remove it"));
                }
            }
        }
    }

    /** A fully connected layer on a big, unpooled feature map. */
    record HugeDenseAfterFlatten() implements LintRule {
        /** 2^22 weights = 16 MiB of float32. */
        public static final long HUGE = 1L << 22;

        @Override public String id() { return "huge-dense"; }
        @Override public String description() { return String.format(Locale.ROOT, "a dense layer after flatten with more than %,d weights", HUGE); }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            long total = ModelLint.parameterCount(specs, shapes);
            for (int i = 0; i < specs.size() && i < shapes.size(); i++) {
                if (!(specs.get(i) instanceof DenseSpec d)) continue;
                int p = i - 1;
                while (p >= 0 && specs.get(p) instanceof DropoutSpec) p--;
                if (p < 0 || !(specs.get(p) instanceof FlattenSpec)) continue;
                long inputs = shapes.get(i).size(), weights = inputs * d.units();
                if (weights < HUGE) continue;
                out.add(new Finding(id(), Finding.Severity.WARNING, i, d.text() + " (layer " + i + ") takes " + String.format(Locale.ROOT, "%,d", inputs)
                        + " flattened inputs (" + shapes.get(p) + "): " + String.format(Locale.ROOT, "%,d weights, %.0f MiB", weights, weights * 4.0 / (1 << 20))
                        + (total > 0 ? String.format(Locale.ROOT, ", %.0f%% of the model", 100.0 * weights / total) : "")
                        + "; a fully connected layer on an unpooled feature map is slow and learns positions rather than features",
                        "pool (each maxpool(2) divides its inputs by 4) or stride the convolutions before flatten, or use fewer units"));
            }
        }
    }

    /** Many sigmoid/tanh layers: vanishing gradients. */
    record DeepSaturatingStack() implements LintRule {
        /** More hidden sigmoid/tanh layers than this is "deep". */
        public static final int DEEP = 5;

        @Override public String id() { return "deep-saturating-stack"; }
        @Override public String description() { return "more than " + DEEP + " hidden sigmoid/tanh layers (vanishing gradients)"; }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            int count = 0, first = -1;
            for (int i = 0; i < specs.size(); i++) {
                if (isSaturating(specs.get(i))) {
                    count++;
                    if (first < 0) first = i;
                }
            }
            if (count > DEEP) {
                out.add(new Finding(id(), Finding.Severity.WARNING, first, count + " hidden layers use sigmoid or tanh (from layer " + first + "): backward,"
                        + " each multiplies the gradient by f'(x), at most 1/4 for sigmoid and below 1/4 for tanh once |x| > 1.32, so the first"
                        + " layers barely learn (vanishing gradients: repeated squashing drives the derivative to 0, the seed's Answer 2)",
                        "use relu or leaky_relu in the hidden layers (with he_normal init), or fewer layers"));
            }
        }
    }

    /** Two activations in a row. */
    record RepeatedActivation() implements LintRule {
        @Override public String id() { return "repeated-activation"; }
        @Override public String description() { return "two activations in a row, e.g. relu relu (relu is idempotent)"; }
        @Override public void check(List<LayerSpec> specs, List<Shape> shapes, List<Finding> out) {
            for (int j = 1; j < specs.size(); j++) {
                LayerSpec a = specs.get(j - 1), b = specs.get(j);
                if (!isNonlinearActivation(a) || !isNonlinearActivation(b)) continue;
                boolean same = a.text().equals(b.text());
                String why = same && isIdempotent(a)
                        ? a.text() + " is idempotent, " + a.text() + "(" + a.text() + "(x)) = " + a.text() + "(x) (the seed's Answer 2), so the second does nothing"
                        : b.text() + "(" + a.text() + "(x)) has no weighted sum between the two, so it only reshapes the same units";
                out.add(new Finding(id(), Finding.Severity.INFO, j, b.text() + " (layer " + j + ") directly follows " + a.text() + " (layer " + (j - 1) + "): " + why,
                        "remove one of them, or put the missing dense/conv layer between them"));
            }
        }
    }

    private static Initializer initOf(LayerSpec s) {
        if (s instanceof DenseSpec d) return d.init();
        if (s instanceof Conv2dSpec c) return c.init();
        return null;
    }

    private static int nextSkipping(List<LayerSpec> specs, int from) {
        int j = from;
        while (j < specs.size() && (specs.get(j) instanceof DropoutSpec || specs.get(j) instanceof FlattenSpec)) j++;
        return j;
    }

    private static String textOf(List<LayerSpec> specs, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) b.append(i > from ? " " : "").append(specs.get(i).text());
        return b.toString();
    }
}
