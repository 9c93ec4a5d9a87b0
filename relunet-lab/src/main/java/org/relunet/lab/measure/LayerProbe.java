package org.relunet.lab.measure;

import java.util.ArrayList;
import java.util.List;

import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.nn.Dense;
import org.relunet.nn.Layer;
import org.relunet.nn.Model;
import org.relunet.tensor.Tensor;

/**
 * Per-layer signal statistics of a network on one batch, the quantities of Glorot and Bengio
 * (2010) and He et al. (2015): for each Dense layer l with output z_l (the pre-activation),
 * <ul>
 *   <li>the standard deviation of the layer's activation output f(z_l) (for the read-out, of z_l),</li>
 *   <li>the back-propagated gradient ("delta") dLoss_n/dz_l: its norm per sample, averaged over samples,</li>
 *   <li>the weight gradient dLoss/dW_l of the batch-mean loss: its Frobenius norm.</li>
 * </ul>
 * The model's parameter gradients are overwritten (zeroed, then filled by one backward pass).
 */
public final class LayerProbe {
    private LayerProbe() {}

    /** Statistics of the Dense layers, first to last (the read-out included). */
    public record Stats(double[] activationStd, double[] deltaNorm, double[] weightGradNorm, double loss) {
        public int layers() { return deltaNorm.length; }
    }

    public static Stats measure(Model model, Tensor x, int[] labels) {
        List<Layer> layers = model.layers();
        List<Integer> dense = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) if (layers.get(i) instanceof Dense) dense.add(i);
        int d = dense.size();
        double[] std = new double[d], delta = new double[d], wgrad = new double[d];

        // forward, remembering the std of what follows each Dense (its activation's output, or the logits)
        Tensor t = x;
        int k = -1;
        for (int i = 0; i < layers.size(); i++) {
            t = layers.get(i).forward(t, false);
            if (layers.get(i) instanceof Dense) k++;
            boolean endOfBlock = i + 1 == layers.size() || layers.get(i + 1) instanceof Dense;
            if (k >= 0 && endOfBlock) std[k] = std(t.data);
        }
        SoftmaxCrossEntropy.Result r = new SoftmaxCrossEntropy().forwardBackward(t, labels);
        model.zeroGrad();
        Tensor g = r.dLogits();
        int n = x.batch();
        k = d;
        for (int i = layers.size() - 1; i >= 0 && g != null; i--) {
            if (layers.get(i) instanceof Dense dl) {
                k--;
                delta[k] = meanRowNorm(g.data, n, g.sampleSize()) * n;   // the loss is a mean over n samples
                g = dl.backward(g);
                wgrad[k] = org.relunet.lab.measure.Stats.norm(dl.weight().grad());
            } else {
                g = layers.get(i).backward(g);
            }
        }
        return new Stats(std, delta, wgrad, r.loss());
    }

    private static double std(float[] a) {
        double s = 0, s2 = 0;
        for (float v : a) { s += v; s2 += (double) v * v; }
        double m = s / a.length;
        return Math.sqrt(Math.max(0, s2 / a.length - m * m));
    }

    private static double meanRowNorm(float[] a, int rows, int cols) {
        double total = 0;
        for (int r = 0; r < rows; r++) total += org.relunet.lab.measure.Stats.norm(a, r * cols, (r + 1) * cols);
        return total / rows;
    }
}
