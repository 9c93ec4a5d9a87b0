package org.relunet.kernels;

/**
 * The discrete Fourier transform of real signals of length L = 2^k, in plain Java (scalar: it
 * serves the circulant layer, where it is not the bottleneck; see docs/fast-transforms.md).
 * <pre>
 *   forward:  X[k] = sum_j x[j] e^{-2 pi i jk/L},        k = 0 .. L/2     (bins B = L/2 + 1)
 *   inverse:  x[j] = 1/L sum_k X[k] e^{+2 pi i jk/L},    j = 0 .. L-1     (X Hermitian: X[L-k] = conj X[k])
 * </pre>
 * A real signal's spectrum is Hermitian, so bins 0..L/2 hold all of it; Im X[0] = Im X[L/2] = 0.
 * Both directions cost one complex FFT of half the length (M = L/2): the signal is packed as
 * z[k] = x[2k] + i x[2k+1], and the spectra of the even and odd samples are separated with
 * E[k] = (Z[k] + conj Z[M-k]) / 2, O[k] = (Z[k] - conj Z[M-k]) / 2i, X[k] = E[k] + W^k O[k],
 * W = e^{-2 pi i/L} (Press et al., Numerical Recipes, section 12.3). The complex FFT is the
 * iterative radix-2 Cooley-Tukey transform with a bit-reversal permutation. Arithmetic is float,
 * twiddles are rounded from double: errors grow like log2(L) u sum|x|.
 *
 * <p>An instance holds the twiddle tables and a workspace, so it is not thread-safe: one per layer.
 */
public final class RealFft {
    private final int size, half;          // L and M = L/2
    private final float[] cos, sin;        // cos(2 pi t/L), sin(2 pi t/L) for t < M
    private final int[] bitReversed;       // (M) the input permutation of the complex FFT
    private final float[] zr, zi;          // (M) workspace

    /** @throws IllegalArgumentException when L is not a power of two */
    public RealFft(int size) {
        ScalarKernels.requirePowerOfTwo(size);
        this.size = size;
        this.half = size / 2;
        cos = new float[half];
        sin = new float[half];
        for (int t = 0; t < half; t++) {
            cos[t] = (float) Math.cos(2 * Math.PI * t / size);
            sin[t] = (float) Math.sin(2 * Math.PI * t / size);
        }
        bitReversed = new int[half];
        int bits = Integer.numberOfTrailingZeros(Math.max(1, half));
        for (int i = 0; i < half; i++) bitReversed[i] = bits == 0 ? 0 : Integer.reverse(i) >>> (32 - bits);
        zr = new float[half];
        zi = new float[half];
    }

    /** L, the signal length. */
    public int size() { return size; }

    /** B = L/2 + 1, the number of spectrum bins kept. */
    public int bins() { return half + 1; }

    /** X = DFT(x): x[xOff .. xOff + L) to re, im [sOff .. sOff + B); Im X[0] = Im X[L/2] = 0. */
    public void forward(float[] x, int xOff, float[] re, float[] im, int sOff) {
        if (size == 1) {
            re[sOff] = x[xOff];
            im[sOff] = 0f;
            return;
        }
        for (int k = 0; k < half; k++) {
            int p = bitReversed[k];
            zr[p] = x[xOff + 2 * k];
            zi[p] = x[xOff + 2 * k + 1];
        }
        complexFft(-1f);
        re[sOff] = zr[0] + zi[0];
        im[sOff] = 0f;
        re[sOff + half] = zr[0] - zi[0];
        im[sOff + half] = 0f;
        for (int k = 1; k < half; k++) {
            // A = Z[k], B = conj Z[M-k]; E = (A + B)/2, O = (A - B)/2i = ((Ai - Bi) - i (Ar - Br))/2
            float ar = zr[k], ai = zi[k], br = zr[half - k], bi = -zi[half - k];
            float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
            float or = 0.5f * (ai - bi), oi = -0.5f * (ar - br);
            float c = cos[k], s = sin[k];                  // W^k = c - i s
            re[sOff + k] = er + (c * or + s * oi);
            im[sOff + k] = ei + (c * oi - s * or);
        }
    }

    /**
     * x = IDFT(X) from bins re, im [sOff .. sOff + B) of a Hermitian spectrum (Im X[0] and
     * Im X[L/2] are taken as 0) to x[xOff .. xOff + L), including the 1/L.
     */
    public void inverse(float[] re, float[] im, int sOff, float[] x, int xOff) {
        if (size == 1) {
            x[xOff] = re[sOff];
            return;
        }
        for (int k = 0; k < half; k++) {
            // E = (X[k] + conj X[M-k])/2, O = (X[k] - conj X[M-k]) conj(W^k)/2, Z = E + i O
            float ar = re[sOff + k], ai = k == 0 ? 0f : im[sOff + k];
            float br = re[sOff + half - k], bi = k == 0 ? 0f : -im[sOff + half - k];
            float er = 0.5f * (ar + br), ei = 0.5f * (ai + bi);
            float dr = 0.5f * (ar - br), di = 0.5f * (ai - bi);
            float c = cos[k], s = sin[k];                  // conj W^k = c + i s
            float or = dr * c - di * s, oi = dr * s + di * c;
            int p = bitReversed[k];
            zr[p] = er - oi;
            zi[p] = ei + or;
        }
        complexFft(1f);
        float scale = 1f / half;                           // the complex inverse's 1/M; E and O carry the 1/2
        for (int k = 0; k < half; k++) {
            x[xOff + 2 * k] = zr[k] * scale;
            x[xOff + 2 * k + 1] = zi[k] * scale;
        }
    }

    /**
     * In-place complex FFT of length M on (zr, zi), whose input is already in bit-reversed order:
     * sum_j z[j] e^{sign 2 pi i jk/M}, without scaling.
     */
    private void complexFft(float sign) {
        for (int len = 2; len <= half; len *= 2) {
            int span = len / 2, step = size / len;         // twiddle e^{sign 2 pi i t/len} = cos[t step] + sign i sin[t step]
            for (int block = 0; block < half; block += len) {
                for (int t = 0; t < span; t++) {
                    float wr = cos[t * step], wi = sign * sin[t * step];
                    int a = block + t, b = a + span;
                    float tr = zr[b] * wr - zi[b] * wi, ti = zr[b] * wi + zi[b] * wr;
                    zr[b] = zr[a] - tr;
                    zi[b] = zi[a] - ti;
                    zr[a] += tr;
                    zi[a] += ti;
                }
            }
        }
    }
}
