package org.relunet.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.relunet.kernels.Bits;
import org.relunet.kernels.Parallel;
import org.relunet.kernels.RestoresThreads;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Training passes fuse each ReLU into a neighbour (the Dense before or after it, or the max pool
 * after it; see {@link Dense} and {@link MaxPool2d}); inference passes run the layers one by one.
 * The logits and every gradient must be the same bits either way, and pass the gradient check.
 */
@ExtendWith(RestoresThreads.class)
class FusedReluTest {
    @Test
    void denseReluDenseGivesTheBitsOfTheSeparateLayers() {
        // Training: dense+relu in one kernel call, the input gradient masked by the ReLU before.
        // Inference runs the layers one by one. Both paths of Dense, 1 and 3 threads, 67 rows
        // (groups of 4 and a leftover for the sparse kernel).
        Model m = Model.of(Shape.vector(50), LayerSpecParser.parse("dense(70) relu dense(33) relu dense(4)"), 9);
        Tensor x = DenseSparsePathTest.sparse(4, 0.45, 67, 50);
        int[] labels = new int[67];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 4;
        for (double path : new double[] {DenseSparsePathTest.ALWAYS, DenseSparsePathTest.NEVER}) {
            for (Layer l : m.layers()) if (l instanceof Dense d) d.sparseMaxDensity = path;
            for (int threads : new int[] {1, 3}) {
                Parallel.setThreads(threads);
                assertFusedEqualsSeparate(m, x, labels, "path " + path + ", " + threads + " threads");
            }
        }
        GradientCheck.Result r = new GradientCheck(1e-3, 2e-3, 2e-2, 300).checkModel(m, x, labels, true);
        assertTrue(r.checked() > 0 && r.passed(), r.toString());
    }

    @Test
    void convReluPoolGivesTheBitsOfTheSeparateLayers() {
        // conv -> relu -> pool twice (28 and 14 wide rows: the vector 2x2 path; 7 wide: the routed
        // one), then a Dense -> ReLU -> Dense head: every fusion at once.
        Model m = Model.of(Shape.image(1, 28, 28),
                LayerSpecParser.parse("conv(4,3,pad=1) relu maxpool(2) conv(6,3,pad=1) relu maxpool(2) conv(3,3,pad=1) relu maxpool(2) flatten dense(12) relu dense(3)"), 3);
        Tensor x = GradientCheckTest.awayFromKink(8, 5, 1, 28, 28);
        for (int i = 0; i < x.size(); i += 3) x.data[i] = 0f;                  // zeros, as in pictures
        int[] labels = {0, 1, 2, 1, 0};
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            assertFusedEqualsSeparate(m, x, labels, threads + " threads");
        }
        GradientCheck.Result r = new GradientCheck(1e-3, 2e-3, 2e-2, 300).checkModel(m, x, labels, true);
        assertTrue(r.checked() > 0 && r.passed(), r.toString());
    }

    /** The logits and every parameter gradient of a training pass equal those of an inference pass, bit for bit. */
    static void assertFusedEqualsSeparate(Model m, Tensor x, int[] labels, String what) {
        float[][] fused = gradients(m, x, labels, true), separate = gradients(m, x, labels, false);
        for (int p = 0; p < fused.length; p++) {
            Bits.assertSameBits(separate[p], fused[p], (p == 0 ? "logits" : m.parameterNames().get(p - 1)) + ", " + what + ", fused against separate");
        }
    }

    /** The logits, then every parameter gradient, of one pass (training or not) under softmax cross-entropy. */
    private static float[][] gradients(Model m, Tensor x, int[] labels, boolean training) {
        m.zeroGrad();
        Tensor logits = m.forward(x, training);
        float[] out = logits.data.clone();
        m.backward(new SoftmaxCrossEntropy().forwardBackward(logits, labels).dLogits());
        float[][] g = new float[m.parameters().size() + 1][];
        g[0] = out;
        for (int p = 0; p < m.parameters().size(); p++) g[p + 1] = m.parameters().get(p).grad().clone();
        return g;
    }
}
