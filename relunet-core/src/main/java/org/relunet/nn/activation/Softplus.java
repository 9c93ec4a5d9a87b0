package org.relunet.nn.activation;

import org.relunet.kernels.Kernels;

/** Softplus (Dugas et al. 2001), the smooth ReLU: f(x) = log(1 + e^x), f'(x) = sigmoid(x). */
public record Softplus() implements ActivationFunction {
    @Override public double value(double x) { return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))); }
    @Override public double derivative(double x) { return Sigmoid.logistic(x); }
    @Override public void forward(Kernels k, float[] x, float[] y, int n) { k.softplus(x, y, n); }
    @Override public void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n) { k.softplusBackward(x, dOut, dIn, n); }
    @Override public String specText() { return "softplus"; }
    @Override public int flopsPerElement() { return 5; }
}
