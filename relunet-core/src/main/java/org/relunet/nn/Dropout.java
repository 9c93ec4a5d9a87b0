package org.relunet.nn;

import org.relunet.init.Rng;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Inverted dropout (Srivastava et al. 2014): in training each element is kept with probability
 * 1 - rate and scaled by 1 / (1 - rate), so inference is the identity. The mask comes from the
 * layer's own generator, seeded by the model, so training stays reproducible.
 */
public final class Dropout implements Layer {
    private final LayerSpec.DropoutSpec spec;
    private final Shape shape;
    private Rng rng = new Rng(0);
    private float[] mask;      // (N * sample) entries 0 or 1/(1-rate)
    private Tensor output;
    private Tensor dIn;
    private boolean lastTraining;

    Dropout(LayerSpec.DropoutSpec spec, Shape input) {
        this.spec = spec;
        this.shape = input;
    }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return shape; }
    @Override public Shape outputShape() { return shape; }
    @Override public long flopsPerSample() { return shape.size(); }
    @Override public void initialize(Rng seed) { this.rng = seed.split(); }

    /** Generator state, saved in checkpoints so a resumed run draws the same masks. */
    public Rng rng() { return rng; }

    @Override public Tensor forward(Tensor x, boolean training) {
        lastTraining = training && spec.rate() > 0f;
        if (!lastTraining) return x;
        int n = x.size();
        if (output == null || output.size() != n) {
            output = Tensor.zeros(x.shape());
            dIn = Tensor.zeros(x.shape());
            mask = new float[n];
        }
        float keep = 1f - spec.rate(), scale = 1f / keep;
        for (int i = 0; i < n; i++) {
            mask[i] = rng.nextFloat() < keep ? scale : 0f;
            output.data[i] = x.data[i] * mask[i];
        }
        return output;
    }

    @Override public Tensor backward(Tensor dOut) {
        if (!lastTraining) return dOut;
        for (int i = 0; i < dOut.size(); i++) dIn.data[i] = dOut.data[i] * mask[i];
        return dIn;
    }
}
