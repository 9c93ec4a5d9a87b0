package org.relunet.nn;

import java.util.ArrayList;
import java.util.List;

import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Switch-net block: depth D stages of (fixed random signs, normalised Walsh-Hadamard transform,
 * switched diagonal), closed by a last transform. Every weighted sum is a fast transform; the only
 * learned weights are the two per unit that its switch chooses between, so for one input the block
 * is one particular linear map (the seed's answer 4), built from O(W log W) operations.
 * <pre>
 *   x (N, F)   u_0 = expand(x) (N, W): zero-padded to a power of two, repeated to W
 *   d_l (W) fixed +-1 (from the spec's seed)    a_l, b_l (W) learned, init 1 and 0 (ReLU)
 *   z_l = H (d_l u_l)                      pre-activations, kept for backward
 *   u_{l+1} = z_l > 0 ? a_l z_l : b_l z_l
 *   y = H u_D
 *   backward: g = H dOut; for l = D-1 .. 0:
 *     da_l += sum_n [z_l > 0] z_l g     db_l += sum_n [z_l <= 0] z_l g
 *     g = d_l H ((z_l > 0 ? a_l : b_l) g)
 *   dIn = contract(g)                       (the adjoint of expand)
 * </pre>
 * Parameters are named {@code l.positive} (a_l) and {@code l.negative} (b_l); no weight decay.
 */
public final class SwitchNet implements Layer {
    private final LayerSpec.SwitchNetSpec spec;
    private final int inputs, width, depth;   // F, W, D
    private final float[][] signs;            // (D, W)
    private final Parameter[] positive;       // D of (W)
    private final Parameter[] negative;       // D of (W)
    private final List<Parameter> parameters;
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor[] pre;                     // D of (N, W): z_l
    private Tensor out;                       // (N, W)
    private Tensor grad;                      // (N, W) backward scratch
    private Tensor dIn;                       // (N, F)

    SwitchNet(LayerSpec.SwitchNetSpec spec, int inputs) {
        this.spec = spec;
        this.inputs = inputs;
        this.width = Hadamard.blockWidth(spec.text(), inputs, spec.width());
        this.depth = spec.depth();
        Rng rng = new Rng(spec.seed());
        signs = new float[depth][];
        positive = new Parameter[depth];
        negative = new Parameter[depth];
        List<Parameter> all = new ArrayList<>();
        for (int l = 0; l < depth; l++) {
            signs[l] = RandomSigns.draw(rng.nextLong(), width);
            positive[l] = Parameter.create(l + ".positive", false, width);
            negative[l] = Parameter.create(l + ".negative", false, width);
            all.add(positive[l]);
            all.add(negative[l]);
        }
        parameters = List.copyOf(all);
        initialize(null);
    }

    /** W, the transform length and output width. */
    public int width() { return width; }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return Shape.vector(inputs); }
    @Override public Shape outputShape() { return Shape.vector(width); }
    @Override public List<Parameter> parameters() { return parameters; }
    @Override public long flopsPerSample() { return (depth + 1) * Hadamard.whtFlops(width, true) + 2L * depth * width; }

    @Override public void initialize(Rng rng) {
        for (int l = 0; l < depth; l++) {
            java.util.Arrays.fill(positive[l].value(), LayerSpec.SwitchedDiagonalSpec.DEFAULT_POSITIVE);
            java.util.Arrays.fill(negative[l].value(), LayerSpec.SwitchedDiagonalSpec.DEFAULT_NEGATIVE);
        }
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.batch();
        if (out == null || out.batch() != n) {
            pre = new Tensor[depth];
            for (int l = 0; l < depth; l++) pre[l] = Tensor.zeros(n, width);
            out = Tensor.zeros(n, width);
            grad = Tensor.zeros(n, width);
        }
        Hadamard.expand(x.data, n, inputs, width, pre[0].data);
        for (int l = 0; l < depth; l++) {
            float[] z = pre[l].data;
            if (l > 0) kernels.switchedScale(pre[l - 1].data, n, width, positive[l - 1].value(), negative[l - 1].value(), z);
            kernels.mulRowVector(z, n, width, signs[l], z);
            kernels.wht(z, 0, n, width, true);
        }
        kernels.switchedScale(pre[depth - 1].data, n, width, positive[depth - 1].value(), negative[depth - 1].value(), out.data);
        kernels.wht(out.data, 0, n, width, true);
        return out;
    }

    @Override public Tensor backward(Tensor dOut) {
        int n = dOut.batch();
        if (dIn == null || dIn.batch() != n) dIn = Tensor.zeros(n, inputs);
        float[] g = grad.data;
        System.arraycopy(dOut.data, 0, g, 0, dOut.size());
        kernels.wht(g, 0, n, width, true);
        for (int l = depth - 1; l >= 0; l--) {
            kernels.switchedScaleBackward(pre[l].data, g, n, width, positive[l].value(), negative[l].value(), g,
                    positive[l].grad(), negative[l].grad());
            kernels.wht(g, 0, n, width, true);
            kernels.mulRowVector(g, n, width, signs[l], g);
        }
        Hadamard.contract(g, n, width, inputs, dIn.data);
        return dIn;
    }
}
