package org.relunet.inspect;

import java.util.Optional;

import org.relunet.nn.Model;
import org.relunet.tensor.Shape;

/**
 * The one linear map a piecewise-linear network performs at one input (Answer 4 of the seed: "a
 * ReLU is a switch"). At x every rectifier unit is on or off and every max-pool window has one
 * winner; with those switches fixed, the weighted sums of weighted sums collapse to
 * <pre>
 *   f(x) = W_eff x + b_eff        W_eff (outputs, inputs), b_eff (outputs)
 * </pre>
 * and the same map holds on the whole activation region around x.
 *
 * <p>Supported layers: Dense, Conv2d (any stride and padding), MaxPool2d, Flatten, Dropout (the
 * identity in inference), and the activations ReLU, LeakyReLU, PReLU and Identity. The pattern is
 * the one the model's own float forward pass used; W_eff and b_eff are then accumulated in double
 * from the float weights: W_eff row by row through the transposed layers (one backward pass per
 * output) when there are fewer outputs than inputs, else column by column, and b_eff as the
 * network with the same switches applied to x = 0. {@link #reconstructionError()} compares
 * W_eff x + b_eff with the float forward output, an independent check of both.
 *
 * <p>A model with tanh, sigmoid, GELU, softmax or another smooth layer is not one linear map per
 * region: {@link #at} says which layer prevents it, and {@link LocalJacobian#at} gives the local
 * Jacobian at x instead.
 */
public final class EffectiveLinearMap {
    private final Shape inputShape;
    private final int inputs, outputs;
    private final float[] input;
    private final double[] weights;    // (outputs, inputs)
    private final double[] bias;       // (outputs)
    private final float[] output;      // the model's float forward output (outputs)
    private final ActivationPattern pattern;

    private EffectiveLinearMap(Shape inputShape, float[] input, double[] weights, double[] bias, float[] output, ActivationPattern pattern) {
        this.inputShape = inputShape;
        this.inputs = input.length;
        this.outputs = output.length;
        this.input = input;
        this.weights = weights;
        this.bias = bias;
        this.output = output;
        this.pattern = pattern;
    }

    /**
     * The effective linear map of a piecewise-linear model at one sample x (inputShape.size()
     * values, NCHW order). Runs the model's forward pass in inference mode.
     *
     * @throws IllegalArgumentException naming the first layer that is not piecewise linear, or when
     *                                  x has the wrong size
     */
    public static EffectiveLinearMap at(Model model, float[] x) {
        SwitchedNetwork net = SwitchedNetwork.of(model);
        net.requirePiecewiseLinear();
        SwitchedNetwork.Trace trace = net.trace(x);
        double[] w = net.jacobian(trace.linearization());
        double[] b = net.apply(new double[net.inputs()], trace.linearization(), true);
        return new EffectiveLinearMap(model.inputShape(), x.clone(), w, b, trace.output(), net.pattern(trace.linearization()));
    }

    /**
     * Why the model is not one linear map per activation pattern (naming the first layer that
     * prevents it), or empty when {@link #at} supports it.
     */
    public static Optional<String> obstacle(Model model) { return SwitchedNetwork.of(model).obstacle(); }

    public Shape inputShape() { return inputShape; }

    public int inputs() { return inputs; }

    public int outputs() { return outputs; }

    /** W_eff[output][input]. */
    public double weight(int output, int input) { return weights[output * inputs + input]; }

    /** W_eff as a copy, (outputs, inputs) row-major. */
    public double[] weights() { return weights.clone(); }

    /** Row {@code output} of W_eff: the single effective weighted sum that gives that output. */
    public double[] row(int output) {
        double[] r = new double[inputs];
        System.arraycopy(weights, output * inputs, r, 0, inputs);
        return r;
    }

    /** b_eff, the output at x = 0 with x's switches. */
    public double[] bias() { return bias.clone(); }

    /** The sample the map was taken at. */
    public float[] input() { return input.clone(); }

    /** The switches at x: rectifier units on, max-pool winners. */
    public ActivationPattern pattern() { return pattern; }

    /** The model's float forward output at x. */
    public float[] output() { return output.clone(); }

    /** W_eff x + b_eff, in double. */
    public double[] reconstruction() {
        double[] y = bias.clone();
        for (int o = 0; o < outputs; o++) {
            double sum = 0;
            for (int i = 0; i < inputs; i++) sum += weights[o * inputs + i] * input[i];
            y[o] += sum;
        }
        return y;
    }

    /**
     * Relative error |W_eff x + b_eff - f(x)|_2 / |f(x)|_2 against the model's float forward pass
     * (absolute when f(x) = 0). Float32 rounding in the forward pass makes it about 1e-7 for the
     * reference networks; a wrong switch or weight shows as order 1.
     */
    public double reconstructionError() {
        double[] r = reconstruction();
        double diff = 0, norm = 0;
        for (int o = 0; o < outputs; o++) {
            diff += (r[o] - output[o]) * (r[o] - output[o]);
            norm += (double) output[o] * output[o];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    /** The arg-max of the forward output: the predicted class of a classifier. */
    public int predictedClass() { return argmax(output); }

    /**
     * Per-input contributions W_eff[output][i] * x[i]; they sum, with b_eff[output], to the output.
     */
    public double[] contributions(int output) {
        double[] c = row(output);
        for (int i = 0; i < inputs; i++) c[i] *= input[i];
        return c;
    }

    /**
     * Row {@code output} of W_eff laid out as channel 0 of the input image, (H, W): the template
     * the network matches x against for that output (red/blue heat map of where brightness raises
     * or lowers the score). Needs an image input shape (C, H, W).
     */
    public double[][] heatMap(int output) { return asImage(row(output), inputShape, 0); }

    /** Row {@code output} of W_eff laid out as one channel of the input image, (H, W). */
    public double[][] heatMap(int output, int channel) { return asImage(row(output), inputShape, channel); }

    /** A vector over the input (inputShape.size() values, NCHW) as one channel image (H, W). */
    static double[][] asImage(double[] row, Shape inputShape, int channel) {
        if (!inputShape.isImage()) {
            throw new IllegalArgumentException("a heat map needs an image input (C, H, W) but the model takes " + inputShape);
        }
        int c = inputShape.dim(0), h = inputShape.dim(1), w = inputShape.dim(2);
        if (channel < 0 || channel >= c) throw new IllegalArgumentException("channel " + channel + " outside [0, " + c + ")");
        double[][] image = new double[h][w];
        for (int y = 0; y < h; y++) System.arraycopy(row, (channel * h + y) * w, image[y], 0, w);
        return image;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
