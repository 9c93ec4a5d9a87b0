package org.relunet.nn.activation;

import org.relunet.init.Initializer;
import org.relunet.kernels.Kernels;

/**
 * An element-wise non-linearity y = f(x): its value and derivative as plain functions (for the lab
 * and the tests) and as batched kernels (for training). One record per function, each in its own file.
 */
public sealed interface ActivationFunction permits ReLU, LeakyReLU, ELU, GELU, SiLU, Softplus, Sigmoid, Tanh, Identity {

    /** f(x) in double precision (the mathematical definition). */
    double value(double x);

    /** f'(x) in double precision; at a kink, the one-sided value the kernels use. */
    double derivative(double x);

    /** y = f(x) for n elements. */
    void forward(Kernels k, float[] x, float[] y, int n);

    /** dIn = f'(x) * dOut for n elements, given the forward input x and output y. */
    void backward(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n);

    /** Text form for layer specs and model files, e.g. {@code relu} or {@code leaky_relu(0.01)}. */
    String specText();

    /** Whether f is piecewise linear (so a network of it is one linear map per activation pattern). */
    default boolean piecewiseLinear() { return false; }

    /** The initialiser a layer feeding this function gets by default: He for rectifiers, Xavier for sigmoid and tanh. */
    default Initializer defaultInitializer() { return Initializer.HE_NORMAL; }

    /** Approximate FLOPs per element of the forward pass. */
    default int flopsPerElement() { return 1; }
}
