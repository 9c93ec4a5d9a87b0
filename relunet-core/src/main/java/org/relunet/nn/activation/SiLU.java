package org.relunet.nn.activation;

import org.relunet.kernels.Kernels;

/** SiLU / swish (Elfwing et al. 2017; Ramachandran et al. 2017): f(x) = x sigmoid(x). */
public record SiLU() implements ActivationFunction {
    @Override public double value(double x) { return x * Sigmoid.logistic(x); }

    @Override public double derivative(double x) {
        double s = Sigmoid.logistic(x);
        return s + x * s * (1 - s);
    }

    @Override public void forward(Kernels k, float[] x, float[] y, int n) { k.silu(x, y, n); }
    @Override public void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n) { k.siluBackward(x, dOut, dIn, n); }
    @Override public String specText() { return "silu"; }
    @Override public int flopsPerElement() { return 5; }
}
