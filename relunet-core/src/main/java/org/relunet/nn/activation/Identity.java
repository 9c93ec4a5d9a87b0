package org.relunet.nn.activation;

import org.relunet.init.Initializer;
import org.relunet.kernels.Kernels;

/** The identity f(x) = x: no non-linearity (two linear layers around it collapse into one). */
public record Identity() implements ActivationFunction {
    @Override public double value(double x) { return x; }
    @Override public double derivative(double x) { return 1.0; }
    @Override public void forward(Kernels k, float[] x, float[] y, int n) { System.arraycopy(x, 0, y, 0, n); }
    @Override public void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n) { System.arraycopy(dOut, 0, dIn, 0, n); }
    @Override public String specText() { return "identity"; }
    @Override public boolean piecewiseLinear() { return true; }
    @Override public Initializer defaultInitializer() { return Initializer.LECUN_NORMAL; }
    @Override public int flopsPerElement() { return 0; }
}
