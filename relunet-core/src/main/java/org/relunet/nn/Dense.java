package org.relunet.nn;

import java.util.List;

import org.relunet.init.Initializer;
import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Fully connected layer: y = x W^T + b.
 * <pre>
 *   x (N, I)   W (O, I)   b (O)   y (N, O)
 *   dW += dOut^T x        (O, I)
 *   db += sum_n dOut[n]   (O)
 *   dIn = dOut W          (N, I)
 * </pre>
 *
 * <p><b>Skipping the zeros ReLU makes.</b> Each of the three products has its sparse operand on
 * the left, where {@link Kernels#sparseGemm} skips exact zeros: x in the forward pass (a ReLU
 * output, or image pixels with a blank background), dOut in the backward pass (the gradient
 * arriving through the ReLU after this layer is 0 wherever that ReLU was off, so whole terms of
 * dW and dIn vanish). The forward pass reads W^T (I, O) row by row, so it refreshes a transposed
 * copy of W first (the weights change every step). Each product counts its operand's nonzeros and
 * takes the sparse path at or below {@link #SPARSE_MAX_DENSITY}: a deterministic choice for given
 * data (the forward pass from {@link #SPARSE_FORWARD_MIN_ROWS} rows on). Right after
 * {@link Parameter#zeroGrad} the weight gradient is written, not added (beta 0), and when x is
 * clearly sparser than dOut ({@link #SPARSER_INPUT}) it is summed over the nonzeros of x instead,
 * as dW^T = x^T dOut, then transposed: the same nonzero products in the same order, the same bits.
 * Both paths give the same
 * sums up to the order of additions, with one documented difference:
 * the sparse path takes 0 * w as 0 even for an infinite or NaN weight w (the dense path gives
 * NaN), so a non-finite weight shows in the output only through inputs that use it; the Trainer
 * still names it as soon as it makes the loss non-finite.
 *
 * <p><b>Fused with the ReLUs around it in training.</b> When a ReLU follows, a training forward
 * pass writes max(x W^T + b, 0) in one kernel call ({@link Kernels#sparseLinear}, or
 * {@link Kernels#addRowVectorRelu} after the dense GEMM) and that ReLU passes its input through:
 * ReLU is idempotent, and its backward reads (y > 0), which is (z > 0). When a ReLU comes before,
 * the input gradient is masked by it in the same call ({@link Kernels#sparseGemmReluMask}) and
 * that ReLU passes dOut through. The bits are those of the separate layers. Inference
 * ({@code training == false}) is not fused, so the inspect tools still read the pre-activations z;
 * {@link Model#infer}, whose callers see only the logits, fuses the forward pass too.
 */
public final class Dense implements Layer {
    private final LayerSpec.DenseSpec spec;
    private final int inputs, units;
    private final Initializer init;
    private final Parameter weight;   // (O, I)
    private final Parameter bias;     // (O)
    private final Kernels kernels = KernelProvider.kernels();
    boolean inputGradient = true;     // false for a first layer: nobody needs dIn
    boolean reluAfter;                // a ReLU right after this layer, which training forward passes apply here (set by Model)
    boolean reluBefore;               // a ReLU right before, whose backward this layer's dIn includes (set by Model)
    boolean fuseInference;            // set by Model.infer: fuse reluAfter in inference passes too
    private boolean fusedForward;     // whether the last forward applied reluAfter
    private boolean maskedInput;      // whether the next backward masks dIn by the ReLU before

    /**
     * The sparse path is taken when at most this fraction of an operand is nonzero. Measured on the
     * W1 shapes (batch 128, 2 threads, SparseBenchMain, docs/sparse.md) the sparse products break
     * even with the dense GEMM at about 0.45 (784 -> 256 forward, with the transpose of W), 0.5
     * (weight gradients) and 0.6 (256 -> 256 forward): one threshold of 0.5 for all three.
     */
    static final double SPARSE_MAX_DENSITY = 0.5;
    /** {@link #SPARSE_MAX_DENSITY} unless a test forces a path (1: always sparse, -1: never). */
    double sparseMaxDensity = SPARSE_MAX_DENSITY;
    /**
     * Below this many rows the forward pass takes the dense product whatever the density: the sparse
     * one must first transpose W, which costs about as much as one row's dense product (W2's read-out,
     * 3136 -> 10 at batch 1: 27 us to transpose against 4 us for the dense dot products). A forced
     * sparse path ({@code sparseMaxDensity} 1, in tests) ignores it.
     */
    static final int SPARSE_FORWARD_MIN_ROWS = 4;

    private Tensor input;             // (N, I), kept for backward
    private Tensor out;               // (N, O) workspace
    private Tensor dIn;               // (N, I) workspace
    private float[] weightT;          // (I, O) W^T for the sparse forward, refreshed by each one
    private float[] gradT;            // (I, O) dW^T when the weight gradient is summed over the nonzeros of x
    private int inputNonzeros;        // nonzeros of input, or -1 when the forward pass did not count them
    boolean gradientOverInput;        // whether the last backward summed dW over the nonzeros of x (read by tests)

    Dense(LayerSpec.DenseSpec spec, int inputs, Initializer init) {
        this.spec = spec;
        this.inputs = inputs;
        this.units = spec.units();
        this.init = init;
        this.weight = Parameter.create("weight", true, units, inputs);
        this.bias = Parameter.create("bias", false, units);
    }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return Shape.vector(inputs); }
    @Override public Shape outputShape() { return Shape.vector(units); }
    @Override public List<Parameter> parameters() { return List.of(weight, bias); }
    @Override public long flopsPerSample() { return 2L * inputs * units; }

    /** The initialiser used for the weights (He normal by default before ReLU). */
    public Initializer initializer() { return init; }

    public Parameter weight() { return weight; }

    public Parameter bias() { return bias; }

    @Override public void initialize(Rng rng) {
        init.fill(weight.value(), inputs, units, rng);
        java.util.Arrays.fill(bias.value(), 0f);
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.batch();
        input = x;
        fusedForward = (training || fuseInference) && reluAfter;
        maskedInput = training && reluBefore;
        if (out == null || out.batch() != n) out = Tensor.zeros(n, units);
        inputNonzeros = -1;
        if ((n >= SPARSE_FORWARD_MIN_ROWS || sparseMaxDensity >= 1) && sparse(inputNonzeros = kernels.countNonzero(x.data, 0, n * inputs), n * inputs)) {
            // y(N,O) = x(N,I) * W^T(I,O) + b over the nonzeros of x only (and y = max(y, 0), the ReLU
            // after this layer, while each block of y is in L1), W^T refreshed into weightT on the way
            if (weightT == null) weightT = new float[inputs * units];
            kernels.sparseLinear(n, units, inputs, x.data, weight.value(), weightT, bias.value(), fusedForward, out.data);
            return out;
        } else {
            // y(N,O) = x(N,I) * W(O,I)^T
            kernels.gemm(false, true, n, units, inputs, 1f, x.data, 0, inputs, weight.value(), 0, inputs, 0f, out.data, 0, units);
        }
        if (fusedForward) {
            kernels.addRowVectorRelu(out.data, n, units, bias.value());
        } else {
            kernels.addRowVector(out.data, n, units, bias.value());
        }
        return out;
    }

    /** Whether an operand of this many nonzeros in size elements is sparse enough for {@link Kernels#sparseGemm}. */
    private boolean sparse(int nonzeros, int size) {
        return nonzeros <= sparseMaxDensity * size;
    }

    /**
     * x has at most this fraction of dOut's density for the weight gradient to be summed over the
     * nonzeros of x instead, then transposed: W1's second layer, x (a ReLU output) 0.25 nonzero and
     * dOut 0.37, 0.082 -> 0.064 ms at 2 threads, the transpose (256 KB) included.
     */
    static final double SPARSER_INPUT = 0.8;

    @Override public Tensor backward(Tensor dOut) {
        int n = dOut.batch();
        int dOutNonzeros = kernels.countNonzero(dOut.data, 0, n * units);
        boolean sparse = sparse(dOutNonzeros, n * units);    // dOut is 0 where the next ReLU was off
        // dW(O,I) += dOut(N,O)^T * x(N,I); right after zeroGrad, dW = (beta 0: no fill, no read of dW)
        boolean overwrite = n > 0 && weight.gradIsZero();
        float[] dW = overwrite ? weight.gradToOverwrite() : weight.grad();
        float beta = overwrite ? 0f : 1f;
        gradientOverInput = sparse && overwrite && sparserInput(n, dOutNonzeros);
        if (gradientOverInput) {
            // dW^T(I,O) = x(N,I)^T * dOut(N,O) over the nonzeros of x, then transposed. Each element
            // sums the products that are nonzero in both, in increasing n, in the same K blocks of n,
            // and x * dOut = dOut * x exactly: the bits of the product over the nonzeros of dOut.
            if (gradT == null) gradT = new float[inputs * units];
            kernels.sparseGemm(true, inputs, units, n, input.data, 0, inputs, dOut.data, 0, units, 0f, gradT, 0, units);
            kernels.transpose(gradT, inputs, units, dW);
        } else if (sparse) {
            kernels.sparseGemm(true, units, inputs, n, dOut.data, 0, units, input.data, 0, inputs, beta, dW, 0, inputs);
        } else {
            kernels.gemm(true, false, units, inputs, n, 1f, dOut.data, 0, units, input.data, 0, inputs, beta, dW, 0, inputs);
        }
        kernels.addColumnSums(dOut.data, n, units, bias.grad());
        if (!inputGradient) return null;
        if (dIn == null || dIn.batch() != n) dIn = Tensor.zeros(n, inputs);
        // dIn(N,I) = dOut(N,O) * W(O,I), and 0 where the ReLU before was off when it is fused here
        if (sparse && maskedInput) {
            kernels.sparseGemmReluMask(n, inputs, units, dOut.data, 0, units, weight.value(), 0, inputs, input.data, dIn.data, 0, inputs);
        } else if (sparse) {
            kernels.sparseGemm(false, n, inputs, units, dOut.data, 0, units, weight.value(), 0, inputs, 0f, dIn.data, 0, inputs);
        } else {
            kernels.gemm(false, false, n, inputs, units, 1f, dOut.data, 0, units, weight.value(), 0, inputs, 0f, dIn.data, 0, inputs);
            if (maskedInput) kernels.reluBackward(input.data, dIn.data, dIn.data, n * inputs);
        }
        return dIn;
    }

    /** Whether x is enough sparser than dOut (SPARSER_INPUT) to sum the weight gradient over its nonzeros. */
    private boolean sparserInput(int n, int dOutNonzeros) {
        if (inputNonzeros < 0) inputNonzeros = kernels.countNonzero(input.data, 0, n * inputs);
        return (double) inputNonzeros / inputs < SPARSER_INPUT * dOutNonzeros / units;
    }
}
