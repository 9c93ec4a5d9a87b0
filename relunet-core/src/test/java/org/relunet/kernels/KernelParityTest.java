package org.relunet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * VectorKernels against the reference ScalarKernels, element by element, on awkward sizes (1, 3,
 * 13, 207, 4099, odd GEMM shapes, offsets, padded leading dimensions), with one and two threads.
 * Sums are compared with a tolerance that scales with the reduction length: both sides of a
 * K-term sum are within K * u * sum|terms| of the exact value (u = 2^-24), so they may differ by
 * twice that. Copies, single adds and selects must match bit for bit. Skipped without the
 * Vector API (run with {@code --add-modules jdk.incubator.vector}).
 */
@ExtendWith(RestoresThreads.class)
class KernelParityTest {
    private static final int[] SIZES = {1, 3, 13, 207, 4099, 70_001};
    private static final double U = 0x1p-24;

    private final Kernels scalar = new ScalarKernels();
    private Kernels vector;

    @BeforeEach
    void setUp() {
        vector = VectorOrSkip.kernels();
    }

    // ---------------------------------------------------------------- helpers

    private static float[] random(SplittableRandom rnd, int n, double lo, double hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return x;
    }

    private static float[] nanFilled(int n) {
        float[] x = new float[n];
        java.util.Arrays.fill(x, Float.NaN);
        return x;
    }

    private static void assertClose(float expected, float actual, double tolerance, String what) {
        if (expected != actual && !(Math.abs(expected - actual) <= tolerance)) {
            fail(what + ": expected " + expected + " but was " + actual + " (|diff| " + Math.abs(expected - actual)
                    + " > tolerance " + tolerance + ")");
        }
    }

    // ---------------------------------------------------------------- GEMM

    /** Shapes (M, N, K): tiny, odd, ragged tiles, several K/M/N blocks, the dot path (N < tile, long K). */
    private static final int[][] GEMM_SHAPES = {
        {1, 1, 1}, {3, 5, 7}, {13, 207, 9}, {65, 33, 129}, {8, 32, 16}, {17, 10, 300},
        {20, 40, 2100}, {37, 70, 1000}, {300, 40, 20}, {9, 2100, 5}, {64, 96, 3},
        {1, 10, 3136}, {1, 7, 1030},       // the dot path's single-row tile (batch-1 read-out), with a scalar tail
    };

    @Test
    void gemmMatchesScalarOnOddShapesAllTransposesOneAndTwoThreads() {
        SplittableRandom rnd = new SplittableRandom(42);
        float[][] alphaBeta = {{1f, 0f}, {1f, 1f}, {0.5f, -1.5f}, {-2f, 0f}, {0f, 0.25f}};
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int[] shape : GEMM_SHAPES) {
                for (int variant = 0; variant < 4; variant++) {
                    boolean transA = (variant & 1) != 0, transB = (variant & 2) != 0;
                    float[] ab = alphaBeta[(variant + shape[0] + shape[2]) % alphaBeta.length];
                    checkGemm(rnd, transA, transB, shape[0], shape[1], shape[2], ab[0], ab[1],
                            threads, 1 + (shape[1] % 3), 2);
                }
            }
        }
    }

    @Test
    void gemmHonoursEveryAlphaBetaCombination() {
        SplittableRandom rnd = new SplittableRandom(7);
        Parallel.setThreads(2);
        for (float alpha : new float[] {1f, -1f, 0.37f, 0f}) {
            for (float beta : new float[] {0f, 1f, -0.5f, 2f}) {
                for (int variant = 0; variant < 4; variant++) {
                    checkGemm(rnd, (variant & 1) != 0, (variant & 2) != 0, 29, 45, 390, alpha, beta, 2, 3, 5);
                }
            }
        }
    }

    @Test
    void gemmOnTheLayerShapesScaledDown() {
        // Dense forward/backward and conv forward/backward, as the layers call them (batch shrunk).
        SplittableRandom rnd = new SplittableRandom(3);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            checkGemm(rnd, false, true, 16, 256, 784, 1f, 0f, threads, 0, 0);     // X * W^T
            checkGemm(rnd, true, false, 256, 784, 16, 1f, 1f, threads, 0, 0);     // dW += dOut^T * X
            checkGemm(rnd, false, false, 16, 784, 256, 1f, 0f, threads, 0, 0);    // dX = dOut * W
            checkGemm(rnd, false, false, 32, 2 * 784, 25, 1f, 0f, threads, 0, 0);  // conv1 forward
            checkGemm(rnd, false, true, 32, 25, 2 * 784, 1f, 1f, threads, 0, 0);  // conv1 dW += dOut * col^T
            checkGemm(rnd, true, false, 25, 2 * 784, 32, 1f, 0f, threads, 0, 0);  // conv1 dCol = W^T * dOut
            checkGemm(rnd, false, true, 8, 10, 3136, 1f, 0f, threads, 0, 0);      // FC read-out, N = 10
        }
    }

    @Test
    void theDotPathGivesARowTheSameBitsAloneAsInsideABatch() {
        // Batch-1 inference must give the logits the same image gets in a batch: a single row takes
        // its own tile (dotRow), several rows the 4-row tile. N = 10 and 7 (ragged 3-column tiles),
        // K = 3136 (two K blocks) and 1030 (a scalar tail), beta 0 and 1, one to three threads.
        SplittableRandom rnd = new SplittableRandom(17);
        for (int[] nk : new int[][] {{10, 3136}, {7, 1030}}) {
            int n = nk[0], k = nk[1], m = 6;
            float[] a = new float[m * k], b = new float[n * k], c0 = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < c0.length; i++) c0[i] = (float) rnd.nextGaussian();
            for (float beta : new float[] {0f, 1f}) {
                for (int threads : new int[] {1, 2, 3}) {
                    Parallel.setThreads(threads);
                    float[] all = c0.clone();
                    vector.gemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, beta, all, 0, n);
                    for (int row = 0; row < m; row++) {
                        float[] one = java.util.Arrays.copyOfRange(c0, row * n, row * n + n);
                        vector.gemm(false, true, 1, n, k, 1f, a, row * k, k, b, 0, k, beta, one, 0, n);
                        Bits.assertSameBits(java.util.Arrays.copyOfRange(all, row * n, row * n + n), one,
                                "row " + row + " of " + m + "x" + n + "x" + k + " alone, beta " + beta + ", " + threads + " threads");
                    }
                }
            }
        }
    }

    /**
     * One GEMM on both implementations. A, B and C live at offset {@code off} in arrays whose
     * leading dimensions exceed the row width by {@code pad}; padding is NaN, so reading it shows.
     * With beta == 0 all of C starts as NaN.
     */
    private void checkGemm(SplittableRandom rnd, boolean transA, boolean transB, int m, int n, int k,
                           float alpha, float beta, int threads, int off, int pad) {
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        float[] a = paddedRandom(rnd, aRows, aCols, lda, off);
        float[] b = paddedRandom(rnd, bRows, bCols, ldb, off);
        float[] c0 = beta == 0f ? nanFilled(off + m * ldc) : paddedRandom(rnd, m, n, ldc, off);
        float[] cs = c0.clone(), cv = c0.clone();
        scalar.gemm(transA, transB, m, n, k, alpha, a, off, lda, b, off, ldb, beta, cs, off, ldc);
        vector.gemm(transA, transB, m, n, k, alpha, a, off, lda, b, off, ldb, beta, cv, off, ldc);
        String what = String.format("gemm%s%s m=%d n=%d k=%d alpha=%s beta=%s threads=%d off=%d pad=%d",
                transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, beta, threads, off, pad);
        for (int idx = 0; idx < cv.length; idx++) {
            int i = (idx - off) / ldc, j = (idx - off) % ldc;
            boolean inside = idx >= off && j < n && i < m;
            if (!inside) {
                assertEquals(Float.floatToIntBits(c0[idx]), Float.floatToIntBits(cv[idx]), what + ": wrote outside C at " + idx);
                continue;
            }
            double magnitude = beta == 0f ? 0 : Math.abs((double) beta * c0[idx]);
            for (int p = 0; p < k; p++) {
                float aip = transA ? a[off + p * lda + i] : a[off + i * lda + p];
                float bpj = transB ? b[off + j * ldb + p] : b[off + p * ldb + j];
                magnitude += Math.abs((double) alpha * aip * bpj);
            }
            double tolerance = 2 * (k + 2) * U * magnitude + 1e-30;
            assertClose(cs[idx], cv[idx], tolerance, what + " at C[" + i + "][" + j + "]");
        }
    }

    private static float[] paddedRandom(SplittableRandom rnd, int rows, int cols, int ld, int off) {
        float[] x = nanFilled(off + rows * ld);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) x[off + r * ld + j] = (float) (2 * rnd.nextDouble() - 1);
        }
        return x;
    }

    @Test
    void gemmGivesTheSameBitsTwiceForAGivenThreadCount() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int variant = 0; variant < 4; variant++) {
                boolean transA = (variant & 1) != 0, transB = (variant & 2) != 0;
                int m = 70, n = 300, k = 2500;
                float[] a = random(rnd, m * k, -1, 1), b = random(rnd, k * n, -1, 1);
                float[] c1 = new float[m * n], c2 = new float[m * n];
                int lda = transA ? m : k, ldb = transB ? k : n;
                vector.gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c1, 0, n);
                vector.gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c2, 0, n);
                Bits.assertSameBits(c1, c2, "gemm repeat variant " + variant + " threads " + threads);
            }
        }
    }

    // ---------------------------------------------------------------- element-wise

    private interface Unary { void apply(Kernels k, float[] x, float[] y, int n); }

    private interface Backward { void apply(Kernels k, float[] x, float[] y, float[] dOut, float[] dIn, int n); }

    /** Inputs in [-6, 6] with exact zeros sprinkled in, to hit the ReLU kink. */
    private static float[] activationInput(SplittableRandom rnd, int n) {
        float[] x = random(rnd, n, -6, 6);
        for (int i = 0; i < n; i += 7) x[i] = 0f;
        return x;
    }

    private void checkUnary(String name, Unary f, double relTol) {
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int n : SIZES) {
                float[] x = activationInput(rnd, n);
                float[] ys = new float[n], yv = new float[n];
                f.apply(scalar, x, ys, n);
                f.apply(vector, x, yv, n);
                if (relTol == 0) {
                    Bits.assertSameBits(ys, yv, name + " n=" + n);
                } else {
                    for (int i = 0; i < n; i++) {
                        assertClose(ys[i], yv[i], relTol * Math.max(1, Math.abs(ys[i])), name + " n=" + n + " x=" + x[i]);
                    }
                }
            }
        }
    }

    /** Backward kernels get x, y = forward(x) from the scalar reference, and dOut. */
    private void checkBackward(String name, Unary forward, Backward f, double relTol) {
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int n : SIZES) {
                float[] x = activationInput(rnd, n);
                float[] y = new float[n];
                forward.apply(scalar, x, y, n);
                float[] dOut = random(rnd, n, -2, 2);
                float[] ds = new float[n], dv = new float[n];
                f.apply(scalar, x, y, dOut, ds, n);
                f.apply(vector, x, y, dOut, dv, n);
                if (relTol == 0) {
                    Bits.assertSameBits(ds, dv, name + " n=" + n);
                } else {
                    for (int i = 0; i < n; i++) {
                        assertClose(ds[i], dv[i], relTol * Math.max(1, Math.abs(dOut[i])), name + " n=" + n + " x=" + x[i]);
                    }
                }
            }
        }
    }

    @Test
    void reluFamilyIsBitIdentical() {
        checkUnary("relu", (k, x, y, n) -> k.relu(x, y, n), 0);
        checkBackward("reluBackward", (k, x, y, n) -> k.relu(x, y, n), (k, x, y, d, di, n) -> k.reluBackward(x, d, di, n), 0);
        checkUnary("leakyRelu", (k, x, y, n) -> k.leakyRelu(0.01f, x, y, n), 0);
        checkBackward("leakyReluBackward", (k, x, y, n) -> k.leakyRelu(0.1f, x, y, n),
                (k, x, y, d, di, n) -> k.leakyReluBackward(0.1f, x, d, di, n), 0);
        checkBackward("eluBackward", (k, x, y, n) -> k.elu(1.5f, x, y, n),
                (k, x, y, d, di, n) -> k.eluBackward(1.5f, x, y, d, di, n), 0);
        checkBackward("sigmoidBackward", (k, x, y, n) -> k.sigmoid(x, y, n),
                (k, x, y, d, di, n) -> k.sigmoidBackward(y, d, di, n), 0);
        checkBackward("tanhBackward", (k, x, y, n) -> k.tanh(x, y, n),
                (k, x, y, d, di, n) -> k.tanhBackward(y, d, di, n), 0);
    }

    @Test
    void reluAtZeroAndNegativeZero() {
        float[] x = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE};
        float[] dOut = {1f, 2f, 3f, 4f};
        float[] ys = new float[4], yv = new float[4], ds = new float[4], dv = new float[4];
        scalar.relu(x, ys, 4);
        vector.relu(x, yv, 4);
        assertArrayEquals(ys, yv);
        scalar.reluBackward(x, dOut, ds, 4);
        vector.reluBackward(x, dOut, dv, 4);
        assertArrayEquals(new float[] {0f, 0f, 3f, 0f}, dv);
        assertArrayEquals(ds, dv);
    }

    @Test
    void smoothActivationsWithinRounding() {
        // VectorMath's exp/tanh/log1p are a few ulp from Java's Math.
        double tol = 1e-5;
        checkUnary("elu", (k, x, y, n) -> k.elu(1.5f, x, y, n), tol);
        checkUnary("sigmoid", (k, x, y, n) -> k.sigmoid(x, y, n), tol);
        checkUnary("tanh", (k, x, y, n) -> k.tanh(x, y, n), tol);
        checkUnary("gelu", (k, x, y, n) -> k.gelu(x, y, n), tol);
        checkUnary("silu", (k, x, y, n) -> k.silu(x, y, n), tol);
        checkUnary("softplus", (k, x, y, n) -> k.softplus(x, y, n), tol);
        checkBackward("geluBackward", (k, x, y, n) -> k.gelu(x, y, n), (k, x, y, d, di, n) -> k.geluBackward(x, d, di, n), tol);
        checkBackward("siluBackward", (k, x, y, n) -> k.silu(x, y, n), (k, x, y, d, di, n) -> k.siluBackward(x, d, di, n), tol);
        checkBackward("softplusBackward", (k, x, y, n) -> k.softplus(x, y, n),
                (k, x, y, d, di, n) -> k.softplusBackward(x, d, di, n), tol);
    }

    @Test
    void smoothActivationsGiveTheSameBitsColdAndWarm() {
        // lanewise(EXP) and reduceLanes(ADD) gave other bits once C2 had compiled the caller;
        // VectorMath and the fixed-order lane sums must not. A cold call against a warm one.
        SplittableRandom rnd = new SplittableRandom(23);
        int n = 4099;
        float[] x = activationInput(rnd, n);
        Unary[] kernels = {
            (k, a, y, m) -> k.sigmoid(a, y, m), (k, a, y, m) -> k.tanh(a, y, m), (k, a, y, m) -> k.gelu(a, y, m),
            (k, a, y, m) -> k.softplus(a, y, m), (k, a, y, m) -> k.elu(1f, a, y, m), (k, a, y, m) -> k.softmaxRows(a, 1, m, y),
        };
        for (int which = 0; which < kernels.length; which++) {
            Unary f = kernels[which];
            float[] cold = new float[n], warm = new float[n];
            f.apply(vector, x, cold, n);
            for (int rep = 0; rep < 2000; rep++) f.apply(vector, x, warm, n);
            Bits.assertSameBits(cold, warm, "kernel " + which + " cold vs warm");
        }
    }

    @Test
    void sigmoidFamilyStaysFiniteAtExtremes() {
        float[] x = {-200f, -88f, -30f, 30f, 88f, 200f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        int n = x.length;
        for (Unary f : new Unary[] {(k, a, y, m) -> k.sigmoid(a, y, m), (k, a, y, m) -> k.softplus(a, y, m)}) {
            float[] ys = new float[n], yv = new float[n];
            f.apply(scalar, x, ys, n);
            f.apply(vector, x, yv, n);
            for (int i = 0; i < n; i++) assertClose(ys[i], yv[i], 1e-5 * Math.max(1, Math.abs(ys[i])), "extreme x=" + x[i]);
        }
    }

    // ---------------------------------------------------------------- rows, bias, reductions

    @Test
    void softmaxRowsWithinRounding() {
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] shapes = {{1, 1}, {3, 13}, {7, 207}, {2, 4099}, {600, 10}, {64, 1000}};
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] s : shapes) {
                int rows = s[0], cols = s[1];
                float[] x = random(rnd, rows * cols, -20, 20);
                float[] os = new float[rows * cols], ov = new float[rows * cols];
                scalar.softmaxRows(x, rows, cols, os);
                vector.softmaxRows(x, rows, cols, ov);
                for (int i = 0; i < os.length; i++) {
                    // exp a few ulp apart, and a cols-term sum in another order
                    assertClose(os[i], ov[i], 1e-5 * os[i] + 2 * (cols + 2) * U * os[i] + 1e-38, "softmax " + rows + "x" + cols);
                }
            }
        }
    }

    @Test
    void rowAndColumnKernels() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int rows : new int[] {1, 3, 13}) {
            for (int cols : new int[] {1, 3, 13, 207, 4099}) {
                float[] x = random(rnd, rows * cols, -1, 1);
                float[] bias = random(rnd, cols, -1, 1);
                float[] xs = x.clone(), xv = x.clone();
                scalar.addRowVector(xs, rows, cols, bias);
                vector.addRowVector(xv, rows, cols, bias);
                Bits.assertSameBits(xs, xv, "addRowVector " + rows + "x" + cols);

                float[] ss = random(rnd, cols, -1, 1), sv = ss.clone();
                scalar.addColumnSums(x, rows, cols, ss);
                vector.addColumnSums(x, rows, cols, sv);
                Bits.assertSameBits(ss, sv, "addColumnSums " + rows + "x" + cols);

                float[] rs = random(rnd, rows, -1, 1), rv = rs.clone();
                scalar.addRowSums(x, rows, cols, rs);
                vector.addRowSums(x, rows, cols, rv);
                for (int r = 0; r < rows; r++) {
                    double mag = Math.abs(rs[r]);
                    for (int j = 0; j < cols; j++) mag += Math.abs(x[r * cols + j]);
                    assertClose(rs[r], rv[r], 2 * (cols + 1) * U * mag, "addRowSums " + rows + "x" + cols);
                }
            }
        }
    }

    @Test
    void axpyDotSumWithOffsets() {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int n : SIZES) {
            for (int off : new int[] {0, 3}) {
                float[] x = random(rnd, n + 2 * off, -1, 1), y = random(rnd, n + 2 * off, -1, 1);
                float[] ys = y.clone(), yv = y.clone();
                scalar.axpy(n, -0.7f, x, off, ys, 2 * off);
                vector.axpy(n, -0.7f, x, off, yv, 2 * off);
                Bits.assertSameBits(ys, yv, "axpy n=" + n);

                double dotMag = 0, sumMag = 0;
                for (int i = 0; i < n; i++) {
                    dotMag += Math.abs((double) x[off + i] * y[2 * off + i]);
                    sumMag += Math.abs(x[off + i]);
                }
                assertClose(scalar.dot(n, x, off, y, 2 * off), vector.dot(n, x, off, y, 2 * off),
                        2 * (n + 1) * U * dotMag, "dot n=" + n);
                assertClose(scalar.sum(x, off, n), vector.sum(x, off, n), 2 * (n + 1) * U * sumMag, "sum n=" + n);
            }
        }
    }

    // ---------------------------------------------------------------- convolution and pooling

    /** (B, C, H, W, KH, KW, stride, pad): stride 1 to 3, padding 0 to 2, non-square, kernels wider than the pad. */
    private static final int[][] CONV_SHAPES = {
        {2, 3, 7, 9, 3, 3, 1, 1}, {1, 1, 5, 5, 5, 5, 1, 0}, {3, 2, 8, 8, 3, 3, 2, 1}, {2, 1, 28, 28, 5, 5, 1, 2},
        {1, 2, 6, 7, 2, 3, 2, 0}, {2, 2, 5, 5, 3, 3, 3, 2}, {1, 1, 3, 3, 1, 1, 1, 2}, {1, 1, 4, 4, 1, 1, 3, 2},
        {4, 8, 14, 14, 5, 5, 1, 2},
    };

    @Test
    void im2colCol2imScatterGatherAreBitIdentical() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] s : CONV_SHAPES) {
                int batch = s[0], channels = s[1], h = s[2], w = s[3], kh = s[4], kw = s[5], stride = s[6], pad = s[7];
                String what = java.util.Arrays.toString(s) + " threads=" + threads;
                int outH = (h + 2 * pad - kh) / stride + 1, outW = (w + 2 * pad - kw) / stride + 1;
                float[] x = random(rnd, batch * channels * h * w, -1, 1);
                int colSize = channels * kh * kw * batch * outH * outW;
                float[] cs = nanFilled(colSize), cv = nanFilled(colSize);
                scalar.im2col(x, batch, channels, h, w, kh, kw, stride, pad, cs);
                vector.im2col(x, batch, channels, h, w, kh, kw, stride, pad, cv);
                Bits.assertSameBits(cs, cv, "im2col " + what);

                float[] col = random(rnd, colSize, -1, 1);
                float[] dxs = random(rnd, x.length, -1, 1), dxv = dxs.clone();
                scalar.col2im(col, batch, channels, h, w, kh, kw, stride, pad, dxs);
                vector.col2im(col, batch, channels, h, w, kh, kw, stride, pad, dxv);
                Bits.assertSameBits(dxs, dxv, "col2im " + what);

                int spatial = outH * outW, oc = channels + 1;
                float[] cols = random(rnd, oc * batch * spatial, -1, 1);
                float[] bias = random(rnd, oc, -1, 1);
                for (float[] bb : new float[][] {bias, null}) {
                    float[] os = nanFilled(cols.length), ov = nanFilled(cols.length);
                    scalar.scatterChannels(cols, batch, oc, spatial, bb, os);
                    vector.scatterChannels(cols, batch, oc, spatial, bb, ov);
                    Bits.assertSameBits(os, ov, "scatterChannels " + what);
                    float[] gs = nanFilled(cols.length), gv = nanFilled(cols.length);
                    scalar.gatherChannels(os, batch, oc, spatial, gs);
                    vector.gatherChannels(os, batch, oc, spatial, gv);
                    Bits.assertSameBits(gs, gv, "gatherChannels " + what);
                }
            }
        }
    }

    @Test
    void maxPoolMatchesIncludingTies() {
        // (P, H, W, window, stride): even and odd sizes, overlapping windows, enough planes to split.
        int[][] shapes = {{3, 4, 4, 2, 2}, {2, 5, 7, 2, 2}, {1, 6, 6, 3, 3}, {2, 7, 7, 3, 2}, {1, 1, 1, 1, 1}, {256, 24, 24, 2, 2},
            {5, 28, 28, 2, 2}, {3, 14, 14, 2, 2}, {2, 2, 68, 2, 2}, {2, 6, 34, 2, 2}, {3, 3, 3, 2, 2},
            {4, 8, 15, 2, 2}, {3, 10, 33, 2, 2}, {64, 14, 14, 2, 2}, {9, 7, 6, 2, 2}};
        SplittableRandom rnd = new SplittableRandom(19);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] s : shapes) {
                int planes = s[0], h = s[1], w = s[2], window = s[3], stride = s[4];
                float[] x = new float[planes * h * w];
                for (int i = 0; i < x.length; i++) x[i] = rnd.nextInt(5) - 2;      // many ties
                int outH = (h - window) / stride + 1, outW = (w - window) / stride + 1;
                int count = planes * outH * outW;
                float[] os = new float[count], ov = new float[count];
                int[] as = new int[count], av = new int[count];
                scalar.maxPoolForward(x, planes, h, w, window, stride, os, as);
                vector.maxPoolForward(x, planes, h, w, window, stride, ov, av);
                String what = java.util.Arrays.toString(s);
                Bits.assertSameBits(os, ov, "maxPoolForward " + what);
                assertArrayEquals(as, av, "maxPool argmax " + what);
                for (Kernels k : new Kernels[] {scalar, vector}) {       // no argmax (inference): the same out
                    float[] o = new float[count];
                    k.maxPoolForward(x, planes, h, w, window, stride, o, null);
                    Bits.assertSameBits(os, o, "maxPoolForward without argmax " + k.name() + " " + what);
                }

                float[] dOut = random(rnd, count, -1, 1);
                float[] ds = new float[x.length], dv = new float[x.length];
                scalar.maxPoolBackward(dOut, as, count, ds);
                vector.maxPoolBackward(dOut, av, count, dv);
                Bits.assertSameBits(ds, dv, "maxPoolBackward " + what);
                if (window == 2 && stride == 2 && h % 2 == 0 && w % 2 == 0) {
                    float[] ws = new float[x.length], wv = new float[x.length];
                    java.util.Arrays.fill(wv, Float.NaN);        // overwritten, never read
                    scalar.maxPool2x2Backward(dOut, as, planes, h, w, ws);
                    vector.maxPool2x2Backward(dOut, av, planes, h, w, wv);
                    Bits.assertSameBits(ds, ws, "maxPool2x2Backward (scalar) " + what);
                    Bits.assertSameBits(ds, wv, "maxPool2x2Backward " + what);
                }
            }
        }
    }

    @Test
    void maxPoolReluGivesTheBitsOfTheSeparateLayers() {
        // relu then pool (forward), pool's backward then relu's (backward), against the fused kernels,
        // in both implementations: integers -2..2 and -0 make ties and windows with no positive input,
        // where the fused argmax (over z) differs from the separate one (over max(z, 0)) but the
        // gradient is 0 either way.
        int[][] shapes = {{3, 4, 4, 2, 2}, {2, 5, 7, 2, 2}, {2, 7, 7, 3, 2}, {5, 28, 28, 2, 2}, {3, 14, 14, 2, 2},
            {2, 2, 68, 2, 2}, {2, 6, 34, 2, 2}, {64, 8, 8, 2, 2}, {4, 8, 15, 2, 2}, {64, 14, 14, 2, 2}};
        SplittableRandom rnd = new SplittableRandom(31);
        for (Kernels k : new Kernels[] {scalar, vector}) {
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (int[] s : shapes) {
                    int planes = s[0], h = s[1], w = s[2], window = s[3], stride = s[4];
                    float[] z = new float[planes * h * w];
                    for (int i = 0; i < z.length; i++) z[i] = rnd.nextInt(7) == 0 ? -0f : rnd.nextInt(5) - 2;
                    int outH = (h - window) / stride + 1, outW = (w - window) / stride + 1, count = planes * outH * outW;
                    String what = k.name() + " " + java.util.Arrays.toString(s) + " threads " + threads;

                    float[] relu = new float[z.length], ySeparate = new float[count], yFused = new float[count];
                    int[] argSeparate = new int[count], argFused = new int[count];
                    k.relu(z, relu, z.length);
                    k.maxPoolForward(relu, planes, h, w, window, stride, ySeparate, argSeparate);
                    k.maxPoolReluForward(z, planes, h, w, window, stride, yFused, argFused);
                    Bits.assertSameBits(ySeparate, yFused, "maxPoolReluForward " + what);
                    float[] yInference = new float[count];
                    k.maxPoolReluForward(z, planes, h, w, window, stride, yInference, null);
                    Bits.assertSameBits(ySeparate, yInference, "maxPoolReluForward without argmax " + what);

                    float[] dOut = random(rnd, count, -1, 1);
                    float[] dSeparate = new float[z.length], dFused = new float[z.length];
                    k.maxPoolBackward(dOut, argSeparate, count, dSeparate);
                    k.reluBackward(z, dSeparate, dSeparate, z.length);
                    java.util.Arrays.fill(dFused, Float.NaN);           // overwritten, never read
                    k.maxPoolReluBackward(dOut, argFused, z, planes, h, w, window, stride, dFused);
                    Bits.assertSameBits(dSeparate, dFused, "maxPoolReluBackward " + what);
                }
            }
        }
    }

    @Test
    void sgdStepGivesTheSameBits() {
        SplittableRandom rnd = new SplittableRandom(29);
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {1, 17, 1000, 70_001}) {
                for (float[] hp : new float[][] {{0.05f, 0.9f, 0f, 0f}, {0.1f, 0.9f, 5e-4f, 1f}, {0.01f, 0f, 1e-3f, 0f}}) {
                    float[] w = random(rnd, n, -1, 1), g = random(rnd, n, -1, 1), v = random(rnd, n, -1, 1);
                    float[] ws = w.clone(), vs = v.clone(), wv = w.clone(), vv = v.clone();
                    boolean nesterov = hp[3] != 0f;
                    scalar.sgdStep(n, hp[0], hp[1], hp[2], nesterov, ws, g, hp[1] == 0f ? null : vs);
                    vector.sgdStep(n, hp[0], hp[1], hp[2], nesterov, wv, g, hp[1] == 0f ? null : vv);
                    String what = "sgdStep n=" + n + " " + java.util.Arrays.toString(hp) + " threads " + threads;
                    Bits.assertSameBits(ws, wv, what + " weights");
                    Bits.assertSameBits(vs, vv, what + " velocity");
                }
            }
        }
    }

    @Test
    void nameSaysTheWidth() {
        assertTrue(vector.name().matches("vector\\(\\d+-bit\\)"), vector.name());
    }
}
