package org.relunet.nn;

import java.util.List;

import org.relunet.init.Initializer;
import org.relunet.init.Rng;
import org.relunet.kernels.ConvShape;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as in every framework), one whole-convolution kernel call
 * each way ({@link Kernels#convForward}, {@link Kernels#convBackward}). The math, as im2col and GEMMs:
 * <pre>
 *   x (N, C, H, W)   W (OC, C*K*K)   b (OC)   y (N, OC, OH, OW),  OH = (H + 2 pad - K) / stride + 1
 *   col  = im2col(x)              (C*K*K, N*OH*OW)
 *   cols = W col                  (OC, N*OH*OW)     then y[n][oc][s] = cols[oc][n*S + s] + b[oc]
 *   dW  += dCols col^T            (OC, C*K*K)
 *   db  += row sums of dCols      (OC)
 *   dIn  = col2im(W^T dCols)      (N, C, H, W)
 * </pre>
 * The kernels need not build col: the vector kernels run stride-1 convolutions as an implicit
 * GEMM over one padded image at a time. Forward keeps a reference to x for backward.
 */
public final class Conv2d implements Layer {
    private final LayerSpec.Conv2dSpec spec;
    private final Shape in, out;
    private final int channels, height, width, filters, kernel, stride, pad, outH, outW;
    private final Initializer init;
    private final Parameter weight;   // (OC, C*K*K)
    private final Parameter bias;     // (OC)
    private final Kernels kernels = KernelProvider.kernels();
    boolean inputGradient = true;     // false for a first layer

    private ConvShape shape;          // the geometry at the current batch size
    private Tensor input;             // (N, C, H, W), the forward input kept for backward
    private Tensor output;            // (N, OC, OH, OW)
    private Tensor dIn;               // (N, C, H, W)

    Conv2d(LayerSpec.Conv2dSpec spec, Shape input, Initializer init) {
        this.spec = spec;
        this.in = input;
        this.channels = input.dim(0);
        this.height = input.dim(1);
        this.width = input.dim(2);
        this.filters = spec.filters();
        this.kernel = spec.kernel();
        this.stride = spec.stride();
        this.pad = spec.pad();
        this.outH = (height + 2 * pad - kernel) / stride + 1;
        this.outW = (width + 2 * pad - kernel) / stride + 1;
        this.out = Shape.image(filters, outH, outW);
        this.init = init;
        this.weight = Parameter.create("weight", true, filters, channels * kernel * kernel);
        this.bias = Parameter.create("bias", false, filters);
    }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return in; }
    @Override public Shape outputShape() { return out; }
    @Override public List<Parameter> parameters() { return List.of(weight, bias); }
    @Override public long flopsPerSample() { return 2L * filters * channels * kernel * kernel * outH * outW; }

    public Initializer initializer() { return init; }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    @Override public void initialize(Rng rng) {
        int fanIn = channels * kernel * kernel, fanOut = filters * kernel * kernel;
        init.fill(weight.value(), fanIn, fanOut, rng);
        java.util.Arrays.fill(bias.value(), 0f);
    }

    private void ensureWorkspace(int n) {
        if (shape == null || shape.batch() != n) {
            shape = new ConvShape(n, channels, height, width, filters, kernel, stride, pad);
            output = Tensor.zeros(n, out);
        }
        if (inputGradient && (dIn == null || dIn.batch() != n)) dIn = Tensor.zeros(n, in);
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        ensureWorkspace(x.batch());
        input = x;
        kernels.convForward(shape, x.data, weight.value(), bias.value(), output.data);
        return output;
    }

    @Override public Tensor backward(Tensor dOut) {
        ensureWorkspace(dOut.batch());
        kernels.convBackward(shape, input.data, dOut.data, weight.value(), weight.grad(), bias.grad(),
                inputGradient ? dIn.data : null);
        return inputGradient ? dIn : null;
    }
}
