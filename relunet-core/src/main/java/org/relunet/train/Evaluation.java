package org.relunet.train;

import org.relunet.data.Dataset;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.nn.Model;
import org.relunet.tensor.Tensor;

/**
 * A model's performance on a data set: mean loss, accuracy and the confusion matrix
 * ({@code confusion[true][predicted]} counts).
 */
public record Evaluation(int samples, double loss, double accuracy, int[][] confusion) {

    /** Accuracy per true class: the diagonal over the row sums (NaN for a class with no samples). */
    public double[] perClassAccuracy() {
        double[] acc = new double[confusion.length];
        for (int c = 0; c < confusion.length; c++) {
            int total = 0;
            for (int v : confusion[c]) total += v;
            acc[c] = total == 0 ? Double.NaN : (double) confusion[c][c] / total;
        }
        return acc;
    }

    /** Runs the model in inference mode over the data set in batches. */
    public static Evaluation of(Model model, Dataset data, int batchSize) {
        int n = data.size(), classes = data.classes();
        int[][] confusion = new int[classes][classes];
        double lossSum = 0;
        int correct = 0;
        int sample = data.inputs().sampleSize();
        int outputs = model.outputShape().size();
        if (outputs != classes) {
            throw new IllegalArgumentException("model has " + outputs + " outputs but " + data.name() + " has " + classes + " classes");
        }
        Tensor batch = null;
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            if (batch == null || batch.batch() != count) batch = Tensor.zeros(count, data.sampleShape());
            System.arraycopy(data.inputs().data, from * sample, batch.data, 0, count * sample);
            Tensor logits = model.infer(batch);
            lossSum += SoftmaxCrossEntropy.sumLoss(logits, data.labels(), from);
            for (int r = 0; r < count; r++) {
                int best = argmax(logits.data, r * classes, classes);
                int truth = data.labels()[from + r];
                confusion[truth][best]++;
                if (best == truth) correct++;
            }
        }
        return new Evaluation(n, n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : (double) correct / n, confusion);
    }

    /** Index of the largest of x[off .. off+len) (the first one on ties). */
    public static int argmax(float[] x, int off, int len) {
        int best = 0;
        for (int j = 1; j < len; j++) if (x[off + j] > x[off + best]) best = j;
        return best;
    }
}
