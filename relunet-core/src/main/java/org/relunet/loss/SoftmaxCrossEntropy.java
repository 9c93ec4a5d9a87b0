package org.relunet.loss;

import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Tensor;

/**
 * Softmax and cross-entropy fused into one numerically stable operation, mean over the batch:
 * <pre>
 *   logits z (N, L), labels y (N)
 *   p = softmax(z)              (computed with z - max(z), so exp never overflows)
 *   loss = -1/N sum_n log p[n][y_n]  =  1/N sum_n (logsumexp(z_n) - z_n[y_n])
 *   dz = (p - onehot(y)) / N
 * </pre>
 * Softmax belongs here, at the read-out, and nowhere else in a classifier.
 */
public final class SoftmaxCrossEntropy {
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor probabilities;   // (N, L) workspace
    private Tensor dLogits;         // (N, L) workspace

    /** The result of one evaluation: mean loss, number of correct arg-max predictions, and dLoss/dLogits. */
    public record Result(double loss, int correct, Tensor dLogits) {}

    /**
     * Mean cross-entropy of logits (N, L) against labels, and its gradient (p - onehot) / N.
     * The returned gradient tensor is a workspace reused by the next call.
     */
    public Result forwardBackward(Tensor logits, int[] labels) {
        int n = logits.batch(), classes = logits.sampleSize();
        if (labels.length < n) throw new IllegalArgumentException("got " + labels.length + " labels for " + n + " logits rows");
        if (probabilities == null || probabilities.size() != logits.size()) {
            probabilities = Tensor.zeros(n, classes);
            dLogits = Tensor.zeros(n, classes);
        }
        float[] z = logits.data, p = probabilities.data, d = dLogits.data;
        kernels.softmaxRows(z, n, classes, p);
        double loss = 0;
        int correct = 0;
        float invN = 1f / n;
        for (int r = 0; r < n; r++) {
            int o = r * classes, y = labels[r];
            if (y < 0 || y >= classes) throw new IllegalArgumentException("label " + y + " outside [0, " + classes + ")");
            int best = 0;
            float max = z[o];
            for (int j = 1; j < classes; j++) if (z[o + j] > max) { max = z[o + j]; best = j; }
            if (best == y) correct++;
            // -log p_y from the softmax just computed (one log, not L exps); where p_y is too small
            // for a float (a confident wrong answer) from logits: log(sum exp(z - max)) - (z_y - max)
            float py = p[o + y];
            if (py >= Float.MIN_NORMAL) {
                loss -= Math.log(py);
            } else {
                double sum = 0;
                for (int j = 0; j < classes; j++) sum += Math.exp((double) z[o + j] - max);
                loss += Math.log(sum) - ((double) z[o + y] - max);
            }
            for (int j = 0; j < classes; j++) d[o + j] = p[o + j] * invN;
            d[o + y] -= invN;
        }
        return new Result(loss / n, correct, dLogits);
    }

    /** Summed (not mean) cross-entropy of logits (N, L) against labels[offset .. offset+N), for evaluation. */
    public static double sumLoss(Tensor logits, int[] labels, int offset) {
        int n = logits.batch(), classes = logits.sampleSize();
        float[] z = logits.data;
        double loss = 0;
        for (int r = 0; r < n; r++) {
            int o = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < classes; j++) max = Math.max(max, z[o + j]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.exp((double) z[o + j] - max);
            loss += Math.log(sum) - ((double) z[o + labels[offset + r]] - max);
        }
        return loss;
    }
}
