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
 */
public final class MaxPool2d implements Layer {
    private final LayerSpec.MaxPool2dSpec spec;
    private final Shape in, out;
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor output;   // (N, C, OH, OW)
    private int[] argmax;    // (N*C*OH*OW)
    private Tensor dIn;      // (N, C, H, W)

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

    /** The argmax switches of the last forward pass (flat indices into its input). */
    public int[] switches() { return argmax; }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.batch();
        if (output == null || output.batch() != n) {
            output = Tensor.zeros(n, out);
            argmax = new int[output.size()];
            dIn = Tensor.zeros(n, in);
        }
        kernels.maxPoolForward(x.data, n * in.dim(0), in.dim(1), in.dim(2), spec.window(), spec.stride(), output.data, argmax);
        return output;
    }

    @Override public Tensor backward(Tensor dOut) {
        int h = in.dim(1), w = in.dim(2);
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
