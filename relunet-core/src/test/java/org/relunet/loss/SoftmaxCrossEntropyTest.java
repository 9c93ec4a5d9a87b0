package org.relunet.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.relunet.tensor.Tensor;

/** The loss value is -log p_y from the float softmax, and from the logits where p_y underflows. */
class SoftmaxCrossEntropyTest {
    @Test
    void lossMatchesTheDoubleLogSumExpIncludingConfidentWrongRows() {
        Random r = new Random(3);
        int n = 37, classes = 10;
        Tensor z = Tensor.zeros(n, classes);
        int[] y = new int[n];
        for (int i = 0; i < z.size(); i++) z.data[i] = (float) (4 * r.nextGaussian());
        for (int i = 0; i < n; i++) y[i] = r.nextInt(classes);
        z.data[5 * classes + (y[5] + 1) % classes] = 200f;     // p_y = exp(-200 - ...) underflows a float
        z.data[9 * classes + y[9]] = 300f;                     // p_y = 1
        SoftmaxCrossEntropy.Result result = new SoftmaxCrossEntropy().forwardBackward(z, y);
        double expected = SoftmaxCrossEntropy.sumLoss(z, y, 0) / n;
        assertTrue(Double.isFinite(result.loss()), "loss " + result.loss());
        assertTrue(expected > 200.0 / n, "the confident wrong row must count: " + expected);
        assertEquals(expected, result.loss(), 1e-6 * expected);
    }

    @Test
    void nanLogitsGiveANanLoss() {
        Tensor z = Tensor.zeros(2, 3);
        z.data[4] = Float.NaN;
        assertTrue(Double.isNaN(new SoftmaxCrossEntropy().forwardBackward(z, new int[] {0, 2}).loss()));
    }
}
