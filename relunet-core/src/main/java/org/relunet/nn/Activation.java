package org.relunet.nn;

import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.nn.activation.ActivationFunction;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * An element-wise activation y = f(x) over any shape; dIn = f'(x) * dOut. Keeps its input and
 * output for backward (ReLU needs x, sigmoid and tanh need y). A ReLU next to a Dense layer or
 * before a max pool is fused into that neighbour in training passes (see Dense, MaxPool2d, Model)
 * and then passes its input, and its gradient, through.
 */
public final class Activation implements Layer {
    private final LayerSpec.ActivationSpec spec;
    private final Shape shape;
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor input;    // (N, ...) the previous layer's output, kept for backward
    private Tensor output;   // (N, ...)
    private Tensor dIn;      // (N, ...)
    /**
     * Whether this forward pass passes its input through: set by the Dense before this ReLU when that
     * Dense applied the ReLU already (its output is max(z, 0), and max(x, 0) = x), or here when the
     * max pool after applies it (see MaxPool2d). Backward then reads x > 0, which is z > 0.
     */
    boolean passThrough;
    /** Whether backward passes dOut through: the Dense or the max pool after this ReLU masked it already. */
    boolean gradientPassThrough;
    /** A max pool right after this ReLU that applies it in training passes (set by Model; see MaxPool2d). */
    MaxPool2d poolAfter;
    /** Set by Model.infer: pass through to poolAfter in inference passes too. */
    boolean fuseInference;

    Activation(LayerSpec.ActivationSpec spec, Shape shape) {
        this.spec = spec;
        this.shape = shape;
    }

    public ActivationFunction function() { return spec.function(); }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return shape; }
    @Override public Shape outputShape() { return shape; }
    @Override public long flopsPerSample() { return (long) shape.size() * spec.function().flopsPerElement(); }

    @Override public Tensor forward(Tensor x, boolean training) {
        input = x;
        if (poolAfter != null) passThrough = gradientPassThrough = training || fuseInference;
        if (passThrough) return x;       // the Dense before or the pool after applies the ReLU (see passThrough)
        if (output == null || output.size() != x.size()) {
            output = Tensor.zeros(x.shape());
            dIn = Tensor.zeros(x.shape());
        }
        spec.function().forward(kernels, x.data, output.data, x.size());
        return output;
    }

    @Override public Tensor backward(Tensor dOut) {
        if (gradientPassThrough) return dOut;    // the Dense after this ReLU masked it already (see Dense)
        if (dIn == null || dIn.size() != dOut.size()) dIn = Tensor.zeros(dOut.shape());
        float[] y = passThrough ? input.data : output.data;     // passed through: y = x
        spec.function().backward(kernels, input.data, y, dOut.data, dIn.data, dOut.size());
        return dIn;
    }
}
