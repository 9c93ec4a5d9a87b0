package org.relunet.nn.activation;

import org.relunet.init.Initializer;
import org.relunet.kernels.Kernels;

/**
 * Logistic sigmoid: f(x) = 1 / (1 + e^-x), f'(x) = f(x)(1 - f(x)) <= 1/4 (equality at x = 0),
 * which is why deep sigmoid stacks shrink gradients geometrically.
 */
public record Sigmoid() implements ActivationFunction {
    /** 1 / (1 + e^-x) without overflow for large |x|. */
    public static double logistic(double x) {
        if (x >= 0) return 1.0 / (1.0 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    @Override public double value(double x) { return logistic(x); }

    @Override public double derivative(double x) {
        double s = logistic(x);
        return s * (1 - s);
    }

    @Override public void forward(Kernels k, float[] x, float[] y, int n) { k.sigmoid(x, y, n); }
    @Override public void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n) { k.sigmoidBackward(y, dOut, dIn, n); }
    @Override public String specText() { return "sigmoid"; }
    @Override public Initializer defaultInitializer() { return Initializer.XAVIER_NORMAL; }
    @Override public int flopsPerElement() { return 4; }
}
