package org.relunet.nn;

import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * Fixed Walsh-Hadamard transform of the zero-padded input, by the fast transform of
 * {@link Kernels#wht} (O(L log L) instead of the L^2 of a dense layer).
 * <pre>
 *   x (N, F)   y (N, L), L = the smallest power of two >= F
 *   y   = s H_L pad(x)        pad appends L - F zeros; s = 1/sqrt(L) (normalised) or 1
 *   dIn = first F columns of s H_L dOut       (H is symmetric: H^T = H)
 * </pre>
 * H_L is the Sylvester-ordered Hadamard matrix, H[i][j] = (-1)^popcount(i & j); H H = L I, so the
 * normalised transform is orthonormal and its own inverse. The static helpers here are the padding
 * rule every transform layer shares.
 */
public final class Hadamard implements Layer {
    private final LayerSpec.HadamardSpec spec;
    private final int inputs, size;     // F, L
    private final Kernels kernels = KernelProvider.kernels();
    private Tensor out;                 // (N, L)
    private Tensor scratch;             // (N, L) dOut transformed, when F < L
    private Tensor dIn;                 // (N, F)

    Hadamard(LayerSpec.HadamardSpec spec, int inputs) {
        this.spec = spec;
        this.inputs = inputs;
        this.size = paddedSize(inputs);
    }

    /** L, the transform length and output width. */
    public int size() { return size; }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return Shape.vector(inputs); }
    @Override public Shape outputShape() { return Shape.vector(size); }
    @Override public long flopsPerSample() { return whtFlops(size, spec.normalised()); }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.batch();
        if (out == null || out.batch() != n) out = Tensor.zeros(n, size);
        pad(x.data, n, inputs, size, out.data);
        kernels.wht(out.data, 0, n, size, spec.normalised());
        return out;
    }

    @Override public Tensor backward(Tensor dOut) {
        int n = dOut.batch();
        if (dIn == null || dIn.batch() != n) dIn = Tensor.zeros(n, inputs);
        if (inputs == size) {
            System.arraycopy(dOut.data, 0, dIn.data, 0, dOut.size());
            kernels.wht(dIn.data, 0, n, size, spec.normalised());
            return dIn;
        }
        if (scratch == null || scratch.batch() != n) scratch = Tensor.zeros(n, size);
        System.arraycopy(dOut.data, 0, scratch.data, 0, dOut.size());
        kernels.wht(scratch.data, 0, n, size, spec.normalised());
        truncate(scratch.data, n, size, inputs, dIn.data);
        return dIn;
    }

    // ---------------------------------------------------------------- the shared padding rule

    /** The smallest power of two >= F: the length a transform of F features runs on. */
    static int paddedSize(int inputs) {
        if (inputs < 1) throw new IllegalArgumentException("a transform needs at least one input, got " + inputs);
        if (inputs > 1 << 30) throw new IllegalArgumentException("transform input too large: " + inputs);
        return inputs == 1 ? 1 : Integer.highestOneBit(inputs - 1) << 1;
    }

    /** Additions (and the scale multiplies) of one transform of length L. */
    static long whtFlops(int size, boolean normalised) {
        return (long) size * Integer.numberOfTrailingZeros(size) + (normalised ? size : 0);
    }

    /** x (N, F) to y (N, L): each row followed by L - F zeros. */
    static void pad(float[] x, int rows, int inputs, int size, float[] y) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * inputs, y, r * size, inputs);
            java.util.Arrays.fill(y, r * size + inputs, (r + 1) * size, 0f);
        }
    }

    /** y (N, L) to x (N, F): the first F columns of each row, the adjoint of {@link #pad}. */
    static void truncate(float[] y, int rows, int size, int inputs, float[] x) {
        for (int r = 0; r < rows; r++) System.arraycopy(y, r * size, x, r * inputs, inputs);
    }

    /**
     * The input of a block of width W: x (N, F) zero-padded to P = paddedSize(F), then repeated
     * W / P times, so u (N, W) = [pad(x), pad(x), ...]. Blocks flip signs right after, which makes
     * the copies differ; without the repeats a wider transform would only repeat its output.
     */
    static void expand(float[] x, int rows, int inputs, int width, float[] u) {
        int padded = paddedSize(inputs);
        for (int r = 0; r < rows; r++) {
            int o = r * width;
            System.arraycopy(x, r * inputs, u, o, inputs);
            java.util.Arrays.fill(u, o + inputs, o + padded, 0f);
            for (int copy = padded; copy < width; copy += padded) System.arraycopy(u, o, u, o + copy, padded);
        }
    }

    /** The adjoint of {@link #expand}: dx[j] = sum over the copies of du[copy + j], for j < F. */
    static void contract(float[] du, int rows, int width, int inputs, float[] dx) {
        int padded = paddedSize(inputs);
        for (int r = 0; r < rows; r++) {
            int o = r * width, d = r * inputs;
            System.arraycopy(du, o, dx, d, inputs);
            for (int copy = padded; copy < width; copy += padded) {
                for (int j = 0; j < inputs; j++) dx[d + j] += du[o + copy + j];
            }
        }
    }

    /** The block width for a spec's width (0: the padded input), checked against the input. */
    static int blockWidth(String text, int inputs, int width) {
        int padded = paddedSize(inputs);
        if (width == 0) return padded;
        if (width < padded) {
            throw new IllegalArgumentException(text + ": width " + width + " is below the padded input width " + padded
                    + " (" + inputs + " features)");
        }
        return width;
    }
}
