package org.relunet.nn;

import java.util.List;

import org.relunet.init.Initializer;
import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Fully connected layer: y = x W^T + b.
 * <pre>
 *   x (N, I)   W (O, I)   b (O)   y (N, O)
 *   dW += dOut^T x        (O, I)
 *   db += sum_n dOut[n]   (O)
 *   dIn = dOut W          (N, I)
 * </pre>
 */
public final class Dense implements Layer {
    private final LayerSpec.DenseSpec spec;
    private final int inputs, units;
    private final Initializer init;
    private final Parameter weight;   // (O, I)
    private final Parameter bias;     // (O)
    private final Kernels kernels = KernelProvider.kernels();
    boolean inputGradient = true;     // false for a first layer: nobody needs dIn

    private Tensor input;             // (N, I), kept for backward
    private Tensor out;               // (N, O) workspace
    private Tensor dIn;               // (N, I) workspace

    Dense(LayerSpec.DenseSpec spec, int inputs, Initializer init) {
        this.spec = spec;
        this.inputs = inputs;
        this.units = spec.units();
        this.init = init;
        this.weight = Parameter.create("weight", true, units, inputs);
        this.bias = Parameter.create("bias", false, units);
    }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return Shape.vector(inputs); }
    @Override public Shape outputShape() { return Shape.vector(units); }
    @Override public List<Parameter> parameters() { return List.of(weight, bias); }
    @Override public long flopsPerSample() { return 2L * inputs * units; }

    /** The initialiser used for the weights (He normal by default before ReLU). */
    public Initializer initializer() { return init; }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    @Override public void initialize(Rng rng) {
        init.fill(weight.value(), inputs, units, rng);
        java.util.Arrays.fill(bias.value(), 0f);
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.batch();
        input = x;
        if (out == null || out.batch() != n) out = Tensor.zeros(n, units);
        // y(N,O) = x(N,I) * W(O,I)^T, then + b
        kernels.gemm(false, true, n, units, inputs, 1f, x.data, 0, inputs, weight.value(), 0, inputs, 0f, out.data, 0, units);
        kernels.addRowVector(out.data, n, units, bias.value());
        return out;
    }

    @Override public Tensor backward(Tensor dOut) {
        int n = dOut.batch();
        // dW(O,I) += dOut(N,O)^T * x(N,I)
        kernels.gemm(true, false, units, inputs, n, 1f, dOut.data, 0, units, input.data, 0, inputs, 1f, weight.grad(), 0, inputs);
        kernels.addColumnSums(dOut.data, n, units, bias.grad());
        if (!inputGradient) return null;
        if (dIn == null || dIn.batch() != n) dIn = Tensor.zeros(n, inputs);
        // dIn(N,I) = dOut(N,O) * W(O,I)
        kernels.gemm(false, false, n, inputs, units, 1f, dOut.data, 0, units, weight.value(), 0, inputs, 0f, dIn.data, 0, inputs);
        return dIn;
    }
}
