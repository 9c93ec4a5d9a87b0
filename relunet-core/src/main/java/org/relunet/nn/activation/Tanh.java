package org.relunet.nn.activation;

import org.relunet.init.Initializer;
import org.relunet.kernels.Kernels;

/**
 * Hyperbolic tangent: f'(x) = 1 - tanh(x)^2, which exceeds 1/4 only for |x| < atanh(sqrt(3)/2) = 1.3170.
 */
public record Tanh() implements ActivationFunction {
    @Override public double value(double x) { return Math.tanh(x); }

    @Override public double derivative(double x) {
        double t = Math.tanh(x);
        return 1 - t * t;
    }

    @Override public void forward(Kernels k, float[] x, float[] y, int n) { k.tanh(x, y, n); }
    @Override public void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n) { k.tanhBackward(y, dOut, dIn, n); }
    @Override public String specText() { return "tanh"; }
    @Override public Initializer defaultInitializer() { return Initializer.XAVIER_NORMAL; }
    @Override public int flopsPerElement() { return 4; }
}
