package org.relunet.nn;

import java.util.Arrays;

/**
 * A learned tensor and its gradient. Layers own their parameters; {@code backward} adds into
 * {@link #grad}, and zeroing it is the trainer's explicit step. Optimiser state lives in the
 * optimiser, keyed by the parameter's position in {@link Model#parameters()}.
 *
 * @param name     e.g. {@code "2.conv.weight"}
 * @param shape    e.g. (OC, C*KH*KW) for a convolution weight
 * @param value    the values, row-major
 * @param grad     dLoss/dValue, same length
 * @param decay    whether weight decay applies (weights yes; biases and PReLU slopes no)
 */
public record Parameter(String name, int[] shape, float[] value, float[] grad, boolean decay) {
    public Parameter {
        int n = 1;
        for (int d : shape) n *= d;
        if (value.length != n || grad.length != n) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " does not match "
                    + value.length + " values / " + grad.length + " grads");
        }
    }

    public static Parameter create(String name, boolean decay, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return new Parameter(name, shape.clone(), new float[n], new float[n], decay);
    }

    public int size() { return value.length; }

    public void zeroGrad() {
        int n = grad.length, threads = org.relunet.kernels.Parallel.threads();
        if (n < PARALLEL_FILL || threads == 1) {
            Arrays.fill(grad, 0f);
            return;
        }
        // a big layer's gradient (W1's first: 200k floats) is a memory stream: both cores fill half
        org.relunet.kernels.Parallel.forEach(threads, t -> Arrays.fill(grad, (int) ((long) n * t / threads), (int) ((long) n * (t + 1) / threads), 0f));
    }

    /** Gradients at least this long are zeroed by all kernel threads. */
    private static final int PARALLEL_FILL = 1 << 16;
}
