package org.relunet.nn;

import java.util.Arrays;
import java.util.List;

import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * A learned scale per element (a diagonal matrix), initialised to 1, excluded from weight decay
 * (decay would pull the scales, and with them the signal, to 0).
 * <pre>
 *   x, y (N, F)    d (F)
 *   y = d * x      dIn = d * dOut      dd += sum_n x * dOut
 * </pre>
 * With fixed transforms in between this is the A and D of ACDC (Moczulski et al. 2016) and the S
 * of Fastfood.
 */
public final class Diagonal implements Layer {
    private final LayerSpec.DiagonalSpec spec;
    private final Shape shape;
    private final Parameter scale;   // (F)
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor input, out, dIn;

    Diagonal(LayerSpec.DiagonalSpec spec, Shape shape) {
        this.spec = spec;
        this.shape = shape;
        this.scale = Parameter.create("scale", false, shape.size());
        Arrays.fill(scale.value(), 1f);
    }

    public Parameter scale() { return scale; }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return shape; }
    @Override public Shape outputShape() { return shape; }
    @Override public List<Parameter> parameters() { return List.of(scale); }
    @Override public long flopsPerSample() { return shape.size(); }
    @Override public void initialize(Rng rng) { Arrays.fill(scale.value(), 1f); }

    @Override public Tensor forward(Tensor x, boolean training) {
        input = x;
        if (out == null || out.size() != x.size()) out = Tensor.zeros(x.shape());
        kernels.mulRowVector(x.data, x.batch(), shape.size(), scale.value(), out.data);
        return out;
    }

    @Override public Tensor backward(Tensor dOut) {
        if (dIn == null || dIn.size() != dOut.size()) dIn = Tensor.zeros(dOut.shape());
        kernels.mulRowVectorBackward(input.data, dOut.data, dOut.batch(), shape.size(), scale.value(), dIn.data, scale.grad());
        return dIn;
    }
}
