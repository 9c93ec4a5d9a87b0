package org.relunet.nn.activation;

import org.relunet.kernels.Kernels;

/**
 * Leaky ReLU (Maas et al. 2013): f(x) = x for x > 0, slope * x otherwise. The small negative-side
 * gradient keeps a unit that is off from dying (its weights still move).
 *
 * @param slope the negative-side slope, typically 0.01; must be finite
 */
public record LeakyReLU(float slope) implements ActivationFunction {
    public static final float DEFAULT_SLOPE = 0.01f;

    public LeakyReLU {
        if (!Float.isFinite(slope)) throw new IllegalArgumentException("leaky_relu slope must be finite, got " + slope);
    }

    public LeakyReLU() { this(DEFAULT_SLOPE); }

    @Override public double value(double x) { return x > 0 ? x : slope * x; }
    @Override public double derivative(double x) { return x > 0 ? 1.0 : slope; }
    @Override public void forward(Kernels k, float[] x, float[] y, int n) { k.leakyRelu(slope, x, y, n); }
    @Override public void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n) { k.leakyReluBackward(slope, x, dOut, dIn, n); }
    @Override public String specText() { return "leaky_relu(" + slope + ")"; }
    @Override public boolean piecewiseLinear() { return true; }
}
