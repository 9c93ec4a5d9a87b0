package org.relunet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.relunet.init.Initializer;
import org.relunet.init.Rng;
import org.relunet.nn.activation.ActivationFunction;
import org.relunet.nn.activation.ELU;
import org.relunet.nn.activation.GELU;
import org.relunet.nn.activation.Identity;
import org.relunet.nn.activation.LeakyReLU;
import org.relunet.nn.activation.ReLU;
import org.relunet.nn.activation.SiLU;
import org.relunet.nn.activation.Sigmoid;
import org.relunet.nn.activation.Softplus;
import org.relunet.nn.activation.Tanh;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/** A gradient check for every layer and every activation: one line each, via {@link GradientCheck}. */
class GradientCheckTest {
    private final GradientCheck check = GradientCheck.defaults();

    /** Random values with |x| >= 0.1, so no ReLU-family input sits within h of the kink. */
    static Tensor awayFromKink(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        Rng rng = new Rng(seed);
        for (int i = 0; i < t.size(); i++) {
            double v = rng.nextGaussian();
            t.data[i] = (float) (Math.signum(v) * (0.1 + Math.abs(v)));
        }
        return t;
    }

    /** Distinct values spaced 0.05 apart in random order, so max-pool windows have no near-ties. */
    static Tensor distinct(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        int[] perm = new int[t.size()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        new Rng(seed).shuffle(perm);
        for (int i = 0; i < perm.length; i++) t.data[i] = (perm[i] - perm.length / 2f) * 0.05f;
        return t;
    }

    private static Layer make(LayerSpec spec, Shape in) {
        Layer l = spec.create(in, Initializer.HE_NORMAL);
        l.initialize(new Rng(7));
        return l;
    }

    private void assertGradient(Layer layer, Tensor x) {
        GradientCheck.Result r = check.checkLayer(layer, x, 11);
        assertTrue(r.checked() > 0, "nothing was checked");
        assertTrue(r.passed(), layer.spec().text() + ": " + r);
    }

    @Test void dense() { assertGradient(make(new LayerSpec.DenseSpec(7), Shape.vector(13)), awayFromKink(1, 5, 13)); }

    @Test void denseBatchOfOne() { assertGradient(make(new LayerSpec.DenseSpec(3), Shape.vector(4)), awayFromKink(2, 1, 4)); }

    @ParameterizedTest(name = "conv stride {0} pad {1}")
    @org.junit.jupiter.params.provider.CsvSource({"1,0", "1,2", "2,1", "2,0", "3,1"})
    void conv(int stride, int pad) {
        Layer conv = make(new LayerSpec.Conv2dSpec(4, 3, stride, pad), Shape.image(3, 8, 7));
        assertGradient(conv, awayFromKink(3, 2, 3, 8, 7));
    }

    /**
     * Wide enough (8 channels in, 16 out) for the vector kernels' Winograd path, F(4x4, 5x5) and
     * F(4x4, 3x3), odd sizes. A convolution is linear in x and W, so central differences are exact
     * but for rounding at any h; h = 0.05 keeps the rounding of Winograd's transforms (a few times
     * a direct sum's) from swamping the difference quotient.
     */
    @Test void convWinograd5x5() { assertLinearGradient(make(new LayerSpec.Conv2dSpec(16, 5, 1, 2), Shape.image(8, 7, 9)), awayFromKink(5, 2, 8, 7, 9)); }

    @Test void convWinograd3x3() { assertLinearGradient(make(new LayerSpec.Conv2dSpec(17, 3, 1, 1), Shape.image(9, 6, 5)), awayFromKink(6, 2, 9, 6, 5)); }

    private static void assertLinearGradient(Layer layer, Tensor x) {
        GradientCheck.Result r = new GradientCheck(5e-2, 2e-3, 2e-2, 300).checkLayer(layer, x, 11);
        assertTrue(r.checked() > 0, "nothing was checked");
        assertTrue(r.passed(), layer.spec().text() + ": " + r);
    }

    @Test void convKernel5Pad2() { assertGradient(make(new LayerSpec.Conv2dSpec(2, 5, 1, 2), Shape.image(1, 9, 9)), awayFromKink(4, 3, 1, 9, 9)); }

    @ParameterizedTest(name = "maxpool window {0} stride {1}")
    @org.junit.jupiter.params.provider.CsvSource({"2,2", "3,2", "2,1", "3,3"})
    void maxPool(int window, int stride) {
        assertGradient(make(new LayerSpec.MaxPool2dSpec(window, stride), Shape.image(2, 7, 8)), distinct(5, 3, 2, 7, 8));
    }

    @Test void flatten() { assertGradient(make(new LayerSpec.FlattenSpec(), Shape.image(2, 3, 4)), awayFromKink(6, 2, 2, 3, 4)); }

    @Test void dropoutInInferenceIsIdentity() { assertGradient(make(new LayerSpec.DropoutSpec(0.5f), Shape.vector(9)), awayFromKink(7, 3, 9)); }

    @Test void dropoutInTrainingUsesItsMask() {
        Layer d = make(new LayerSpec.DropoutSpec(0.5f), Shape.vector(1000));
        Tensor x = awayFromKink(8, 2, 1000);
        Tensor y = d.forward(x, true).copy();
        Tensor ones = Tensor.zeros(2, 1000);
        ones.fill(1f);
        Tensor g = d.backward(ones);
        int zeros = 0;
        for (int i = 0; i < y.size(); i++) {
            if (y.data[i] == 0f) {
                zeros++;
                assertEquals(0f, g.data[i]);
            } else {
                assertEquals(x.data[i] * 2f, y.data[i], 1e-6);
                assertEquals(2f, g.data[i]);
            }
        }
        assertTrue(zeros > 850 && zeros < 1150, "about half dropped, got " + zeros);
    }

    static List<ActivationFunction> activations() {
        return List.of(new ReLU(), new LeakyReLU(0.1f), new ELU(1f), new ELU(0.5f), new GELU(), new SiLU(), new Softplus(),
                new Sigmoid(), new Tanh(), new Identity());
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("activations")
    void activation(ActivationFunction f) {
        assertGradient(make(new LayerSpec.ActivationSpec(f), Shape.vector(37)), awayFromKink(9, 4, 37));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("activations")
    void activationKernelsMatchTheScalarDefinition(ActivationFunction f) {
        // forward value and derivative of the batched kernels against the double-precision definition
        float[] x = {-3f, -1.5f, -0.2f, 0.3f, 1.1f, 2.5f, 4f};
        float[] y = new float[x.length], ones = new float[x.length], d = new float[x.length];
        java.util.Arrays.fill(ones, 1f);
        var k = org.relunet.kernels.KernelProvider.kernels();
        f.forward(k, x, y, x.length);
        f.backward(k, x, y, ones, d, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(f.value(x[i]), y[i], 2e-6 * (1 + Math.abs(y[i])), f.specText() + " value at " + x[i]);
            assertEquals(f.derivative(x[i]), d[i], 2e-5 * (1 + Math.abs(d[i])), f.specText() + " derivative at " + x[i]);
        }
    }

    @Test void reluFamilyAtExactlyZero() {
        // the kink: by convention the derivative at x = 0 is the left one (0 for ReLU, slope for leaky)
        var k = org.relunet.kernels.KernelProvider.kernels();
        float[] x = {0f, -0f}, dOut = {1f, 1f}, d = new float[2], y = new float[2];
        k.reluBackward(x, dOut, d, 2);
        assertEquals(0f, d[0]);
        assertEquals(0f, d[1]);
        k.relu(x, y, 2);
        assertEquals(0f, y[0]);
        k.leakyReluBackward(0.1f, x, dOut, d, 2);
        assertEquals(0.1f, d[0], 1e-7);
    }

    @Test void preluPerUnit() { assertGradient(make(new LayerSpec.PReLUSpec(0.25f), Shape.vector(11)), awayFromKink(10, 4, 11)); }

    @Test void preluPerChannel() {
        Layer p = make(new LayerSpec.PReLUSpec(-0.3f), Shape.image(3, 4, 5));
        assertEquals(3, p.parameters().get(0).size(), "one slope per channel");
        assertFalse(p.parameters().get(0).decay(), "PReLU slope is excluded from weight decay");
        assertGradient(p, awayFromKink(11, 2, 3, 4, 5));
    }

    @Test void softmaxLayer() { assertGradient(make(new LayerSpec.SoftmaxSpec(), Shape.vector(6)), awayFromKink(12, 3, 6)); }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "conv(3,3,pad=1) relu maxpool(2) conv(4,3,stride=2,pad=1) prelu flatten dense(5) tanh dense(3)",
            "flatten dense(8) sigmoid dense(8) elu dense(8) gelu dense(3)",
            "flatten dense(8) softplus dropout(0.3) dense(8) silu dense(8) leaky_relu(0.05) dense(3)"})
    void wholeModelsUnderCrossEntropy(String spec) {
        Model m = Model.of(Shape.image(2, 8, 8), LayerSpecParser.parse(spec), 3);
        Tensor x = awayFromKink(13, 4, 2, 8, 8);
        // a smaller step than for single layers: hidden ReLU and max-pool inputs are not controlled
        // here, and a step of 5e-3 sometimes carries one across a kink
        GradientCheck.Result r = new GradientCheck(1e-3, 2e-3, 2e-2, 300).checkModel(m, x, new int[] {0, 2, 1, 2});
        assertTrue(r.passed(), spec + ": " + r);
    }

    @Test void theCheckerCatchesAWrongGradient() {
        // a gradient check that cannot fail is worth nothing: L(v) = sum v^2 has gradient 2v, not 3v
        float[] v = {0.5f, -1f, 2f};
        java.util.function.DoubleSupplier loss = () -> {
            double s = 0;
            for (float e : v) s += (double) e * e;
            return s;
        };
        assertTrue(check.check("v", v, new float[] {1f, -2f, 4f}, loss).passed());
        GradientCheck.Result wrong = check.check("v", v, new float[] {1.5f, -3f, 6f}, loss);
        assertFalse(wrong.passed());
        assertEquals(3, wrong.failed());
    }
}
