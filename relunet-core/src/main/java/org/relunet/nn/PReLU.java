package org.relunet.nn;

import java.util.Arrays;
import java.util.List;

import org.relunet.init.Rng;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Parametric ReLU (He et al. 2015): y = x for x > 0, a_c x otherwise, with one learned slope a_c
 * per channel (image input (C, H, W)) or per unit (vector input (F)). The slope is excluded from
 * weight decay, which would push it to 0 and turn PReLU back into ReLU.
 * <pre>
 *   x, y (N, C, S) with S = H*W (or (N, F) with S = 1)    a (C)
 *   dIn = dOut where x > 0, a_c dOut otherwise
 *   da_c += sum over n, s with x <= 0 of x * dOut
 * </pre>
 */
public final class PReLU implements Layer {
    private final LayerSpec.PReLUSpec spec;
    private final Shape shape;
    private final int channels, spatial;
    private final Parameter slope;   // (C)
    private Tensor input, output, dIn;

    PReLU(LayerSpec.PReLUSpec spec, Shape input) {
        this.spec = spec;
        this.shape = input;
        this.channels = input.dim(0);
        this.spatial = input.size() / channels;
        this.slope = Parameter.create("slope", false, channels);
        Arrays.fill(slope.value(), spec.initialSlope());
    }

    public Parameter slope() { return slope; }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return shape; }
    @Override public Shape outputShape() { return shape; }
    @Override public List<Parameter> parameters() { return List.of(slope); }
    @Override public long flopsPerSample() { return shape.size(); }
    @Override public void initialize(Rng rng) { Arrays.fill(slope.value(), spec.initialSlope()); }

    @Override public Tensor forward(Tensor x, boolean training) {
        input = x;
        if (output == null || output.size() != x.size()) {
            output = Tensor.zeros(x.shape());
            dIn = Tensor.zeros(x.shape());
        }
        float[] a = slope.value(), xs = x.data, y = output.data;
        int n = x.batch();
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < channels; c++) {
                int o = (b * channels + c) * spatial;
                float ac = a[c];
                for (int s = o; s < o + spatial; s++) y[s] = xs[s] > 0f ? xs[s] : ac * xs[s];
            }
        }
        return output;
    }

    @Override public Tensor backward(Tensor dOut) {
        float[] a = slope.value(), da = slope.grad(), xs = input.data, g = dOut.data, dx = dIn.data;
        int n = dOut.batch();
        for (int c = 0; c < channels; c++) {
            float ac = a[c], sum = 0f;
            for (int b = 0; b < n; b++) {
                int o = (b * channels + c) * spatial;
                for (int s = o; s < o + spatial; s++) {
                    if (xs[s] > 0f) {
                        dx[s] = g[s];
                    } else {
                        dx[s] = ac * g[s];
                        sum += xs[s] * g[s];
                    }
                }
            }
            da[c] += sum;
        }
        return dIn;
    }
}
