package org.relunet.nn.activation;

import org.relunet.kernels.Kernels;

/**
 * Rectified linear unit, f(x) = max(0, x): a switch that passes x when on and gives 0 when off.
 * f'(x) = 1 for x > 0 and 0 otherwise (taken as 0 at x = 0). Idempotent: f(f(x)) = f(x).
 */
public record ReLU() implements ActivationFunction {
    @Override public double value(double x) { return Math.max(0.0, x); }
    @Override public double derivative(double x) { return x > 0 ? 1.0 : 0.0; }
    @Override public void forward(Kernels k, float[] x, float[] y, int n) { k.relu(x, y, n); }
    @Override public void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n) { k.reluBackward(x, dOut, dIn, n); }
    @Override public String specText() { return "relu"; }
    @Override public boolean piecewiseLinear() { return true; }
}
