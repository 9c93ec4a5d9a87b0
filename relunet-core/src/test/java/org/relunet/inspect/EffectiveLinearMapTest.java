package org.relunet.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.relunet.data.Dataset;
import org.relunet.data.FashionMnist;
import org.relunet.init.Rng;
import org.relunet.nn.Dense;
import org.relunet.nn.Layer;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.PReLU;
import org.relunet.nn.Parameter;
import org.relunet.nn.Presets;
import org.relunet.tensor.Shape;

class EffectiveLinearMapTest {

    /** Every supported layer mix: MLPs and small CNNs with conv stride/pad, pools, PReLU, leaky, dropout, identity. */
    static final List<Mix> MIXES = List.of(
            new Mix(Shape.vector(7), "dense(16) relu dense(12) leaky_relu(0.1) dense(8) prelu dense(5)"),
            new Mix(Shape.vector(5), "dense(10) relu dropout(0.5) dense(10) identity dense(10) leaky_relu(0.2) dense(3)"),
            new Mix(Shape.vector(2), "dense(8) relu dense(8) relu dense(12)"),   // more outputs than inputs: forward mode
            new Mix(Shape.image(2, 9, 9), "conv(4,3,stride=2,pad=1) relu maxpool(2) conv(3,2,pad=1) prelu flatten dense(6) relu dense(4)"),
            new Mix(Shape.image(1, 11, 10), "conv(3,3,pad=1) leaky_relu(0.05) maxpool(3,stride=2) conv(5,3) relu flatten dropout(0.3) dense(5)"),
            new Mix(Shape.image(3, 8, 8), "conv(6,3,stride=1,pad=2) prelu(0.1) conv(4,3,stride=2) relu maxpool(2,stride=1) flatten dense(7) prelu dense(3)"),
            new Mix(Shape.image(1, 6, 6), "flatten dense(9) relu dense(9) relu dense(9) relu dense(9) relu dense(2)"));

    record Mix(Shape input, String spec) {}

    /** A model with random (not zero) biases and PReLU slopes, so b_eff and the leak are exercised. */
    static Model randomModel(Mix mix, long seed) {
        Model m = Model.of(mix.input(), LayerSpecParser.parse(mix.spec()), seed);
        Rng rng = new Rng(seed * 31 + 7);
        for (Layer l : m.layers()) {
            if (l instanceof PReLU p) {
                float[] a = p.slope().value();
                for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextDouble() * 0.6 - 0.1);
            }
            for (Parameter p : l.parameters()) {
                if (p.name().equals("bias")) for (int i = 0; i < p.size(); i++) p.value()[i] = (float) (0.3 * rng.nextGaussian());
            }
        }
        return m;
    }

    static float[] randomInput(int n, Rng rng) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    @Test void reconstructsTheForwardPassOfRandomNetworksOfEveryLayerMix() {
        double worst = 0;
        for (Mix mix : MIXES) {
            for (long seed = 1; seed <= 5; seed++) {
                Model m = randomModel(mix, seed);
                Rng rng = new Rng(seed + 100);
                for (int sample = 0; sample < 4; sample++) {
                    EffectiveLinearMap map = EffectiveLinearMap.at(m, randomInput(mix.input().size(), rng));
                    double err = map.reconstructionError();
                    worst = Math.max(worst, err);
                    assertTrue(err <= 1e-5, mix.spec() + " seed " + seed + ": relative error " + err);
                    assertEquals(m.outputShape().size(), map.outputs());
                    assertEquals(mix.input().size(), map.inputs());
                }
            }
        }
        assertTrue(worst > 0, "float forward against double reconstruction cannot be bit-identical everywhere");
    }

    @Test void theMapHoldsOnTheWholeRegionNotOnlyAtX() {
        // a small step that keeps every switch gives the same map: f(x + dx) = W_eff (x + dx) + b_eff
        Mix mix = MIXES.get(3);
        Model m = randomModel(mix, 9);
        Rng rng = new Rng(5);
        float[] x = randomInput(mix.input().size(), rng);
        EffectiveLinearMap at = EffectiveLinearMap.at(m, x);
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] += (float) (1e-4 * rng.nextGaussian());
        EffectiveLinearMap near = EffectiveLinearMap.at(m, y);
        assertEquals(at.pattern(), near.pattern());
        double[] predicted = at.bias();
        for (int o = 0; o < at.outputs(); o++) for (int i = 0; i < y.length; i++) predicted[o] += at.weight(o, i) * y[i];
        float[] actual = near.output();
        for (int o = 0; o < predicted.length; o++) assertEquals(actual[o], predicted[o], 1e-5 * (1 + Math.abs(actual[o])));
    }

    @Test void rowsByTransposeEqualColumnsByForwardMode() {
        for (Mix mix : MIXES) {
            Model m = randomModel(mix, 3);
            SwitchedNetwork net = SwitchedNetwork.of(m);
            var lin = net.trace(randomInput(mix.input().size(), new Rng(4))).linearization();
            double[] rows = net.jacobian(lin), cols = net.jacobianByColumns(lin);
            for (int i = 0; i < rows.length; i++) assertEquals(cols[i], rows[i], 1e-12 * (1 + Math.abs(cols[i])), mix.spec());
        }
    }

    @Test void singleDenseLayerIsItsOwnMap() {
        Model m = Model.of(Shape.vector(3), LayerSpecParser.parse("dense(2)"), 1);
        Dense d = (Dense) m.layers().get(0);
        System.arraycopy(new float[] {1, 2, 3, -4, 5, -6}, 0, d.weight().value(), 0, 6);
        d.bias().value()[0] = 0.5f;
        d.bias().value()[1] = -1f;
        EffectiveLinearMap map = EffectiveLinearMap.at(m, new float[] {1, 1, 1});
        assertArrayEquals(new double[] {1, 2, 3, -4, 5, -6}, map.weights());
        assertArrayEquals(new double[] {0.5, -1}, map.bias());
        assertEquals(0.0, map.reconstructionError());
    }

    @Test void offUnitsDropOutOfTheMap() {
        // y = relu(x0 - x1) + relu(x1): at x = (1, 2) the first unit is off, so W_eff = (0, 1)
        Model m = Model.of(Shape.vector(2), LayerSpecParser.parse("dense(2) relu dense(1)"), 1);
        Dense d0 = (Dense) m.layers().get(0), d1 = (Dense) m.layers().get(2);
        System.arraycopy(new float[] {1, -1, 0, 1}, 0, d0.weight().value(), 0, 4);
        System.arraycopy(new float[] {1, 1}, 0, d1.weight().value(), 0, 2);
        EffectiveLinearMap map = EffectiveLinearMap.at(m, new float[] {1, 2});
        assertArrayEquals(new double[] {0, 1}, map.row(0));
        assertFalse(map.pattern().isOn(1, 0));
        assertTrue(map.pattern().isOn(1, 1));
        assertEquals(1, map.pattern().activeUnits(1));
        map = EffectiveLinearMap.at(m, new float[] {3, 2});
        assertArrayEquals(new double[] {1, 0}, map.row(0));
    }

    @Test void maxPoolSwitchesSelectTheWinner() {
        Model m = Model.of(Shape.image(1, 2, 2), LayerSpecParser.parse("maxpool(2) flatten"), 1);
        EffectiveLinearMap map = EffectiveLinearMap.at(m, new float[] {0.1f, 0.7f, -2f, 0.3f});
        assertArrayEquals(new double[] {0, 1, 0, 0}, map.row(0));
        assertArrayEquals(new int[] {1}, map.pattern().winners(0));
    }

    @Test void contributionsAndBiasSumToTheOutput() {
        Model m = randomModel(MIXES.get(0), 2);
        EffectiveLinearMap map = EffectiveLinearMap.at(m, randomInput(7, new Rng(1)));
        for (int o = 0; o < map.outputs(); o++) {
            double s = map.bias()[o];
            for (double c : map.contributions(o)) s += c;
            assertEquals(map.output()[o], s, 1e-5);
        }
    }

    @Test void referenceNetworksOnAFashionMnistImage() {
        Dataset test = FashionMnist.embedded().loadTest().head(3);
        for (Model m : List.of(Presets.mlp(1), Presets.cnn(1))) {
            for (int s = 0; s < 3; s++) {
                float[] x = new float[784];
                System.arraycopy(test.inputs().data, s * 784, x, 0, 784);
                EffectiveLinearMap map = EffectiveLinearMap.at(m, x);
                assertTrue(map.reconstructionError() <= 1e-5, m.specText() + ": " + map.reconstructionError());
                double[][] heat = map.heatMap(map.predictedClass());
                assertEquals(28, heat.length);
                assertEquals(28, heat[0].length);
                assertEquals(map.weight(map.predictedClass(), 5 * 28 + 7), heat[5][7]);
            }
        }
    }

    @Test void smoothLayersAreNamedAndTheLocalJacobianIsOffered() {
        Model m = Model.of(Shape.vector(4), LayerSpecParser.parse("dense(6) relu dense(5) tanh dense(3)"), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EffectiveLinearMap.at(m, new float[4]));
        assertTrue(e.getMessage().contains("layer 3 (tanh)") && e.getMessage().contains("LocalJacobian"), e.getMessage());
        assertTrue(EffectiveLinearMap.obstacle(m).isPresent());
        assertTrue(EffectiveLinearMap.obstacle(Presets.cnn(0)).isEmpty());
        Model soft = Model.of(Shape.vector(4), LayerSpecParser.parse("dense(3) softmax"), 1);
        assertTrue(EffectiveLinearMap.obstacle(soft).orElseThrow().contains("layer 1 (softmax)"));
    }

    @Test void localJacobianMatchesCentralDifferences() {
        for (String spec : List.of("dense(6) tanh dense(5) sigmoid dense(3)", "dense(6) gelu dense(4) elu dense(3) softmax",
                "dense(5) silu dense(5) softplus dense(2)", "dense(6) relu dense(4) leaky_relu(0.1) dense(3)")) {
            Model m = Model.of(Shape.vector(4), LayerSpecParser.parse(spec), 7);
            float[] x = randomInput(4, new Rng(2));
            LocalJacobian j = LocalJacobian.at(m, x);
            assertEquals(spec.contains("relu dense(4) leaky"), j.exact());
            double h = 1e-2;
            for (int i = 0; i < 4; i++) {
                float[] plus = x.clone(), minus = x.clone();
                plus[i] += (float) h;
                minus[i] -= (float) h;
                float[] fp = LocalJacobian.at(m, plus).output(), fm = LocalJacobian.at(m, minus).output();
                for (int o = 0; o < j.outputs(); o++) {
                    double numeric = (fp[o] - fm[o]) / (plus[i] - minus[i]);
                    assertEquals(numeric, j.get(o, i), 2e-3 + 2e-2 * Math.abs(numeric), spec + " d" + o + "/dx" + i);
                }
            }
        }
    }

    @Test void localJacobianOfAPiecewiseLinearModelIsTheEffectiveMap() {
        Model m = randomModel(MIXES.get(3), 4);
        float[] x = randomInput(MIXES.get(3).input().size(), new Rng(8));
        assertArrayEquals(EffectiveLinearMap.at(m, x).weights(), LocalJacobian.at(m, x).matrix());
    }

    @Test void wrongInputSizeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EffectiveLinearMap.at(Presets.mlp(0), new float[10]));
        assertTrue(e.getMessage().contains("(1, 28, 28)") && e.getMessage().contains("10"), e.getMessage());
    }
}
