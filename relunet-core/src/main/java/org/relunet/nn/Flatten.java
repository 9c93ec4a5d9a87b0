package org.relunet.nn;

import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/** Flattens each sample to a vector: (N, C, H, W) -> (N, C*H*W). A view over the same data, no copy. */
public final class Flatten implements Layer {
    private final LayerSpec.FlattenSpec spec;
    private final Shape in, out;

    Flatten(LayerSpec.FlattenSpec spec, Shape input) {
        this.spec = spec;
        this.in = input;
        this.out = Shape.vector(input.size());
    }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return in; }
    @Override public Shape outputShape() { return out; }
    @Override public long flopsPerSample() { return 0; }
    @Override public Tensor forward(Tensor x, boolean training) { return x.reshape(out.withBatch(x.batch())); }
    @Override public Tensor backward(Tensor dOut) { return dOut.reshape(in.withBatch(dOut.batch())); }
}
