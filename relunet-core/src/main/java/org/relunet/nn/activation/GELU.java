package org.relunet.nn.activation;

import org.relunet.kernels.Kernels;

/**
 * Gaussian error linear unit (Hendrycks and Gimpel 2016), tanh approximation:
 * f(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
 */
public record GELU() implements ActivationFunction {
    private static final double C = Math.sqrt(2.0 / Math.PI);
    private static final double A = 0.044715;

    @Override public double value(double x) { return 0.5 * x * (1 + Math.tanh(C * (x + A * x * x * x))); }

    @Override public double derivative(double x) {
        double t = Math.tanh(C * (x + A * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * A * x * x);
    }

    @Override public void forward(Kernels k, float[] x, float[] y, int n) { k.gelu(x, y, n); }
    @Override public void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n) { k.geluBackward(x, dOut, dIn, n); }
    @Override public String specText() { return "gelu"; }
    @Override public int flopsPerElement() { return 10; }
}
