package org.relunet.inspect;

import org.relunet.nn.Model;
import org.relunet.tensor.Shape;

/**
 * The Jacobian J = df/dx of any model at one input x, (outputs, inputs), for models that are not
 * piecewise linear (tanh, sigmoid, GELU, softmax, ...) where {@link EffectiveLinearMap} does not
 * apply. It uses the same machinery: each smooth activation is linearised by f'(pre-activation),
 * softmax by diag(p) - p p^T, rectifiers and max-pool by their switches, accumulated in double.
 * f(x + dx) = f(x) + J dx + O(|dx|^2) only near x; for a piecewise-linear model J equals W_eff and
 * holds on the whole activation region.
 */
public final class LocalJacobian {
    private final Shape inputShape;
    private final int inputs, outputs;
    private final double[] matrix;   // (outputs, inputs)
    private final float[] output;
    private final boolean exact;

    private LocalJacobian(Shape inputShape, double[] matrix, float[] output, boolean exact) {
        this.inputShape = inputShape;
        this.inputs = inputShape.size();
        this.outputs = output.length;
        this.matrix = matrix;
        this.output = output;
        this.exact = exact;
    }

    /** The Jacobian of the model at one sample x (inputShape.size() values), in inference mode. */
    public static LocalJacobian at(Model model, float[] x) {
        SwitchedNetwork net = SwitchedNetwork.of(model);
        SwitchedNetwork.Trace trace = net.trace(x);
        return new LocalJacobian(model.inputShape(), net.jacobian(trace.linearization()), trace.output(), net.obstacle().isEmpty());
    }

    public int inputs() { return inputs; }

    public int outputs() { return outputs; }

    /** dOutput/dInput. */
    public double get(int output, int input) { return matrix[output * inputs + input]; }

    /** J as a copy, (outputs, inputs) row-major. */
    public double[] matrix() { return matrix.clone(); }

    /** Row {@code output}: the gradient of that output with respect to the input. */
    public double[] row(int output) {
        double[] r = new double[inputs];
        System.arraycopy(matrix, output * inputs, r, 0, inputs);
        return r;
    }

    /** The model's float forward output at x. */
    public float[] output() { return output.clone(); }

    /** The arg-max of the forward output. */
    public int predictedClass() { return EffectiveLinearMap.argmax(output); }

    /** Whether the model is piecewise linear, so J is the exact map on x's activation region. */
    public boolean exact() { return exact; }

    /** Row {@code output} as channel 0 of the input image (H, W), a saliency map. */
    public double[][] heatMap(int output) { return EffectiveLinearMap.asImage(row(output), inputShape, 0); }
}
