package org.relunet.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.tensor.Shape;

class ModelLintTest {
    static final Shape VECTOR = Shape.vector(4);
    static final Shape IMAGE = Shape.image(1, 28, 28);

    static List<Finding> lint(Shape input, String spec) { return ModelLint.check(LayerSpecParser.parse(spec), input); }

    static List<Finding> of(String rule, Shape input, String spec) {
        return lint(input, spec).stream().filter(f -> f.rule().equals(rule)).toList();
    }

    static Finding fires(String rule, Shape input, String spec) {
        List<Finding> f = of(rule, input, spec);
        assertEquals(1, f.size(), rule + " should fire once on '" + spec + "' but findings are " + lint(input, spec));
        assertFalse(f.get(0).message().isBlank());
        assertFalse(f.get(0).fix().isBlank());
        return f.get(0);
    }

    static void silent(String rule, Shape input, String spec) {
        assertEquals(List.of(), of(rule, input, spec), rule + " should not fire on '" + spec + "'");
    }

    /** One spec per rule on which it fires; every rule must appear (a new rule needs a test here). */
    static final Map<String, String> FIRING = Map.of(
            "activation-after-softmax", "dense(8) softmax relu dense(3)",
            "softmax-in-hidden-layer", "dense(8) softmax dense(3)",
            "softmax-before-loss", "dense(8) relu dense(3) softmax",
            "linear-collapse", "dense(8) dense(3)",
            "initializer-mismatch", "dense(8,init=he_normal) tanh dense(3)",
            "activation-on-logits", "dense(8) relu dense(3) relu",
            "dropout-on-output", "dense(8) relu dense(3) dropout(0.5)",
            "huge-dense", "flatten dense(8192)",
            "deep-saturating-stack", "dense(8) tanh dense(8) tanh dense(8) tanh dense(8) tanh dense(8) tanh dense(8) tanh dense(3)",
            "repeated-activation", "dense(8) relu relu dense(3)");

    @Test void everyRuleHasAFiringCaseAndTheReferenceNetworksAreClean() {
        for (LintRule r : ModelLint.rules()) {
            assertTrue(FIRING.containsKey(r.id()), "no firing case for rule " + r.id());
            assertFalse(r.description().isBlank());
            Shape input = r.id().equals("huge-dense") ? Shape.image(8, 32, 32) : VECTOR;
            fires(r.id(), input, FIRING.get(r.id()));
        }
        assertEquals(List.of(), ModelLint.check(Presets.mlp(0)));
        assertEquals(List.of(), ModelLint.check(Presets.cnn(0)));
        assertEquals(List.of(), Presets.cnn(0).lintFindings());
    }

    @Test void theAskersReluOfSoftmax() {
        Finding f = fires("activation-after-softmax", VECTOR, "dense(8) softmax relu dense(3)");
        assertEquals(2, f.layerIndex());
        assertEquals(Finding.Severity.ERROR, f.severity());
        assertTrue(f.message().contains("relu(softmax(x)) = softmax(x)"), f.message());
        assertTrue(f.message().contains("ReLU(softmax(x))"), f.message());
        fires("activation-after-softmax", VECTOR, "dense(8) softmax dropout(0.2) tanh dense(3)");
        silent("activation-after-softmax", VECTOR, "dense(8) relu dense(3)");
        silent("activation-after-softmax", VECTOR, "dense(8) relu dense(3) softmax");
        silent("activation-after-softmax", VECTOR, "dense(8) softmax dense(8) relu dense(3)");
        // the model built the asker's way carries the finding
        Model asker = Model.builder(VECTOR).dense(8).softmax().relu().dense(8).softmax().relu().dense(3).build();
        List<String> rules = asker.lintFindings().stream().map(Finding::rule).toList();
        assertTrue(rules.contains("activation-after-softmax") && rules.contains("softmax-in-hidden-layer"), rules.toString());
        assertEquals(2, asker.lintFindings().stream().filter(x -> x.rule().equals("activation-after-softmax")).count());
    }

    @Test void softmaxInAHiddenLayer() {
        assertEquals(1, fires("softmax-in-hidden-layer", VECTOR, "dense(8) softmax dense(3)").layerIndex());
        silent("softmax-in-hidden-layer", VECTOR, "dense(8) relu dense(3) softmax");
        silent("softmax-in-hidden-layer", VECTOR, "dense(8) relu dense(3)");
    }

    @Test void finalSoftmaxBeforeTheLoss() {
        Finding f = fires("softmax-before-loss", VECTOR, "dense(8) relu dense(3) softmax");
        assertEquals(3, f.layerIndex());
        assertTrue(f.fix().contains("remove the final softmax"));
        silent("softmax-before-loss", VECTOR, "dense(8) relu dense(3)");
        silent("softmax-before-loss", VECTOR, "dense(8) softmax dense(3)");
    }

    @Test void linearLayersWithoutNonLinearityCollapse() {
        assertEquals(1, fires("linear-collapse", VECTOR, "dense(8) dense(3)").layerIndex());
        Finding f = fires("linear-collapse", VECTOR, "dense(8) dropout(0.5) identity dense(3)");
        assertTrue(f.message().contains("only dropout(0.5) identity"), f.message());
        fires("linear-collapse", Shape.image(1, 8, 8), "conv(4,3) flatten dense(3)");
        fires("linear-collapse", Shape.image(1, 8, 8), "conv(4,3) conv(4,3) relu flatten dense(3)");
        silent("linear-collapse", Shape.image(1, 8, 8), "conv(4,3) maxpool(2) conv(4,2) relu flatten dense(3)");   // max-pool is non-linear
        silent("linear-collapse", VECTOR, "dense(8) relu dense(3)");
        silent("linear-collapse", VECTOR, "dense(8) softmax dense(3)");
    }

    @Test void initialiserThatDoesNotMatchItsActivation() {
        String deepXavier = "dense(16,init=xavier_normal) relu dense(16) relu dense(16) relu dense(16) relu dense(3)";
        Finding f = fires("initializer-mismatch", VECTOR, deepXavier);
        assertEquals(0, f.layerIndex());
        assertTrue(f.message().contains("4 rectified layers") && f.fix().contains("he_normal"), f.message());
        silent("initializer-mismatch", VECTOR, "dense(16,init=xavier_normal) relu dense(16) relu dense(16) relu dense(3)");   // 3: not deep
        silent("initializer-mismatch", VECTOR, deepXavier.replace("xavier_normal", "he_normal"));
        silent("initializer-mismatch", VECTOR, deepXavier.replace(",init=xavier_normal", ""));
        assertTrue(fires("initializer-mismatch", VECTOR, "dense(8,init=he_uniform) sigmoid dense(3)").fix().contains("xavier_normal"));
        silent("initializer-mismatch", VECTOR, "dense(8,init=xavier_normal) tanh dense(3)");
        silent("initializer-mismatch", VECTOR, "dense(8) tanh dense(3)");
    }

    @Test void activationOnTheLogits() {
        Finding f = fires("activation-on-logits", VECTOR, "dense(8) relu dense(3) relu");
        assertEquals(Finding.Severity.ERROR, f.severity());
        assertEquals(3, f.layerIndex());
        assertEquals(Finding.Severity.WARNING, fires("activation-on-logits", VECTOR, "dense(8) relu dense(3) leaky_relu").severity());
        assertEquals(3, fires("activation-on-logits", VECTOR, "dense(8) relu dense(3) relu softmax").layerIndex());
        assertEquals(Finding.Severity.ERROR, fires("activation-on-logits", VECTOR, "dense(8) relu dense(3) sigmoid").severity());
        silent("activation-on-logits", VECTOR, "dense(8) relu dense(3)");
        silent("activation-on-logits", VECTOR, "dense(8) relu dense(3) identity");
    }

    @Test void dropoutAfterTheReadOut() {
        assertEquals(3, fires("dropout-on-output", VECTOR, "dense(8) relu dense(3) dropout(0.5)").layerIndex());
        silent("dropout-on-output", VECTOR, "dense(8) relu dropout(0.5) dense(3)");
        silent("dropout-on-output", VECTOR, "dense(8) relu dense(3) dropout(0.0)");
    }

    @Test void hugeDenseAfterAnUnpooledFeatureMap() {
        // 64 x 28 x 28 = 50,176 inputs x 512 units = 25.7 M weights; linted from specs, nothing allocated
        Finding f = fires("huge-dense", IMAGE, "conv(64,3,pad=1) relu flatten dense(512) relu dense(10)");
        assertEquals(3, f.layerIndex());
        assertTrue(f.message().contains("50,176") && f.message().contains("25,690,112"), f.message());
        silent("huge-dense", IMAGE, Presets.CNN);
        silent("huge-dense", IMAGE, "conv(64,3,pad=1) relu maxpool(2) conv(64,3,pad=1) relu maxpool(2) flatten dense(512) relu dense(10)");
        silent("huge-dense", Shape.vector(50_000), "dense(512) relu dense(10)");   // big, but not after flatten
    }

    @Test void deepSigmoidOrTanhStack() {
        String six = "dense(8) tanh dense(8) sigmoid dense(8) tanh dense(8) tanh dense(8) tanh dense(8) tanh dense(3)";
        Finding f = fires("deep-saturating-stack", VECTOR, six);
        assertEquals(1, f.layerIndex());
        assertTrue(f.message().startsWith("6 hidden layers"), f.message());
        silent("deep-saturating-stack", VECTOR, six.replaceFirst("dense\\(8\\) tanh ", ""));
        silent("deep-saturating-stack", VECTOR, six.replace("tanh", "relu").replace("sigmoid", "relu"));
    }

    @Test void twoActivationsInARow() {
        Finding f = fires("repeated-activation", VECTOR, "dense(8) relu relu dense(3)");
        assertEquals(Finding.Severity.INFO, f.severity());
        assertTrue(f.message().contains("idempotent"), f.message());
        assertTrue(fires("repeated-activation", VECTOR, "dense(8) relu tanh dense(3)").message().contains("tanh(relu(x))"));
        silent("repeated-activation", VECTOR, "dense(8) relu dense(8) relu dense(3)");
        silent("repeated-activation", VECTOR, "dense(8) relu identity dense(3)");
    }

    @Test void shapesThatDoNotFitAreAnErrorWithAFix() {
        List<Finding> f = lint(IMAGE, "conv(8,3) relu dense(10)");
        Finding shape = f.stream().filter(x -> x.rule().equals(ModelLint.SHAPE_RULE)).findFirst().orElseThrow();
        assertEquals(2, shape.layerIndex());
        assertEquals("put flatten before it", shape.fix());
        assertTrue(ModelLint.hasErrors(f));
        assertTrue(lint(Shape.image(1, 4, 4), "conv(8,7)").get(0).message().contains("larger than the input"));
        assertTrue(lint(VECTOR, "conv(8,3)").get(0).fix().contains("image input"));
        assertTrue(ModelLint.check(List.of(), VECTOR).get(0).message().contains("no layers"));
        // the other rules still run: here on the dense pair before the misfit and on the misfit itself
        assertEquals(2, of("linear-collapse", IMAGE, "flatten dense(8) dense(8) conv(3,3)").size());
    }

    @Test void severitiesDecideErrorsAndFindingsPrintOnOneLine() {
        assertFalse(ModelLint.hasErrors(lint(VECTOR, "dense(8) relu relu dense(3)")));
        assertTrue(ModelLint.hasErrors(lint(VECTOR, "dense(8) relu dense(3) softmax")));
        String line = fires("softmax-before-loss", VECTOR, "dense(8) relu dense(3) softmax").toString();
        assertTrue(line.startsWith("error [softmax-before-loss] layer 3: the model ends in softmax"), line);
        assertFalse(line.contains("\n"));
        Map<String, Long> ids = ModelLint.rules().stream().collect(Collectors.groupingBy(LintRule::id, Collectors.counting()));
        assertTrue(ids.values().stream().allMatch(n -> n == 1), "rule ids must be unique: " + ids);
    }
}
