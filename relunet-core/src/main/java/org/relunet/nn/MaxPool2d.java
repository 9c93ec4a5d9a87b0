package org.relunet.nn;

import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Max pooling over square windows, no padding. Forward keeps the argmax of every window, the
 * "switch" (as ConvNetJS calls it) that routes the gradient back to the one input that won.
 * <pre>
 *   x (N, C, H, W)  ->  y (N, C, OH, OW),  OH = (H - window) / stride + 1
 *   argmax (N*C*OH*OW) flat indices into x
 * </pre>
 *
 * <p><b>Fused with the ReLU before it in training.</b> For conv -> ReLU -> pool, a training pass
 * lets the ReLU pass its input z through and pools max(maxpool(z), 0) = maxpool(max(z, 0)) in one
 * pass ({@link Kernels#maxPoolReluForward}); backward routes dOut to the argmax where z > 0
 * ({@link Kernels#maxPoolReluBackward}) and the ReLU passes the gradient through. Same bits as the
 * separate layers, and two passes over the biggest activation of W2 saved each way. Inference is not
 * fused (the inspect tools read the ReLU's output and these switches layer by layer), except in
 * {@link Model#infer}, whose callers see only the logits.
 */
public final class MaxPool2d implements Layer {
    private final LayerSpec.MaxPool2dSpec spec;
    private final Shape in, out;
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor output;   // (N, C, OH, OW)
    private int[] argmax;    // (N*C*OH*OW)
    private Tensor dIn;      // (N, C, H, W)
    boolean reluBefore;      // a ReLU right before, applied here in training passes (set by Model)
    boolean fuseInference;   // set by Model.infer: apply reluBefore in inference passes too
    private Tensor fusedInput;   // (N, C, H, W) the ReLU's input z of the last fused pass, null when not fused

    MaxPool2d(LayerSpec.MaxPool2dSpec spec, Shape input) {
        this.spec = spec;
        this.in = input;
        int oh = (input.dim(1) - spec.window()) / spec.stride() + 1;
        int ow = (input.dim(2) - spec.window()) / spec.stride() + 1;
        this.out = Shape.image(input.dim(0), oh, ow);
    }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return in; }
    @Override public Shape outputShape() { return out; }
    @Override public long flopsPerSample() { return (long) out.size() * spec.window() * spec.window(); }

    /** The argmax switches of the last forward pass other than {@link Model#infer}'s (flat indices into its input). */
    public int[] switches() { return argmax; }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.batch();
        if (output == null || output.batch() != n) {
            output = Tensor.zeros(n, out);
            argmax = new int[output.size()];
            dIn = Tensor.zeros(n, in);
        }
        boolean fused = (training || fuseInference) && reluBefore;
        fusedInput = fused ? x : null;
        int[] switches = fuseInference && !training ? null : argmax;   // Model.infer needs no switches
        if (fused) {
            kernels.maxPoolReluForward(x.data, n * in.dim(0), in.dim(1), in.dim(2), spec.window(), spec.stride(), output.data, switches);
        } else {
            kernels.maxPoolForward(x.data, n * in.dim(0), in.dim(1), in.dim(2), spec.window(), spec.stride(), output.data, switches);
        }
        return output;
    }

    @Override public Tensor backward(Tensor dOut) {
        int h = in.dim(1), w = in.dim(2);
        if (fusedInput != null) {        // dIn = routed dOut where z > 0: the ReLU's backward too
            kernels.maxPoolReluBackward(dOut.data, argmax, fusedInput.data, dOut.batch() * in.dim(0), h, w,
                    spec.window(), spec.stride(), dIn.data);
            return dIn;
        }
        if (spec.window() == 2 && spec.stride() == 2 && h % 2 == 0 && w % 2 == 0) {
            // windows tile the input exactly: one pass writes every element of dIn
            kernels.maxPool2x2Backward(dOut.data, argmax, dOut.batch() * in.dim(0), h, w, dIn.data);
            return dIn;
        }
        java.util.Arrays.fill(dIn.data, 0f);
        kernels.maxPoolBackward(dOut.data, argmax, dOut.size(), dIn.data);
        return dIn;
    }
}
