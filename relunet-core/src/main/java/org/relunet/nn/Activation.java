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
    // The neighbours that apply this ReLU (set by Model, see Dense and MaxPool2d): a forward pass
    // passes its input through when the Dense before applied max(z, 0) already (max(x, 0) = x) or the
    // max pool after will; backward reads x > 0, which is z > 0, or passes dOut through when the Dense
    // or the pool after masked it already. Each layer derives the same decision from the same flags.
    boolean denseBefore, denseAfter, poolAfter;
    boolean fuseInference;   // set by Model.infer: fuse in inference passes too
    private boolean passThrough;          // whether the last forward passed its input through
    private boolean gradientPassThrough;  // whether the next backward passes dOut through

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
        passThrough = (training || fuseInference) && (denseBefore || poolAfter);
        gradientPassThrough = training && (denseAfter || poolAfter);
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
