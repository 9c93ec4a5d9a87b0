package org.relunet.nn;

import java.util.List;

import org.relunet.init.Initializer;
import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as in every framework) by batched im2col and one GEMM.
 * <pre>
 *   x (N, C, H, W)   W (OC, C*K*K)   b (OC)   y (N, OC, OH, OW),  OH = (H + 2 pad - K) / stride + 1
 *   col  = im2col(x)              (C*K*K, N*OH*OW)
 *   cols = W col                  (OC, N*OH*OW)     then y[n][oc][s] = cols[oc][n*S + s] + b[oc]
 *   dW  += dCols col^T            (OC, C*K*K)
 *   db  += row sums of dCols      (OC)
 *   dIn  = col2im(W^T dCols)      (N, C, H, W)
 * </pre>
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

    private float[] col;              // (C*K*K, N*OH*OW); reused for dCol in backward
    private float[] cols;             // (OC, N*OH*OW); reused for dCols in backward
    private Tensor output;            // (N, OC, OH, OW)
    private Tensor dIn;               // (N, C, H, W)
    private int batch = -1;

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
        if (n == batch) return;
        int patch = channels * kernel * kernel, spatial = outH * outW;
        col = new float[Math.multiplyExact(patch, n * spatial)];
        cols = new float[Math.multiplyExact(filters, n * spatial)];
        output = Tensor.zeros(n, out);
        dIn = Tensor.zeros(n, in);
        batch = n;
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.batch();
        ensureWorkspace(n);
        int patch = channels * kernel * kernel, columns = n * outH * outW;
        kernels.im2col(x.data, n, channels, height, width, kernel, kernel, stride, pad, col);
        kernels.gemm(false, false, filters, columns, patch, 1f, weight.value(), 0, patch, col, 0, columns, 0f, cols, 0, columns);
        kernels.scatterChannels(cols, n, filters, outH * outW, bias.value(), output.data);
        return output;
    }

    @Override public Tensor backward(Tensor dOut) {
        int n = dOut.batch();
        int patch = channels * kernel * kernel, columns = n * outH * outW;
        float[] dCols = cols;
        kernels.gatherChannels(dOut.data, n, filters, outH * outW, dCols);
        // dW(OC, CKK) += dCols(OC, cols) * col(CKK, cols)^T, while col still holds the forward patches
        kernels.gemm(false, true, filters, patch, columns, 1f, dCols, 0, columns, col, 0, columns, 1f, weight.grad(), 0, patch);
        kernels.addRowSums(dCols, filters, columns, bias.grad());
        if (!inputGradient) return null;
        float[] dCol = col;
        // dCol(CKK, cols) = W(OC, CKK)^T * dCols(OC, cols), overwriting the patches (no longer needed)
        kernels.gemm(true, false, patch, columns, filters, 1f, weight.value(), 0, patch, dCols, 0, columns, 0f, dCol, 0, columns);
        java.util.Arrays.fill(dIn.data, 0f);
        kernels.col2im(dCol, n, channels, height, width, kernel, kernel, stride, pad, dIn.data);
        return dIn;
    }
}
