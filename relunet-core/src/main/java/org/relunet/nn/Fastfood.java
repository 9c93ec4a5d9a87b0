package org.relunet.nn;

import java.util.Arrays;
import java.util.List;

import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Fastfood block (Le, Sarlos and Smola 2013), with G and S learned as in Deep Fried Convnets
 * (Yang et al. 2015): a W x W matrix S H G P H B that behaves like a dense Gaussian one, applied
 * in O(W log W) time with 2W parameters.
 * <pre>
 *   x (N, F)   u = expand(x) (N, W): zero-padded to a power of two, repeated to W
 *   B (W) fixed +-1      H normalised Walsh-Hadamard transform (orthonormal, symmetric)
 *   P fixed permutation, (P v)[j] = v[perm[j]]      (B and P drawn from the spec's seed)
 *   G (W) learned, N(0, 1) init      S (W) learned, init 1         (both without weight decay)
 *
 *   a = H B u     p = P a     t = H (G p)     y = S t
 *   dS += sum_n dOut t        e = H (S dOut)      dG += sum_n e p
 *   dIn = contract(B H P^T (G e))                                  (contract: the adjoint of expand)
 * </pre>
 * With H orthonormal and E[g^2] = 1 the block keeps the norm of u in expectation.
 */
public final class Fastfood implements Layer {
    private final LayerSpec.FastfoodSpec spec;
    private final int inputs, width;        // F, W
    private final float[] signs;            // (W) B
    private final int[] perm;               // (W) P
    private final Parameter gaussian;       // (W) G
    private final Parameter scale;          // (W) S
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor work;                    // (N, W) H B u, then backward scratch
    private Tensor permuted;                // (N, W) p, kept for dG
    private Tensor transformed;             // (N, W) t, kept for dS
    private Tensor out;                     // (N, W)
    private Tensor grad;                    // (N, W) backward scratch
    private Tensor dIn;                     // (N, F)

    Fastfood(LayerSpec.FastfoodSpec spec, int inputs) {
        this.spec = spec;
        this.inputs = inputs;
        this.width = Hadamard.blockWidth(spec.text(), inputs, spec.width());
        Rng rng = new Rng(spec.seed());
        this.signs = RandomSigns.draw(rng.nextLong(), width);
        this.perm = new int[width];
        for (int i = 0; i < width; i++) perm[i] = i;
        rng.shuffle(perm);
        this.gaussian = Parameter.create("gaussian", false, width);
        this.scale = Parameter.create("scale", false, width);
    }

    public Parameter gaussian() { return gaussian; }

    public Parameter scale() { return scale; }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return Shape.vector(inputs); }
    @Override public Shape outputShape() { return Shape.vector(width); }
    @Override public List<Parameter> parameters() { return List.of(gaussian, scale); }
    @Override public long flopsPerSample() { return 2 * Hadamard.whtFlops(width, true) + 3L * width; }

    @Override public void initialize(Rng rng) {
        float[] g = gaussian.value();
        for (int i = 0; i < width; i++) g[i] = (float) rng.nextGaussian();
        Arrays.fill(scale.value(), 1f);
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.batch();
        if (out == null || out.batch() != n) {
            work = Tensor.zeros(n, width);
            permuted = Tensor.zeros(n, width);
            transformed = Tensor.zeros(n, width);
            out = Tensor.zeros(n, width);
            grad = Tensor.zeros(n, width);
        }
        float[] a = work.data, p = permuted.data, t = transformed.data;
        Hadamard.expand(x.data, n, inputs, width, a);
        kernels.mulRowVector(a, n, width, signs, a);
        kernels.wht(a, 0, n, width, true);
        for (int r = 0; r < n; r++) {
            int o = r * width;
            for (int j = 0; j < width; j++) p[o + j] = a[o + perm[j]];
        }
        kernels.mulRowVector(p, n, width, gaussian.value(), t);
        kernels.wht(t, 0, n, width, true);
        kernels.mulRowVector(t, n, width, scale.value(), out.data);
        return out;
    }

    @Override public Tensor backward(Tensor dOut) {
        int n = dOut.batch();
        if (dIn == null || dIn.batch() != n) dIn = Tensor.zeros(n, inputs);
        float[] e = grad.data, a = work.data;
        kernels.mulRowVectorBackward(transformed.data, dOut.data, n, width, scale.value(), e, scale.grad());
        kernels.wht(e, 0, n, width, true);
        kernels.mulRowVectorBackward(permuted.data, e, n, width, gaussian.value(), e, gaussian.grad());
        for (int r = 0; r < n; r++) {            // P^T
            int o = r * width;
            for (int j = 0; j < width; j++) a[o + perm[j]] = e[o + j];
        }
        kernels.wht(a, 0, n, width, true);
        kernels.mulRowVector(a, n, width, signs, a);
        Hadamard.contract(a, n, width, inputs, dIn.data);
        return dIn;
    }
}
