package org.relunet.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relunet.kernels.Parallel;
import org.relunet.kernels.RestoresThreads;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * {@link Parameter#zeroGrad} only marks the gradient zero; {@link Dense} then writes dW with beta 0
 * instead of adding into a filled array. Whatever the array held before must not show, and a
 * second backward without zeroGrad must still add.
 */
@ExtendWith(RestoresThreads.class)
class LazyGradientTest {
    @Test
    void gradReadsZerosAfterZeroGradAndOverwriteSkipsTheFill() {
        Parameter p = Parameter.create("w", true, 3, 5);
        Arrays.fill(p.grad(), 7f);
        p.zeroGrad();
        assertTrue(p.gradIsZero());
        assertArrayEquals(new float[15], p.grad());
        assertFalse(p.gradIsZero());
        Arrays.fill(p.grad(), 7f);
        p.zeroGrad();
        float[] g = p.gradToOverwrite();
        assertEquals(7f, g[0], "gradToOverwrite must not spend a pass filling what the caller overwrites");
        assertFalse(p.gradIsZero());
    }

    /** Old gradients (NaN here) never leak into dW, on the sparse and the dense product, on 1 and 2 threads. */
    @Test
    void denseOverwritesWhatTheGradientHeldAndAccumulatesASecondBackward() {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (double sparseMaxDensity : new double[] {DenseSparsePathTest.ALWAYS, DenseSparsePathTest.NEVER}) {
                for (int[] s : new int[][] {{6, 13, 7}, {64, 300, 40}}) {
                    Model m = Model.of(Shape.vector(s[1]), LayerSpecParser.parse("dense(" + s[2] + ") relu dense(3)"), 3);
                    for (Layer l : m.layers()) if (l instanceof Dense d) d.sparseMaxDensity = sparseMaxDensity;
                    Tensor x = DenseSparsePathTest.sparse(s[0], 0.5, s[0], s[1]);
                    int[] labels = new int[s[0]];
                    Arrays.setAll(labels, i -> i % 3);
                    float[][] clean = gradients(m, x, labels, 0f, 1);
                    float[][] dirty = gradients(m, x, labels, Float.NaN, 1);
                    String where = threads + " threads, density " + sparseMaxDensity + ", " + Arrays.toString(s);
                    for (int p = 0; p < clean.length; p++) {
                        assertArrayEquals(clean[p], dirty[p], where + ": parameter " + p + " after a NaN-filled gradient");
                    }
                    float[][] twice = gradients(m, x, labels, 0f, 2);
                    for (int p = 0; p < clean.length; p++) {
                        for (int i = 0; i < clean[p].length; i++) {
                            assertEquals(2 * clean[p][i], twice[p][i], 1e-5 * (1 + Math.abs(clean[p][i])), where + ": two backwards add, parameter " + p);
                        }
                    }
                }
            }
        }
    }

    /**
     * Where x is sparser than dOut (after zeroGrad) the weight gradient is summed over the nonzeros of
     * x and transposed; it must have the bits of the product over the nonzeros of dOut, on 1-3 threads
     * and shapes that leave ragged tiles, and a second backward must still add.
     */
    @Test
    void theGradientOverTheSparserInputHasTheBitsOfTheProductOverDOut() {
        org.relunet.kernels.Kernels kernels = org.relunet.kernels.KernelProvider.kernels();
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int[] s : new int[][] {{128, 256, 256}, {37, 70, 90}, {5, 17, 300}}) {
                int n = s[0], inputs = s[1], units = s[2];
                Dense d = (Dense) new LayerSpec.DenseSpec(units).create(Shape.vector(inputs), org.relunet.init.Initializer.HE_NORMAL);
                d.initialize(new org.relunet.init.Rng(5));
                Tensor x = DenseSparsePathTest.sparse(n + 1, 0.2, n, inputs);
                Tensor dOut = DenseSparsePathTest.sparse(n + 2, 0.45, n, units);
                d.weight().zeroGrad();
                d.forward(x, true);
                d.backward(dOut);
                String where = threads + " threads, " + java.util.Arrays.toString(s);
                assertTrue(d.gradientOverInput, where + ": x (0.2) is sparser than dOut (0.45)");
                float[] expected = new float[units * inputs];
                kernels.sparseGemm(true, units, inputs, n, dOut.data, 0, units, x.data, 0, inputs, 0f, expected, 0, inputs);
                org.relunet.kernels.Bits.assertSameBits(expected, d.weight().grad(), "dW over the nonzeros of x, " + where);
                d.backward(dOut);
                assertFalse(d.gradientOverInput, where + ": a second backward adds into dW");
                kernels.sparseGemm(true, units, inputs, n, dOut.data, 0, units, x.data, 0, inputs, 1f, expected, 0, inputs);
                org.relunet.kernels.Bits.assertSameBits(expected, d.weight().grad(), "second backward, " + where);
            }
        }
    }

    /** Fills every gradient with old, zeroes them (lazily), then runs forward and backward `passes` times. */
    private static float[][] gradients(Model m, Tensor x, int[] labels, float old, int passes) {
        for (Parameter p : m.parameters()) Arrays.fill(p.grad(), old);
        m.zeroGrad();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        for (int i = 0; i < passes; i++) m.backward(loss.forwardBackward(m.forward(x, true), labels).dLogits());
        float[][] g = new float[m.parameters().size()][];
        for (int p = 0; p < g.length; p++) g[p] = m.parameters().get(p).grad().clone();
        return g;
    }
}
