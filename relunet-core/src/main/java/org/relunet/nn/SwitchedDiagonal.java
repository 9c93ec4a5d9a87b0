package org.relunet.nn;

import java.util.Arrays;
import java.util.List;

import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * The seed's "switch" as a layer: two learned weights per element, the input's sign choosing one.
 * <pre>
 *   x, y (N, F)    a, b (F)
 *   y   = x > 0 ? a x : b x
 *   dIn = (x > 0 ? a : b) dOut
 *   da += sum_n [x > 0] x dOut        db += sum_n [x <= 0] x dOut
 * </pre>
 * With a = 1, b = 0 it is ReLU, with b = slope PReLU; here both sides are learned per element.
 * Between fixed transforms it is the only learned part of a switch net: each unit is a switch that
 * connects its input to the next transform with weight a or b. The derivative at exactly 0 is the
 * left one (b), as for ReLU. Excluded from weight decay, like PReLU's slope. The work is
 * {@link Kernels#switchedScale} and its backward (a blend on the sign mask: a branch on random
 * signs mispredicts half the time).
 */
public final class SwitchedDiagonal implements Layer {
    private final LayerSpec.SwitchedDiagonalSpec spec;
    private final Shape shape;
    private final Parameter positive;   // (F) a
    private final Parameter negative;   // (F) b
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor input, out, dIn;

    SwitchedDiagonal(LayerSpec.SwitchedDiagonalSpec spec, Shape shape) {
        this.spec = spec;
        this.shape = shape;
        this.positive = Parameter.create("positive", false, shape.size());
        this.negative = Parameter.create("negative", false, shape.size());
        initialize(null);
    }

    public Parameter positive() { return positive; }

    public Parameter negative() { return negative; }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return shape; }
    @Override public Shape outputShape() { return shape; }
    @Override public List<Parameter> parameters() { return List.of(positive, negative); }
    @Override public long flopsPerSample() { return shape.size(); }

    @Override public void initialize(Rng rng) {
        Arrays.fill(positive.value(), spec.positive());
        Arrays.fill(negative.value(), spec.negative());
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        input = x;
        if (out == null || out.size() != x.size()) out = Tensor.zeros(x.shape());
        kernels.switchedScale(x.data, x.batch(), shape.size(), positive.value(), negative.value(), out.data);
        return out;
    }

    @Override public Tensor backward(Tensor dOut) {
        if (dIn == null || dIn.size() != dOut.size()) dIn = Tensor.zeros(dOut.shape());
        kernels.switchedScaleBackward(input.data, dOut.data, dOut.batch(), shape.size(), positive.value(), negative.value(),
                dIn.data, positive.grad(), negative.grad());
        return dIn;
    }
}
