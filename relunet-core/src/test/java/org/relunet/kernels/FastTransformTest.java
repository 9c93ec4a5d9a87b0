package org.relunet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The fast Walsh-Hadamard transform against the dense Sylvester matrix, the real FFT against a
 * naive DFT, both in double, on every power of two from 1 to 4096; and the Vector API transform
 * against the scalar reference, bit for bit. A float transform of L = 2^k values makes k
 * rounded butterflies, each within u = 2^-24 of |partial sum| <= sum|x|, so the tolerance is
 * (k + 1) u sum|x| (the + 1 for the scale), times 2 for slack.
 */
class FastTransformTest {
    private static final double U = 0x1p-24;
    private static final int MAX_LOG = 12;   // 4096

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * rnd.nextDouble() - 1);
        return x;
    }

    private static Kernels vectorOrSkip() {
        assumeTrue(KernelProvider.vectorModulePresent(), "jdk.incubator.vector not loaded");
        try {
            return KernelProvider.choose("vector").kernels();
        } catch (IllegalStateException e) {
            assumeTrue(false, "Vector API kernels unavailable on this hardware");
            return null;
        }
    }

    /** H[i][j] = (-1)^popcount(i & j): the Sylvester construction H_2L = [[H_L, H_L], [H_L, -H_L]]. */
    private static int sylvester(int i, int j) { return (Integer.bitCount(i & j) & 1) == 0 ? 1 : -1; }

    @Test
    void sylvesterFormulaIsTheRecursiveConstruction() {
        // build H_8 by the recursion and compare with the bit formula the other tests use
        int[][] h = {{1}};
        for (int size = 1; size < 8; size *= 2) {
            int[][] next = new int[2 * size][2 * size];
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    next[i][j] = h[i][j];
                    next[i][j + size] = h[i][j];
                    next[i + size][j] = h[i][j];
                    next[i + size][j + size] = -h[i][j];
                }
            }
            h = next;
        }
        for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) assertEquals(h[i][j], sylvester(i, j), "H_8[" + i + "][" + j + "]");
    }

    private static void checkAgainstDense(Kernels k, boolean normalised) {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int log = 0; log <= MAX_LOG; log++) {
            int n = 1 << log, rows = 3, off = 2;
            float[] x = new float[off + rows * n + 3];
            float[] values = random(rnd, rows * n);
            System.arraycopy(values, 0, x, off, values.length);
            x[0] = x[1] = Float.NaN;
            x[off + rows * n] = Float.NaN;
            k.wht(x, off, rows, n, normalised);
            double scale = normalised ? 1 / Math.sqrt(n) : 1;
            for (int r = 0; r < rows; r++) {
                double absSum = 0;
                for (int j = 0; j < n; j++) absSum += Math.abs(values[r * n + j]);
                double tolerance = 2 * (log + 1) * U * absSum * scale + 1e-30;
                for (int i = 0; i < n; i++) {
                    double exact = 0;
                    for (int j = 0; j < n; j++) exact += sylvester(i, j) * (double) values[r * n + j];
                    exact *= scale;
                    double got = x[off + r * n + i];
                    if (!(Math.abs(got - exact) <= tolerance)) {
                        fail(k.name() + " wht n=" + n + " normalised=" + normalised + " row " + r + " [" + i + "]: "
                                + got + " vs " + exact + " (tolerance " + tolerance + ")");
                    }
                }
            }
            assertEquals(Float.NaN, x[0], "wrote before the rows");
            assertEquals(Float.NaN, x[off + rows * n], "wrote after the rows");
        }
    }

    @Test void scalarWhtEqualsTheDenseHadamardMatrix() {
        checkAgainstDense(new ScalarKernels(), false);
        checkAgainstDense(new ScalarKernels(), true);
    }

    @Test void vectorWhtEqualsTheDenseHadamardMatrix() {
        Kernels v = vectorOrSkip();
        checkAgainstDense(v, false);
        checkAgainstDense(v, true);
    }

    @Test
    void vectorWhtGivesTheScalarBitsOnAllSizesRowsOffsetsAndThreads() {
        Kernels v = vectorOrSkip();
        Kernels s = new ScalarKernels();
        SplittableRandom rnd = new SplittableRandom(9);
        int saved = Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                for (int log = 0; log <= 17; log++) {
                    int n = 1 << log;
                    for (int rows : log <= 12 ? new int[] {1, 3, 13, 64} : new int[] {1, 3}) {
                        for (boolean normalised : new boolean[] {false, true}) {
                            int off = (n + rows) % 7;
                            float[] x = random(rnd, off + rows * n + 5);
                            float[] xs = x.clone(), xv = x.clone();
                            s.wht(xs, off, rows, n, normalised);
                            v.wht(xv, off, rows, n, normalised);
                            for (int i = 0; i < x.length; i++) {
                                if (Float.floatToIntBits(xs[i]) != Float.floatToIntBits(xv[i])) {
                                    fail("wht n=" + n + " rows=" + rows + " normalised=" + normalised + " threads=" + threads
                                            + " element " + i + ": scalar " + xs[i] + " vector " + xv[i]);
                                }
                            }
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void whtTwiceIsLTimesTheIdentityAndTheNormalisedOneIsItsOwnInverse() {
        Kernels k = KernelProvider.kernels();
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n : new int[] {1, 2, 16, 1024, 65536}) {
            float[] x = random(rnd, n), y = x.clone(), z = x.clone();
            k.wht(y, 0, 1, n, false);
            k.wht(y, 0, 1, n, false);
            k.wht(z, 0, 1, n, true);
            k.wht(z, 0, 1, n, true);
            int log = Integer.numberOfTrailingZeros(n);
            for (int i = 0; i < n; i++) {
                assertEquals((double) n * x[i], y[i], 4 * (log + 1) * U * n * Math.sqrt(n), "H H x = L x, n=" + n);
                assertEquals(x[i], z[i], 4 * (log + 1) * U * Math.sqrt(n), "(H/sqrt L)^2 x = x, n=" + n);
            }
        }
    }

    @Test
    void whtRejectsLengthsThatAreNotPowersOfTwo() {
        for (Kernels k : new Kernels[] {new ScalarKernels(), KernelProvider.kernels()}) {
            for (int n : new int[] {0, 3, 12, 1000}) {
                assertThrows(IllegalArgumentException.class, () -> k.wht(new float[4096], 0, 1, n, false), k.name() + " n=" + n);
            }
        }
    }

    // ---------------------------------------------------------------- switched diagonal

    @Test
    void switchedScaleGivesTheScalarBitsOnAwkwardShapesInPlaceToo() {
        Kernels v = vectorOrSkip();
        Kernels s = new ScalarKernels();
        SplittableRandom rnd = new SplittableRandom(23);
        for (int[] shape : new int[][] {{1, 1}, {3, 3}, {2, 13}, {5, 207}, {4, 1029}, {128, 1024}}) {
            int rows = shape[0], cols = shape[1];
            float[] x = random(rnd, rows * cols), g = random(rnd, rows * cols), a = random(rnd, cols), b = random(rnd, cols);
            x[0] = 0f;                                   // the kink takes b
            if (x.length > 1) x[1] = -0f;
            float[] ys = new float[x.length], yv = new float[x.length];
            s.switchedScale(x, rows, cols, a, b, ys);
            v.switchedScale(x, rows, cols, a, b, yv);
            Bits.assertSameBits(ys, yv, "switchedScale " + rows + "x" + cols);
            float[] da0 = random(rnd, cols), db0 = random(rnd, cols);
            float[] das = da0.clone(), dbs = db0.clone(), dav = da0.clone(), dbv = db0.clone();
            float[] dIns = new float[x.length], gv = g.clone();
            s.switchedScaleBackward(x, g, rows, cols, a, b, dIns, das, dbs);
            v.switchedScaleBackward(x, gv, rows, cols, a, b, gv, dav, dbv);   // in place: dIn is dOut
            Bits.assertSameBits(dIns, gv, "switchedScaleBackward dIn " + rows + "x" + cols);
            Bits.assertSameBits(das, dav, "switchedScaleBackward da " + rows + "x" + cols);
            Bits.assertSameBits(dbs, dbv, "switchedScaleBackward db " + rows + "x" + cols);
        }
    }

    @Test
    void mulRowVectorGivesTheScalarBitsOnAwkwardShapesInPlaceToo() {
        Kernels v = vectorOrSkip();
        Kernels s = new ScalarKernels();
        SplittableRandom rnd = new SplittableRandom(29);
        for (int[] shape : new int[][] {{1, 1}, {3, 3}, {2, 13}, {5, 207}, {4, 1029}, {128, 1024}}) {
            int rows = shape[0], cols = shape[1];
            float[] x = random(rnd, rows * cols), g = random(rnd, rows * cols), d = random(rnd, cols);
            float[] ys = new float[x.length], yv = x.clone();
            s.mulRowVector(x, rows, cols, d, ys);
            v.mulRowVector(yv, rows, cols, d, yv);                           // in place
            Bits.assertSameBits(ys, yv, "mulRowVector " + rows + "x" + cols);
            float[] dd0 = random(rnd, cols), dds = dd0.clone(), ddv = dd0.clone();
            float[] dIns = new float[x.length], gv = g.clone();
            s.mulRowVectorBackward(x, g, rows, cols, d, dIns, dds);
            v.mulRowVectorBackward(x, gv, rows, cols, d, gv, ddv);             // in place: dIn is dOut
            Bits.assertSameBits(dIns, gv, "mulRowVectorBackward dIn " + rows + "x" + cols);
            Bits.assertSameBits(dds, ddv, "mulRowVectorBackward dd " + rows + "x" + cols);
            float[] noGrad = g.clone();
            v.mulRowVectorBackward(x, noGrad, rows, cols, d, noGrad, null);   // no dd wanted
            Bits.assertSameBits(dIns, noGrad, "mulRowVectorBackward without dd " + rows + "x" + cols);
        }
    }

    // ---------------------------------------------------------------- real FFT

    /** The naive DFT in double: bins 0..L/2 of sum_j x[j] e^{-2 pi i jk/L}. */
    private static double[][] naiveDft(float[] x) {
        int n = x.length;
        double[][] out = new double[2][n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) {
            for (int j = 0; j < n; j++) {
                double angle = -2 * Math.PI * ((long) j * k % n) / n;
                out[0][k] += x[j] * Math.cos(angle);
                out[1][k] += x[j] * Math.sin(angle);
            }
        }
        return out;
    }

    @Test
    void realFftEqualsTheNaiveDft() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int log = 0; log <= MAX_LOG; log++) {
            int n = 1 << log;
            RealFft fft = new RealFft(n);
            assertEquals(n / 2 + 1, fft.bins());
            float[] x = random(rnd, n + 3);
            float[] signal = java.util.Arrays.copyOfRange(x, 3, n + 3);
            float[] re = new float[fft.bins() + 1], im = new float[fft.bins() + 1];
            fft.forward(x, 3, re, im, 1);
            double[][] exact = naiveDft(signal);
            double absSum = 0;
            for (float v : signal) absSum += Math.abs(v);
            // float butterflies plus twiddles rounded to float: a few u per stage
            double tolerance = 4 * (log + 2) * U * absSum;
            for (int k = 0; k <= n / 2; k++) {
                assertEquals(exact[0][k], re[1 + k], tolerance, "Re X[" + k + "] n=" + n);
                assertEquals(exact[1][k], im[1 + k], tolerance, "Im X[" + k + "] n=" + n);
            }
        }
    }

    @Test
    void inverseRealFftEqualsTheNaiveInverseAndUndoesForward() {
        SplittableRandom rnd = new SplittableRandom(19);
        for (int log = 0; log <= MAX_LOG; log++) {
            int n = 1 << log, bins = n / 2 + 1;
            RealFft fft = new RealFft(n);
            // a random Hermitian spectrum: imaginary parts of bins 0 and L/2 are ignored
            float[] re = random(rnd, bins), im = random(rnd, bins);
            float[] x = new float[n];
            fft.inverse(re, im, 0, x, 0);
            double absSum = 0;
            for (int k = 0; k < bins; k++) absSum += Math.abs(re[k]) + Math.abs(im[k]);
            double tolerance = 8 * (log + 2) * U * absSum / n + 1e-30;
            for (int j = 0; j < n; j++) {
                // x[j] = 1/L (X0 + (-1)^j X_{L/2} + 2 sum_{0<k<L/2} Re(X[k] e^{2 pi i jk/L}))
                double s = re[0] + (n > 1 ? ((j & 1) == 0 ? re[n / 2] : -re[n / 2]) : 0);
                for (int k = 1; k < n / 2; k++) {
                    double angle = 2 * Math.PI * ((long) j * k % n) / n;
                    s += 2 * (re[k] * Math.cos(angle) - im[k] * Math.sin(angle));
                }
                assertEquals(s / n, x[j], tolerance, "x[" + j + "] n=" + n);
            }
            // round trip
            float[] signal = random(rnd, n), back = new float[n];
            float[] fr = new float[bins], fi = new float[bins];
            fft.forward(signal, 0, fr, fi, 0);
            fft.inverse(fr, fi, 0, back, 0);
            for (int j = 0; j < n; j++) assertEquals(signal[j], back[j], 8 * (log + 2) * U * Math.sqrt(n), "round trip n=" + n);
        }
    }

    @Test void realFftRejectsLengthsThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new RealFft(6));
    }
}
