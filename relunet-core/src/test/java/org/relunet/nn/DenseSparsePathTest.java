package org.relunet.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relunet.data.Dataset;
import org.relunet.init.Initializer;
import org.relunet.init.Rng;
import org.relunet.kernels.Parallel;
import org.relunet.kernels.RestoresThreads;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;
import org.relunet.train.NonFiniteException;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingConfig;

/**
 * {@link Dense} skips the exact zeros of x (forward) and of dOut (backward) when they are sparse
 * enough: the sparse path must pass the gradient check, agree with the dense path on awkward sizes,
 * and follow the documented convention for a non-finite weight that only zeros meet.
 */
@ExtendWith(RestoresThreads.class)
class DenseSparsePathTest {
    static final double ALWAYS = 1, NEVER = -1;
    private static final double U = 0x1p-24;
    private static Dense dense(int inputs, int units, double sparseMaxDensity) {
        Dense d = (Dense) new LayerSpec.DenseSpec(units).create(Shape.vector(inputs), Initializer.HE_NORMAL);
        d.initialize(new Rng(7));
        d.sparseMaxDensity = sparseMaxDensity;
        return d;
    }

    /** Gaussian values with |v| >= 0.1 (away from any kink), a fraction 1 - density of them exactly 0. */
    static Tensor sparse(long seed, double density, int... shape) {
        Tensor t = GradientCheckTest.awayFromKink(seed, shape);
        Rng rng = new Rng(seed + 1);
        for (int i = 0; i < t.size(); i++) if (rng.nextDouble() >= density) t.data[i] = 0f;
        return t;
    }

    @Test
    void theSparsePathPassesTheGradientCheck() {
        // dOut = R is dense here, but the forced path still runs every sparse product; a ReLU model
        // below gives a dOut with real zeros.
        GradientCheck.Result r = GradientCheck.defaults().checkLayer(dense(13, 7, ALWAYS), sparse(1, 0.4, 5, 13), 11);
        assertTrue(r.checked() > 0 && r.passed(), r.toString());
        r = GradientCheck.defaults().checkLayer(dense(40, 19, ALWAYS), sparse(2, 0.5, 3, 40), 12);
        assertTrue(r.checked() > 0 && r.passed(), r.toString());
    }

    @Test
    void aReluModelOnTheSparsePathPassesTheGradientCheck() {
        Model m = Model.of(Shape.vector(20), LayerSpecParser.parse("dense(24) relu dense(17) relu dense(3)"), 5);
        for (Layer l : m.layers()) if (l instanceof Dense d) d.sparseMaxDensity = ALWAYS;
        Tensor x = sparse(3, 0.5, 6, 20);
        // h = 1e-3 as for the whole models in GradientCheckTest: hidden ReLU inputs are not kept
        // away from the kink, and a step of 5e-3 carried one across it
        GradientCheck.Result r = new GradientCheck(1e-3, 2e-3, 2e-2, 300).checkModel(m, x, new int[] {0, 1, 2, 0, 1, 2});
        assertTrue(r.checked() > 0 && r.passed(), r.toString());
    }

    @Test
    void sparseAndDensePathsAgreeOnAwkwardSizes() {
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {130, 13, 17}, {64, 40, 255}, {128, 784, 256}, {2, 33, 300}};
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int[] s : shapes) {
                for (double density : new double[] {0, 0.1, 0.5, 1.0}) {
                    int n = s[0], in = s[1], out = s[2];
                    Dense a = dense(in, out, ALWAYS), b = dense(in, out, NEVER);
                    Tensor x = sparse(n + in, density, n, in);
                    Tensor dOut = sparse(out + 1, density, n, out);
                    String what = n + "x" + in + "->" + out + " density " + density + ", " + threads + " threads";
                    assertClose(b.forward(x, true).data, a.forward(x, true).data, in, what + ": y");
                    float[] dInA = a.backward(dOut).data.clone(), dInB = b.backward(dOut).data;
                    assertClose(dInB, dInA, out, what + ": dIn");
                    assertClose(b.weight().grad(), a.weight().grad(), n, what + ": dW");
                    assertTrue(Arrays.equals(b.bias().grad(), a.bias().grad()), what + ": db");
                }
            }
        }
    }

    /** Sums of K terms of size about 1 (He weights times unit inputs): both within K u K of the exact value. */
    private static void assertClose(float[] expected, float[] actual, int k, String what) {
        double tol = 4.0 * k * k * U + 1e-6;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i] && !(Math.abs(expected[i] - actual[i]) <= tol)) {
                fail(what + " [" + i + "]: expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }

    @Test
    void theChoiceFollowsTheDensityAndAWeightOnlyZerosMeetIsSkipped() {
        // The documented convention: on the sparse path 0 * NaN counts as 0. Column 0 of x is zero in
        // every row and weight column 0 is NaN: a sparse x (30% nonzero) gives finite outputs, a
        // dense x (90% nonzero) takes the dense GEMM, where 0 * NaN = NaN.
        Dense d = dense(10, 4, Dense.SPARSE_MAX_DENSITY);
        for (int o = 0; o < 4; o++) d.weight().value()[o * 10] = Float.NaN;
        for (double density : new double[] {0.3, 0.9}) {
            Tensor x = sparse(4, density, 8, 10);
            for (int n = 0; n < 8; n++) x.data[n * 10] = 0f;
            float[] y = d.forward(x, false).data;
            boolean anyNaN = false;
            for (float v : y) anyNaN |= Float.isNaN(v);
            if (density < Dense.SPARSE_MAX_DENSITY) assertFalse(anyNaN, "sparse path: 0 * NaN skipped");
            else assertTrue(anyNaN, "dense path: 0 * NaN = NaN");
        }
    }

    @Test
    void fewerRowsThanTheMinimumTakeTheDenseForward() {
        // The same sparse x (30% nonzero, column 0 zero, weight column 0 NaN): from 4 rows on the sparse
        // path skips 0 * NaN; with 1-3 rows the dense product runs (no transpose of W to pay for) and
        // gives NaN, unless a test forces the sparse path.
        for (int n = 1; n <= 5; n++) {
            for (double path : new double[] {Dense.SPARSE_MAX_DENSITY, ALWAYS}) {
                Dense d = dense(10, 4, path);
                for (int o = 0; o < 4; o++) d.weight().value()[o * 10] = Float.NaN;
                Tensor x = sparse(4, 0.3, n, 10);
                for (int r = 0; r < n; r++) x.data[r * 10] = 0f;
                boolean anyNaN = false;
                for (float v : d.forward(x, false).data) anyNaN |= Float.isNaN(v);
                boolean dense = path < 1 && n < 4;
                assertEquals(dense, anyNaN, n + " rows, " + (path < 1 ? "default" : "forced sparse") + ": dense path gives NaN");
            }
        }
    }

    @Test
    void theTrainerStillNamesANaNWeightThatAnInputUses() {
        // Sparse inputs (half the features exactly 0) put the first layer on the sparse path; a NaN
        // weight in a column the inputs use makes the loss NaN, and the Trainer names the parameter.
        Rng rng = new Rng(9);
        int n = 64, features = 12;
        Tensor x = Tensor.zeros(n, features);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int j = 0; j < features; j++) x.data[i * features + j] = j % 2 == 0 ? (float) rng.nextDouble() + 0.1f : 0f;
        }
        Dataset data = new Dataset("sparse", x, labels, 2, new String[] {"a", "b"});
        Model m = Model.of(Shape.vector(features), LayerSpecParser.parse("dense(8) relu dense(2)"), 1);
        ((Dense) m.layers().get(0)).weight().value()[2] = Float.NaN;     // W[0][2]: column 2 is used
        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> new Trainer(m, new Sgd(0.01, 0.9), new TrainingConfig(1, 32, 1)).fit(data, null));
        assertTrue(e.getMessage().contains("parameter"), e.getMessage());
    }
}
