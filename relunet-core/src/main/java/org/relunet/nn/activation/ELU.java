package org.relunet.nn.activation;

import org.relunet.kernels.Kernels;

/**
 * Exponential linear unit (Clevert et al. 2015): f(x) = x for x > 0, alpha (e^x - 1) otherwise.
 * f'(x) = 1 for x > 0, f(x) + alpha otherwise: smooth negative side, never exactly zero.
 *
 * @param alpha the negative saturation value, typically 1; must be positive
 */
public record ELU(float alpha) implements ActivationFunction {
    public ELU {
        if (!(alpha > 0) || !Float.isFinite(alpha)) throw new IllegalArgumentException("elu alpha must be positive, got " + alpha);
    }

    public ELU() { this(1f); }

    @Override public double value(double x) { return x > 0 ? x : alpha * Math.expm1(x); }
    @Override public double derivative(double x) { return x > 0 ? 1.0 : alpha * Math.exp(x); }
    @Override public void forward(Kernels k, float[] x, float[] y, int n) { k.elu(alpha, x, y, n); }
    @Override public void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n) { k.eluBackward(alpha, x, y, dOut, dIn, n); }
    @Override public String specText() { return "elu(" + alpha + ")"; }
    @Override public int flopsPerElement() { return 4; }
}
