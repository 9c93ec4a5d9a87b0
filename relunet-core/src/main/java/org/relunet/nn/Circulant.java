package org.relunet.nn;

import java.util.Arrays;
import java.util.List;

import org.relunet.init.Initializer;
import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.kernels.RealFft;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * A learned circulant matrix applied by FFT (Cheng et al. 2015, circulant projections): a dense
 * layer whose L x L weight matrix is C[i][j] = c[(i - j) mod L], L parameters instead of L^2 and
 * O(L log L) time, plus a bias.
 * <pre>
 *   x (N, F)   u = pad(x) (N, L)   c, b (L)   y (N, L)       L = the smallest power of two >= F
 *   y = c (*) u + b,   (c (*) u)[i] = sum_j c[(i - j) mod L] u[j]     so  Y = C U  (spectra, per bin)
 *   dIn = first F of  IDFT(conj(C) DOUT)                              (correlation with c)
 *   dc += IDFT(sum_n DOUT conj(U))                                    (correlation of dOut with u)
 *   db += sum_n dOut
 * </pre>
 * Spectra are the B = L/2 + 1 bins of {@link RealFft}; forward keeps U (N, B) for dc. The filter
 * is drawn like a dense layer's weights with fanIn = F (each output sums F non-zero inputs).
 */
public final class Circulant implements Layer {
    private final LayerSpec.CirculantSpec spec;
    private final int inputs, size, bins;   // F, L, B
    private final Initializer init;
    private final Parameter filter;         // (L) c
    private final Parameter bias;           // (L) b
    private final RealFft fft;
    private final Kernels kernels = KernelProvider.kernels();
    private final float[] filterRe, filterIm;      // (B) C, the filter's spectrum for this batch
    private final float[] sumRe, sumIm;            // (B) sum_n DOUT conj(U)
    private final float[] specRe, specIm;          // (B) one row's spectrum
    private final float[] row;                     // (L) one padded row
    private float[] inputRe, inputIm;              // (N, B) U, kept for backward
    private Tensor out, dIn;

    Circulant(LayerSpec.CirculantSpec spec, int inputs, Initializer init) {
        this.spec = spec;
        this.inputs = inputs;
        this.size = Hadamard.paddedSize(inputs);
        this.init = init;
        this.fft = new RealFft(size);
        this.bins = fft.bins();
        this.filter = Parameter.create("filter", true, size);
        this.bias = Parameter.create("bias", false, size);
        filterRe = new float[bins];
        filterIm = new float[bins];
        sumRe = new float[bins];
        sumIm = new float[bins];
        specRe = new float[bins];
        specIm = new float[bins];
        row = new float[size];
    }

    public Parameter filter() { return filter; }

    public Parameter bias() { return bias; }

    @Override public LayerSpec spec() { return spec; }
    @Override public Shape inputShape() { return Shape.vector(inputs); }
    @Override public Shape outputShape() { return Shape.vector(size); }
    @Override public List<Parameter> parameters() { return List.of(filter, bias); }

    /** Two real FFTs (about 2.5 L log2 L each), B complex products and the bias. */
    @Override public long flopsPerSample() {
        return 5L * size * Integer.numberOfTrailingZeros(Math.max(2, size)) + 6L * bins + size;
    }

    @Override public void initialize(Rng rng) {
        init.fill(filter.value(), inputs, size, rng);
        Arrays.fill(bias.value(), 0f);
    }

    @Override public Tensor forward(Tensor x, boolean training) {
        int n = x.batch();
        if (out == null || out.batch() != n) {
            out = Tensor.zeros(n, size);
            inputRe = new float[n * bins];
            inputIm = new float[n * bins];
        }
        fft.forward(filter.value(), 0, filterRe, filterIm, 0);
        for (int r = 0; r < n; r++) {
            System.arraycopy(x.data, r * inputs, row, 0, inputs);
            Arrays.fill(row, inputs, size, 0f);
            int s = r * bins;
            fft.forward(row, 0, inputRe, inputIm, s);
            for (int k = 0; k < bins; k++) {   // Y = C U
                float ur = inputRe[s + k], ui = inputIm[s + k], cr = filterRe[k], ci = filterIm[k];
                specRe[k] = cr * ur - ci * ui;
                specIm[k] = cr * ui + ci * ur;
            }
            fft.inverse(specRe, specIm, 0, out.data, r * size);
        }
        kernels.addRowVector(out.data, n, size, bias.value());
        return out;
    }

    @Override public Tensor backward(Tensor dOut) {
        int n = dOut.batch();
        if (dIn == null || dIn.batch() != n) dIn = Tensor.zeros(n, inputs);
        kernels.addColumnSums(dOut.data, n, size, bias.grad());
        Arrays.fill(sumRe, 0f);
        Arrays.fill(sumIm, 0f);
        for (int r = 0; r < n; r++) {
            fft.forward(dOut.data, r * size, specRe, specIm, 0);
            int s = r * bins;
            for (int k = 0; k < bins; k++) {
                float gr = specRe[k], gi = specIm[k], ur = inputRe[s + k], ui = inputIm[s + k];
                sumRe[k] += gr * ur + gi * ui;                    // DOUT conj(U)
                sumIm[k] += gi * ur - gr * ui;
                float cr = filterRe[k], ci = filterIm[k];
                specRe[k] = gr * cr + gi * ci;                    // DOUT conj(C)
                specIm[k] = gi * cr - gr * ci;
            }
            fft.inverse(specRe, specIm, 0, row, 0);
            System.arraycopy(row, 0, dIn.data, r * inputs, inputs);
        }
        fft.inverse(sumRe, sumIm, 0, row, 0);
        float[] dc = filter.grad();
        for (int j = 0; j < size; j++) dc[j] += row[j];
        return dIn;
    }
}
