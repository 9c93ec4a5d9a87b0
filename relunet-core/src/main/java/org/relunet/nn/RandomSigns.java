package org.relunet.nn;

import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Fixed random sign flips, the B of Fastfood: a diagonal of +-1 drawn from the spec's seed, so the
 * spec text alone rebuilds it (it is not a parameter and is not saved).
 * <pre>
 *   x, y (N, F)    d (F) in {-1, +1}
 *   y = d * x      dIn = d * dOut      (D D = I)
 * </pre>
 * Before a Walsh-Hadamard transform the flips decorrelate the transform from the input's structure
 * (H of a smooth image concentrates in few coefficients; H D spreads it).
 */
public final class RandomSigns implements Layer {
    private final LayerSpec.RandomSignsSpec spec;
    private final Shape shape;
    private final float[] signs;   // (F)
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor out, dIn;

    RandomSigns(LayerSpec.RandomSignsSpec spec, Shape shape) {
        this.spec = spec;
        this.shape = shape;
        this.signs = draw(spec.seed(), shape.size());
    }

    /** F signs from the seed: the top bit of each SplitMix64 draw. */
    static float[] draw(long seed, int count) {
        Rng rng = new Rng(seed);
        float[] s = new float[count];
        for (int i = 0; i < count; i++) s[i] = rng.nextLong() < 0 ? -1f : 1f;
        return s;
    }

    /** A copy of the signs. */
    public float[] signs() { return signs.clone(); }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return shape; }
    @Override public Shape outputShape() { return shape; }
    @Override public long flopsPerSample() { return shape.size(); }

    @Override public Tensor forward(Tensor x, boolean training) {
        if (out == null || out.size() != x.size()) out = Tensor.zeros(x.shape());
        kernels.mulRowVector(x.data, x.batch(), signs.length, signs, out.data);
        return out;
    }

    @Override public Tensor backward(Tensor dOut) {
        if (dIn == null || dIn.size() != dOut.size()) dIn = Tensor.zeros(dOut.shape());
        kernels.mulRowVector(dOut.data, dOut.batch(), signs.length, signs, dIn.data);
        return dIn;
    }
}
