package org.relunet.nn;

import java.util.Arrays;

/**
 * A learned tensor and its gradient. Layers own their parameters; {@code backward} adds into
 * {@link #grad}, and zeroing it is the trainer's explicit step. Optimiser state lives in the
 * optimiser, keyed by the parameter's position in {@link Model#parameters()}.
 *
 * <p>{@link #zeroGrad} is lazy: it only marks the gradient as zero. The next {@link #grad} call
 * fills it with zeros, unless a layer first calls {@link #gradToOverwrite}, which promises to write
 * every element (a product with beta = 0 instead of += into zeros). W1's first-layer gradient is
 * 200K floats: a fill of it is a pass over 800 KB per step that the product then reads back.
 */
public final class Parameter {
    private final String name;
    private final int[] shape;
    private final float[] value, grad;
    private final boolean decay;
    private boolean gradPendingZero;  // grad is logically all zeros, not yet written

    /**
     * @param name     e.g. {@code "2.conv.weight"}
     * @param shape    e.g. (OC, C*KH*KW) for a convolution weight
     * @param value    the values, row-major
     * @param grad     dLoss/dValue, same length
     * @param decay    whether weight decay applies (weights yes; biases and PReLU slopes no)
     */
    public Parameter(String name, int[] shape, float[] value, float[] grad, boolean decay) {
        int n = 1;
        for (int d : shape) n *= d;
        if (value.length != n || grad.length != n) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " does not match "
                    + value.length + " values / " + grad.length + " grads");
        }
        this.name = name;
        this.shape = shape;
        this.value = value;
        this.grad = grad;
        this.decay = decay;
    }

    public static Parameter create(String name, boolean decay, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return new Parameter(name, shape.clone(), new float[n], new float[n], decay);
    }

    public String name() { return name; }
    public int[] shape() { return shape; }
    public float[] value() { return value; }
    public boolean decay() { return decay; }
    public int size() { return value.length; }

    /** dLoss/dValue, to read or to add into; zeros after {@link #zeroGrad}. */
    public float[] grad() {
        if (gradPendingZero) {
            fill(grad);
            gradPendingZero = false;
        }
        return grad;
    }

    /**
     * Whether the gradient was zeroed and nothing has been written since: a caller that will write
     * every element may then take {@link #gradToOverwrite} and compute with beta = 0; otherwise it
     * adds into {@link #grad}.
     */
    public boolean gradIsZero() { return gradPendingZero; }

    /** The gradient array, no longer marked zero: the caller writes every element now. */
    public float[] gradToOverwrite() {
        gradPendingZero = false;
        return grad;
    }

    /** Sets the gradient to zero (lazily: see the class comment). */
    public void zeroGrad() { gradPendingZero = true; }

    private static void fill(float[] grad) {
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

    @Override public String toString() { return name + Arrays.toString(shape); }
}
