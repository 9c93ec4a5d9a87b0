package org.relunet.nn;

import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Softmax over the F features of each sample: p_j = e^{x_j - max} / sum_k e^{x_k - max}. It turns
 * read-out scores into probabilities (non-negative, summing to 1). For training, use the fused
 * {@link org.relunet.loss.SoftmaxCrossEntropy} on the logits instead; as a hidden layer (the
 * question's ReLU(softmax(x))) it squeezes every unit into [0, 1] with a shared budget of 1.
 * <pre>
 *   x, p (N, F)     dIn_j = p_j (dOut_j - sum_k dOut_k p_k)
 * </pre>
 */
public final class Softmax implements Layer {
    private final LayerSpec.SoftmaxSpec spec;
    private final Shape shape;
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor output, dIn;

    Softmax(LayerSpec.SoftmaxSpec spec, Shape shape) {
        this.spec = spec;
        this.shape = shape;
    }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return shape; }
    @Override public Shape outputShape() { return shape; }
    @Override public long flopsPerSample() { return 5L * shape.size(); }

    @Override public Tensor forward(Tensor x, boolean training) {
        if (output == null || output.size() != x.size()) {
            output = Tensor.zeros(x.shape());
            dIn = Tensor.zeros(x.shape());
        }
        kernels.softmaxRows(x.data, x.batch(), shape.size(), output.data);
        return output;
    }

    @Override public Tensor backward(Tensor dOut) {
        int n = dOut.batch(), f = shape.size();
        float[] p = output.data, g = dOut.data, dx = dIn.data;
        for (int r = 0; r < n; r++) {
            int o = r * f;
            float dot = kernels.dot(f, g, o, p, o);
            for (int j = o; j < o + f; j++) dx[j] = p[j] * (g[j] - dot);
        }
        return dIn;
    }
}
