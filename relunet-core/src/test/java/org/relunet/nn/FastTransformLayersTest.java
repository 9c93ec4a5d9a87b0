package org.relunet.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relunet.nn.GradientCheckTest.awayFromKink;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.relunet.init.Initializer;
import org.relunet.init.Rng;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * The fixed filter-bank layers of issue 7: a gradient check for each (one line each, input and
 * parameter gradients, as in {@link GradientCheckTest}), what each computes against its dense
 * definition, and the spec text.
 */
class FastTransformLayersTest {
    private final GradientCheck check = GradientCheck.defaults();

    private static Layer make(LayerSpec spec, Shape in) {
        Layer l = spec.create(in, Initializer.HE_NORMAL);
        l.initialize(new Rng(7));
        return l;
    }

    private static Layer make(String spec, int inputs) { return make(LayerSpecParser.parseToken(spec), Shape.vector(inputs)); }

    /** A layer after some training: learned diagonals away from their initial 1 and 0. */
    private static Layer perturbed(String spec, int inputs) {
        Layer l = make(spec, inputs);
        Rng rng = new Rng(3);
        for (Parameter p : l.parameters()) {
            for (int i = 0; i < p.size(); i++) p.value()[i] += (float) (0.5 * rng.nextGaussian());
        }
        return l;
    }

    private void assertGradient(GradientCheck checker, Layer layer, Tensor x) {
        GradientCheck.Result r = checker.checkLayer(layer, x, 11);
        assertTrue(r.checked() > 0, "nothing was checked");
        assertTrue(r.passed(), layer.spec().text() + ": " + r);
    }

    private void assertGradient(Layer layer, Tensor x) { assertGradient(check, layer, x); }

    /**
     * Blocks with switches see pre-activations made by a transform, which the test cannot keep away
     * from the kink; a smaller step (as for whole models in GradientCheckTest) makes crossing it rare.
     */
    private void assertBlockGradient(Layer layer, Tensor x) { assertGradient(new GradientCheck(1e-3, 2e-3, 2e-2, 300), layer, x); }

    // ---------------------------------------------------------------- gradient checks

    @Test void hadamard() { assertGradient(make("hadamard", 16), awayFromKink(1, 3, 16)); }

    @Test void hadamardPadded() { assertGradient(make("hadamard", 13), awayFromKink(2, 3, 13)); }

    @Test void hadamardUnnormalised() { assertGradient(make("hadamard(norm=false)", 11), awayFromKink(3, 2, 11)); }

    @Test void hadamardOfOne() { assertGradient(make("hadamard", 1), awayFromKink(4, 2, 1)); }

    @Test void randomSigns() { assertGradient(make("signs(seed=5)", 17), awayFromKink(5, 3, 17)); }

    @Test void diagonal() { assertGradient(perturbed("diag", 9), awayFromKink(6, 4, 9)); }

    @Test void switchedDiagonal() { assertGradient(perturbed("switch_diag", 12), awayFromKink(7, 5, 12)); }

    @Test void switchedDiagonalOnImages() { assertGradient(make(new LayerSpec.SwitchedDiagonalSpec(0.7f, -0.2f), Shape.image(2, 3, 3)), awayFromKink(8, 2, 2, 3, 3)); }

    @Test void circulant() { assertGradient(make("circulant", 16), awayFromKink(9, 3, 16)); }

    @Test void circulantPadded() { assertGradient(make("circulant", 11), awayFromKink(10, 3, 11)); }

    @Test void circulantOfTwo() { assertGradient(make("circulant", 2), awayFromKink(11, 2, 2)); }

    @Test void fastfood() { assertGradient(perturbed("fastfood(seed=3)", 13), awayFromKink(12, 3, 13)); }

    @Test void fastfoodWide() { assertGradient(perturbed("fastfood(width=64,seed=4)", 13), awayFromKink(13, 2, 13)); }

    @Test void switchNet() { assertBlockGradient(perturbed("switchnet(depth=1,seed=2)", 16), awayFromKink(14, 3, 16)); }

    @Test void switchNetDeep() { assertBlockGradient(perturbed("switchnet(depth=3,seed=5)", 10), awayFromKink(15, 3, 10)); }

    @Test void switchNetWide() { assertBlockGradient(perturbed("switchnet(depth=2,width=64,seed=6)", 13), awayFromKink(16, 2, 13)); }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "flatten signs(seed=2) hadamard switch_diag diag dense(3)",
            "flatten circulant relu fastfood(seed=3) relu dense(3)",
            "flatten switchnet(depth=2,width=256,seed=4) dense(3)"})
    void wholeModelsUnderCrossEntropy(String spec) {
        Model m = Model.of(Shape.image(2, 5, 5), LayerSpecParser.parse(spec), 3);
        Tensor x = awayFromKink(17, 4, 2, 5, 5);
        GradientCheck.Result r = new GradientCheck(1e-3, 2e-3, 2e-2, 200).checkModel(m, x, new int[] {0, 2, 1, 2});
        assertTrue(r.passed(), spec + ": " + r);
    }

    // ---------------------------------------------------------------- what the layers compute

    /** H[i][j] = (-1)^popcount(i & j). */
    private static double sylvester(int i, int j) { return (Integer.bitCount(i & j) & 1) == 0 ? 1 : -1; }

    @Test
    void hadamardIsTheSylvesterMatrixTimesThePaddedInputAndItsOwnInverse() {
        Layer h = make("hadamard", 20);
        assertEquals(Shape.vector(32), h.outputShape(), "20 features are padded to 32");
        Tensor x = awayFromKink(20, 2, 20);
        Tensor y = h.forward(x, false).copy();
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < 32; i++) {
                double exact = 0;
                for (int j = 0; j < 20; j++) exact += sylvester(i, j) * x.data[r * 20 + j];
                assertEquals(exact / Math.sqrt(32), y.data[r * 32 + i], 1e-5, "y[" + r + "][" + i + "]");
            }
        }
        // backward of the normalised transform is its inverse: H y gives back pad(x)
        Tensor back = h.backward(y);
        for (int i = 0; i < x.size(); i++) assertEquals(x.data[i], back.data[i], 1e-5);
        // unnormalised: H H = L I
        Layer raw = make("hadamard(norm=false)", 32);
        Tensor u = awayFromKink(21, 1, 32);
        Tensor twice = raw.forward(raw.forward(u, false).copy(), false);
        for (int i = 0; i < 32; i++) assertEquals(32 * u.data[i], twice.data[i], 1e-4);
    }

    @Test
    void circulantIsTheDenseCirculantMatrixPlusBias() {
        Circulant c = (Circulant) make("circulant", 12);
        for (int i = 0; i < 16; i++) c.bias().value()[i] = 0.1f * i;
        Tensor x = awayFromKink(22, 3, 12);
        Tensor y = c.forward(x, false);
        float[] filter = c.filter().value();
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < 16; i++) {
                double exact = c.bias().value()[i];
                for (int j = 0; j < 12; j++) exact += filter[Math.floorMod(i - j, 16)] * (double) x.data[r * 12 + j];
                assertEquals(exact, y.data[r * 16 + i], 1e-5, "y[" + r + "][" + i + "]");
            }
        }
    }

    @Test
    void switchedDiagonalChoosesByTheSignAndTakesTheLeftSideAtZero() {
        SwitchedDiagonal s = (SwitchedDiagonal) make(new LayerSpec.SwitchedDiagonalSpec(2f, -0.5f), Shape.vector(4));
        Tensor x = new Tensor(new float[] {1.5f, -2f, 0f, -0f}, 1, 4);
        assertArrayEquals(new float[] {3f, 1f, 0f, 0f}, s.forward(x, false).data, 0f);   // -0.5 * 0 is -0
        Tensor dIn = s.backward(new Tensor(new float[] {1f, 1f, 1f, 1f}, 1, 4));
        assertArrayEquals(new float[] {2f, -0.5f, -0.5f, -0.5f}, dIn.data, "x = 0 takes b, like ReLU's left derivative");
        assertFalse(s.positive().decay(), "no weight decay on the switch weights");
        // the default switch starts as ReLU
        Layer relu = make("switch_diag", 3);
        assertArrayEquals(new float[] {0.5f, 0f, 0f}, relu.forward(new Tensor(new float[] {0.5f, -1f, 0f}, 1, 3), false).data, 0f);
    }

    @Test
    void randomSignsComeFromTheSeedInTheSpec() {
        RandomSigns a = (RandomSigns) make("signs(seed=9)", 64), b = (RandomSigns) make("signs(seed=9)", 64), c = (RandomSigns) make("signs(seed=10)", 64);
        assertArrayEquals(a.signs(), b.signs(), "same seed, same signs, whatever the model seed");
        assertFalse(java.util.Arrays.equals(a.signs(), c.signs()));
        int minus = 0;
        for (float s : a.signs()) {
            assertTrue(s == 1f || s == -1f);
            if (s < 0) minus++;
        }
        assertTrue(minus > 16 && minus < 48, "about half are -1: " + minus);
    }

    @Test
    void blocksRebuildFromTheirSpecTextAndKeepTheNormInExpectation() {
        // two models built from the same text with different model seeds share B and P
        Model m1 = Model.of(Shape.vector(100), LayerSpecParser.parse("fastfood(width=256,seed=8)"), 1);
        Model m2 = Model.of(Shape.vector(100), LayerSpecParser.parse(m1.specText()), 2);
        m2.copyParametersFrom(m1);
        Tensor x = awayFromKink(23, 64, 100);
        assertArrayEquals(m1.forward(x, false).data, m2.forward(x, false).data);
        // the block repeats the padded input 2x, so E|y|^2 = 2 |x|^2 with G ~ N(0, 1) and S = 1
        double in = 0, out = 0;
        Tensor y = m1.forward(x, false);
        for (float v : x.data) in += v * v;
        for (float v : y.data) out += v * v;
        assertEquals(2.0, out / in, 0.4, "norm ratio");
    }

    @Test
    void aModelFileRebuildsTheRandomPartsFromTheSpecAndGivesTheSameBits(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Model m = Model.of(Shape.image(1, 6, 6), LayerSpecParser.parse(
                "flatten signs(seed=4) hadamard switch_diag fastfood(width=128,seed=5) relu circulant switchnet(depth=2,seed=6) diag dense(3)"), 9);
        // move every parameter away from its initial value, as training would
        Rng rng = new Rng(12);
        for (Parameter p : m.parameters()) for (int i = 0; i < p.size(); i++) p.value()[i] += (float) (0.1 * rng.nextGaussian());
        java.nio.file.Path file = dir.resolve("fast.rnm");
        org.relunet.io.ModelFile.save(m, file);
        Model back = org.relunet.io.ModelFile.load(file);
        assertEquals(m.specText(), back.specText());
        Tensor x = awayFromKink(24, 5, 1, 6, 6);
        assertArrayEquals(m.forward(x, false).data.clone(), back.forward(x, false).data);
    }

    @Test
    void countsParametersAndFlopsFarBelowDense() {
        Model sn = Model.of(Shape.vector(784), LayerSpecParser.parse("switchnet(depth=2,seed=1) dense(10)"), 1);
        assertEquals(2 * 2 * 1024 + 1024 * 10 + 10, sn.parameterCount());
        Layer block = sn.layers().get(0);
        assertEquals(3 * (1024 * 10 + 1024) + 2 * 2 * 1024, block.flopsPerSample());
        Layer dense = make(new LayerSpec.DenseSpec(1024), Shape.vector(1024));
        assertTrue(dense.flopsPerSample() > 50 * make("hadamard", 1024).flopsPerSample());
    }

    // ---------------------------------------------------------------- spec text

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hadamard", "hadamard(norm=false)", "signs(seed=1)", "signs(seed=-42)", "diag", "switch_diag",
            "switch_diag(pos=1.5,neg=0.25)", "circulant", "circulant(init=xavier_normal)", "fastfood(seed=1)",
            "fastfood(width=2048,seed=7)", "switchnet(depth=1,seed=1)", "switchnet(depth=3,width=4096,seed=2)"})
    void specTextRoundTrips(String text) {
        LayerSpec spec = LayerSpecParser.parseToken(text);
        assertEquals(text, spec.text());
        assertEquals(spec, LayerSpecParser.parseToken(spec.text()));
    }

    @Test
    void specDefaultsAndErrors() {
        assertEquals("signs(seed=1)", LayerSpecParser.parseToken("signs").text());
        assertEquals("switchnet(depth=2,seed=1)", LayerSpecParser.parseToken("switchnet(2)").text());
        assertEquals("fastfood(width=2048,seed=3)", LayerSpecParser.parseToken("fastfood(2048,3)").text());
        assertEquals(new LayerSpec.HadamardSpec(true), LayerSpecParser.parseToken("wht"));
        assertThrows(IllegalArgumentException.class, () -> LayerSpecParser.parseToken("switchnet(depth=0)"));
        assertThrows(IllegalArgumentException.class, () -> LayerSpecParser.parseToken("fastfood(width=1000)"));
        assertThrows(IllegalArgumentException.class, () -> LayerSpecParser.parseToken("hadamard(norm=maybe)"));
        IllegalArgumentException narrow = assertThrows(IllegalArgumentException.class,
                () -> Model.of(Shape.vector(784), LayerSpecParser.parse("switchnet(depth=1,width=512)"), 1));
        assertTrue(narrow.getMessage().contains("padded input width 1024"), narrow.getMessage());
        IllegalArgumentException image = assertThrows(IllegalArgumentException.class,
                () -> Model.of(Shape.image(1, 4, 4), LayerSpecParser.parse("hadamard"), 1));
        assertTrue(image.getMessage().contains("put flatten before it"), image.getMessage());
        assertTrue(LayerSpecParser.ALLOWED.contains("switchnet"));
        assertNotEquals(LayerSpecParser.parseToken("signs(seed=2)"), LayerSpecParser.parseToken("signs(seed=3)"));
        assertEquals(List.of(), make("hadamard", 8).parameters());
    }
}
