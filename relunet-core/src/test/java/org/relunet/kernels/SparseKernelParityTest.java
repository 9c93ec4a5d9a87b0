package org.relunet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The zero-skipping GEMM ({@link Kernels#sparseGemm}) and its helpers: the reference against the
 * dense reference GEMM (skipping exact zeros changes nothing in it, the surviving terms are added
 * in the same order), the Vector API version against both within rounding, on awkward widths
 * (O = 1, 7, 17, 255, 256, 300: not multiples of the 16-vector register chunk), 1 to 130 rows,
 * densities 0, 0.1, 0.5 and 1, with 1, 2 and 3 threads, whose bits must not differ. The
 * reference tests run in every build; the vector ones are skipped without the Vector API.
 */
@ExtendWith(RestoresThreads.class)
class SparseKernelParityTest {
    private static final double U = 0x1p-24;
    private static final int[] ROWS = {1, 3, 64, 130};
    private static final int[] WIDTHS = {1, 7, 17, 255, 256, 300};
    private static final int[] DEPTHS = {1, 13, 100};
    private static final double[] DENSITIES = {0, 0.1, 0.5, 1.0};
    private static final float[] BETAS = {0f, 1f, -0.5f};

    private final Kernels scalar = new ScalarKernels();

    /** One case: op(A) (M, K) with a fraction 1 - density of exact zeros, B (K, N), C (M, N). */
    private record Case(boolean transA, int m, int n, int k, float beta, float[] a, float[] b, float[] c) {
        int lda() { return transA ? m : k; }

        float opA(int i, int p) { return transA ? a[p * m + i] : a[i * k + p]; }

        float[] sparse(Kernels kernels) {
            float[] out = c.clone();
            kernels.sparseGemm(transA, m, n, k, a, 0, lda(), b, 0, n, beta, out, 0, n);
            return out;
        }

        float[] dense(Kernels kernels) {
            float[] out = c.clone();
            kernels.gemm(transA, false, m, n, k, 1f, a, 0, lda(), b, 0, n, beta, out, 0, n);
            return out;
        }

        /** Both sides are within K u sum|terms| of the exact sum (plus the rounding of beta * C). */
        double tolerance(int i, int j) {
            double s = beta == 0f ? 0 : Math.abs((double) beta * c[i * n + j]);
            for (int p = 0; p < k; p++) s += Math.abs((double) opA(i, p) * b[p * n + j]);
            return 2 * (k + 2) * U * s + 1e-30;
        }

        String where(int i, int j) {
            return (transA ? "A^T" : "A") + " " + m + "x" + n + "x" + k + " beta " + beta + " C[" + i + "][" + j + "]";
        }
    }

    private static Case randomCase(SplittableRandom rnd, boolean transA, int m, int n, int k, double density, float beta) {
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = rnd.nextDouble() < density ? (float) rnd.nextGaussian() : 0f;
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < c.length; i++) c[i] = beta == 0f ? Float.NaN : (float) rnd.nextGaussian();   // beta 0: C not read
        return new Case(transA, m, n, k, beta, a, b, c);
    }

    /** Every case of the grid once, with the beta and thread count cycling through their values. */
    private interface CaseCheck {
        void check(Case c, int threads);
    }

    private static void forEachCase(long seed, CaseCheck check) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int count = 0;
        for (int m : ROWS) {
            for (int n : WIDTHS) {
                for (int k : DEPTHS) {
                    for (double density : DENSITIES) {
                        for (boolean transA : new boolean[] {false, true}) {
                            float beta = BETAS[count % BETAS.length];
                            int threads = 1 + (count / BETAS.length) % 3;
                            count++;
                            check.check(randomCase(rnd, transA, m, n, k, density, beta), threads);
                        }
                    }
                }
            }
        }
    }

    private static void assertClose(Case c, float[] expected, float[] actual, String what) {
        for (int i = 0; i < c.m(); i++) {
            for (int j = 0; j < c.n(); j++) {
                float e = expected[i * c.n() + j], a = actual[i * c.n() + j];
                double tol = c.tolerance(i, j);
                if (e != a && !(Math.abs(e - a) <= tol)) {
                    fail(what + ", " + c.where(i, j) + ": expected " + e + " but was " + a + " (tolerance " + tol + ")");
                }
            }
        }
    }

    // ---------------------------------------------------------------- the reference

    @Test
    void referenceEqualsTheDenseReferenceExactly() {
        // The surviving terms are added in the same order, and adding 0 * B[p][j] = +-0 to a sum
        // changes at most the sign of a zero: == holds element by element.
        forEachCase(11, (c, threads) -> {
            float[] sparse = c.sparse(scalar), dense = c.dense(scalar);
            for (int i = 0; i < sparse.length; i++) {
                if (!(sparse[i] == dense[i])) {
                    fail(c.where(i / c.n(), i % c.n()) + ": sparse " + sparse[i] + " dense " + dense[i]);
                }
            }
        });
    }

    @Test
    void aZeroOfATimesInfinityOrNaNInBCountsAsZero() {
        // The documented convention: a skipped term is 0 even when B holds Inf or NaN there; the
        // dense GEMM gives NaN. NaN in A itself is not a zero and is not skipped.
        float[] a = {0f, 2f,
                     1f, 0f};                     // A (2, 2)
        float[] b = {Float.NaN, Float.POSITIVE_INFINITY,
                     3f, 4f};                     // B (2, 2): row 0 is not finite
        checkConvention(scalar, a, b);
        float[] withNaN = {Float.NaN, 0f, 0f, 0f};
        float[] out = new float[4];
        scalar.sparseGemm(false, 2, 2, 2, withNaN, 0, 2, b, 0, 2, 0f, out, 0, 2);
        assertTrue(Float.isNaN(out[0]) && Float.isNaN(out[1]), "NaN in A propagates");
        assertEquals(0f, out[2]);
    }

    private static void checkConvention(Kernels kernels, float[] a, float[] b) {
        float[] out = new float[4];
        kernels.sparseGemm(false, 2, 2, 2, a, 0, 2, b, 0, 2, 0f, out, 0, 2);
        // row 0 of A is (0, 2): 0 * (NaN, Inf) is skipped, 2 * (3, 4) remains
        assertEquals(6f, out[0], kernels.name());
        assertEquals(8f, out[1], kernels.name());
        // row 1 of A is (1, 0): 1 * (NaN, Inf) is not skipped
        assertTrue(Float.isNaN(out[2]), kernels.name());
        assertEquals(Float.POSITIVE_INFINITY, out[3], kernels.name());
        float[] dense = new float[4];
        kernels.gemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, dense, 0, 2);
        assertTrue(Float.isNaN(dense[0]), "the dense GEMM computes 0 * NaN");
    }

    @Test
    void countNonzeroAndTransposeReference() {
        float[] x = {0f, -0f, 1f, Float.NaN, -2f, 0f, Float.MIN_VALUE};
        assertEquals(4, scalar.countNonzero(x, 0, x.length));
        assertEquals(2, scalar.countNonzero(x, 1, 3));
        float[] t = new float[6];
        scalar.transpose(new float[] {1, 2, 3, 4, 5, 6}, 2, 3, t);
        assertEquals("[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]", java.util.Arrays.toString(t));
    }

    // ---------------------------------------------------------------- the Vector API version

    @Test
    void vectorEqualsTheReferenceAndTheDenseGemmOnAwkwardSizes() {
        Kernels vector = VectorOrSkip.kernels();
        forEachCase(12, (c, threads) -> {
            Parallel.setThreads(threads);
            float[] v = c.sparse(vector);
            assertClose(c, c.sparse(scalar), v, "vector vs reference, " + threads + " threads");
            assertClose(c, c.dense(vector), v, "vector sparse vs vector dense GEMM, " + threads + " threads");
        });
    }

    @Test
    void vectorBitsDoNotDependOnTheThreadCount() {
        Kernels vector = VectorOrSkip.kernels();
        forEachCase(13, (c, ignored) -> {
            Parallel.setThreads(1);
            float[] one = c.sparse(vector);
            for (int threads : new int[] {2, 3}) {
                Parallel.setThreads(threads);
                float[] more = c.sparse(vector);
                for (int i = 0; i < one.length; i++) {
                    if (Float.floatToIntBits(one[i]) != Float.floatToIntBits(more[i])) {
                        fail(c.where(i / c.n(), i % c.n()) + ": 1 thread " + one[i] + ", " + threads + " threads " + more[i]);
                    }
                }
            }
        });
    }

    @Test
    void vectorUnionPathOnPictureLikeRowsEqualsTheReference() {
        // Rows that share their zeros (a picture's background) go the union path in groups of 4;
        // 67 rows leave 3 for the one-row path, and widths 64, 100 and 300 cover the 4-vector tile,
        // the single vectors and the masked tail.
        Kernels vector = VectorOrSkip.kernels();
        SplittableRandom rnd = new SplittableRandom(17);
        int m = 67, k = 97;
        float[] a = new float[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = k / 4; p < 3 * k / 4; p++) a[i * k + p] = rnd.nextDouble() < 0.9 ? (float) rnd.nextGaussian() : 0f;
        }
        assertTrue(VectorSparse.unionPays(a, 0, k, 2 * k, 3 * k, k), "picture-like rows take the union path");
        float[] scattered = new float[4 * k];                        // ReLU-like: a quarter nonzero, anywhere
        for (int i = 0; i < scattered.length; i++) scattered[i] = rnd.nextDouble() < 0.25 ? 1f : 0f;
        assertTrue(!VectorSparse.unionPays(scattered, 0, k, 2 * k, 3 * k, k), "scattered rows take the one-row path");
        for (int n : new int[] {64, 100, 300}) {
            for (float beta : BETAS) {
                float[] b = new float[k * n], c = new float[m * n];
                for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
                for (int i = 0; i < c.length; i++) c[i] = (float) rnd.nextGaussian();
                Case cs = new Case(false, m, n, k, beta, a, b, c);
                checkAgainstOneRowPath(vector, cs, "group");
            }
        }
    }

    @Test
    void groupsAreMadeOfRowsWithSimilarSupportAndEachRowKeepsItsBits() {
        // Two kinds of picture rows, interleaved in batch order: every fourth a "tall" one nonzero over
        // the middle 80% of the columns, the others "short" ones over 10%, with a few scattered rows
        // and an empty one. Groups of four in batch order mix the kinds (union ~ the tall support,
        // three rows short) and miss the union path: sorted by span, groups are of one kind and take
        // it. Whatever the grouping, each row must keep the bits the one-row path gives it, and the
        // result must not depend on the thread count.
        Kernels vector = VectorOrSkip.kernels();
        SplittableRandom rnd = new SplittableRandom(41);
        int m = 70, k = 200, n = 130;
        float[] a = new float[m * k];
        for (int i = 0; i < m; i++) {
            int kind = i % 7 == 6 ? 2 : i % 4 == 0 ? 0 : 1, lo = kind == 0 ? k / 10 : 9 * k / 20, hi = kind == 0 ? 9 * k / 10 : 11 * k / 20;
            for (int p = 0; p < k; p++) {
                boolean on = kind == 2 ? rnd.nextDouble() < 0.3 : p >= lo && p < hi && rnd.nextDouble() < 0.85;
                a[i * k + p] = on && i != 13 ? (float) rnd.nextGaussian() : 0f;
            }
        }
        int[] order = new int[m];
        VectorSparse.groupOrder(a, 0, k, m, k, new long[m], order);
        int[] seen = new int[m];
        for (int r : order) seen[r]++;
        for (int r = 0; r < m; r++) assertEquals(1, seen[r], "order is a permutation: row " + r);
        int unionGroups = 0, mixed = 0;
        for (int g = 0; g + 4 <= m; g += 4) {
            if (VectorSparse.unionPays(a, order[g] * k, order[g + 1] * k, order[g + 2] * k, order[g + 3] * k, k)) unionGroups++;
            if (!VectorSparse.unionPays(a, g * k, (g + 1) * k, (g + 2) * k, (g + 3) * k, k)) mixed++;
        }
        assertTrue(mixed >= 10, "batch order mixes the kinds: " + mixed + " groups off the union path");
        assertTrue(unionGroups >= 13, "sorted by span, groups of one kind take the union path: " + unionGroups + " of 17");
        float[] b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
        for (float beta : BETAS) {
            for (int i = 0; i < c.length; i++) c[i] = (float) rnd.nextGaussian();
            Case cs = new Case(false, m, n, k, beta, a, b, c);
            checkAgainstOneRowPath(vector, cs, "sorted group");
        }
    }

    @Test
    void narrowCHasTheBitsOfTheOneRowPath() {
        // C narrower than one vector (a read-out of 10 classes) goes L rows at a time with the rows in
        // the lanes, zeros of A included; each row must keep the bits the one-row path gives it
        // (a single row never takes the narrow path), for A and A^T, every beta, a partial last slab
        // (37 rows), K blocks with a ragged end (53, 300), and with 1-3 threads.
        Kernels vector = VectorOrSkip.kernels();
        SplittableRandom rnd = new SplittableRandom(43);
        for (boolean transA : new boolean[] {false, true}) {
            for (int[] shape : new int[][] {{37, 10, 300}, {128, 10, 256}, {40, 1, 53}, {16, 15, 64}, {9, 7, 33}}) {
                int m = shape[0], n = shape[1], k = shape[2];
                float[] a = new float[m * k], b = new float[k * n];
                for (int i = 0; i < a.length; i++) a[i] = rnd.nextDouble() < 0.4 ? (float) rnd.nextGaussian() : 0f;
                for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
                for (float beta : BETAS) {
                    float[] c = new float[m * n];
                    for (int i = 0; i < c.length; i++) c[i] = (float) rnd.nextGaussian();
                    Case cs = new Case(transA, m, n, k, beta, a, b, c);
                    checkAgainstOneRowPath(vector, cs, "narrow C");
                }
            }
        }
    }

    /**
     * cs on the vector kernels, one thread: within rounding of the reference, each row with the bits
     * that the one-row path gives it computed alone (a single row takes neither a group nor a slab),
     * and the same bits on 2 and 3 threads.
     */
    private void checkAgainstOneRowPath(Kernels vector, Case cs, String path) {
        Parallel.setThreads(1);
        float[] all = cs.sparse(vector);
        assertClose(cs, cs.sparse(scalar), all, path + " vs reference");
        int m = cs.m(), n = cs.n(), k = cs.k();
        for (int i = 0; i < m; i++) {
            float[] row = java.util.Arrays.copyOfRange(cs.c(), i * n, (i + 1) * n);
            if (cs.transA()) {
                vector.sparseGemm(true, 1, n, k, cs.a(), i, m, cs.b(), 0, n, cs.beta(), row, 0, n);
            } else {
                vector.sparseGemm(false, 1, n, k, cs.a(), i * k, k, cs.b(), 0, n, cs.beta(), row, 0, n);
            }
            for (int j = 0; j < n; j++) {
                assertEquals(Float.floatToIntBits(row[j]), Float.floatToIntBits(all[i * n + j]), cs.where(i, j) + ": one-row path vs " + path);
            }
        }
        for (int threads : new int[] {2, 3}) {
            Parallel.setThreads(threads);
            Bits.assertSameBits(all, cs.sparse(vector), path + ", " + threads + " threads, " + cs.where(0, 0));
        }
        Parallel.setThreads(1);
    }

    /** The scalar reference, and the vector kernels where the Vector API is present. */
    private java.util.List<Kernels> scalarAndVector() {
        java.util.List<Kernels> all = new java.util.ArrayList<>(java.util.List.of(scalar));
        if (VectorOrSkip.available()) all.add(VectorOrSkip.kernels());
        return all;
    }

    /**
     * A (m, k): picture-like rows (nonzero only in the middle half of the columns, 90% there: the union
     * path) or scattered ones (30% anywhere: the one-row path).
     */
    private static float[] rowsOfA(SplittableRandom rnd, int m, int k, boolean pictureLike) {
        float[] a = new float[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                boolean on = pictureLike ? p >= k / 4 && p < 3 * k / 4 && rnd.nextDouble() < 0.9 : rnd.nextDouble() < 0.3;
                a[i * k + p] = on ? (float) rnd.nextGaussian() : 0f;
            }
        }
        return a;
    }

    @Test
    void fusedEpiloguesGiveTheBitsOfTheSeparateKernels() {
        // sparseLinear with relu = sparseGemm, addRowVector, relu; sparseGemmReluMask = sparseGemm,
        // reluBackward; addRowVectorRelu = addRowVector, relu: bit for bit, in both implementations,
        // on picture-like rows (union path) and scattered ones (one-row path), awkward widths.
        java.util.List<Kernels> all = scalarAndVector();
        SplittableRandom rnd = new SplittableRandom(23);
        for (Kernels kernels : all) {
            for (int m : new int[] {1, 67, 130}) {
                for (int n : new int[] {7, 64, 100, 300}) {
                    for (boolean pictureLike : new boolean[] {true, false}) {
                        int k = 53;
                        float[] a = rowsOfA(rnd, m, k, pictureLike), b = new float[k * n], bias = new float[n], x = new float[m * n];
                        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
                        for (int j = 0; j < n; j++) bias[j] = (float) rnd.nextGaussian();
                        for (int i = 0; i < x.length; i++) x[i] = rnd.nextDouble() < 0.5 ? 0f : (float) rnd.nextGaussian();
                        String where = kernels.name() + " " + m + "x" + n + "x" + k + (pictureLike ? " picture-like" : " scattered");
                        Parallel.setThreads(1 + m % 3);

                        float[] expected = new float[m * n], fused = new float[m * n];
                        kernels.sparseGemm(false, m, n, k, a, 0, k, b, 0, n, 0f, expected, 0, n);
                        kernels.addRowVector(expected, m, n, bias);
                        kernels.relu(expected, expected, m * n);
                        float[] w = new float[n * k];                      // W (N, K) with W^T = b
                        kernels.transpose(b, k, n, w);
                        kernels.sparseLinear(m, n, k, a, w, new float[k * n], bias, true, fused);
                        Bits.assertSameBits(expected, fused, "sparseLinear with relu, " + where);

                        kernels.sparseGemm(false, m, n, k, a, 0, k, b, 0, n, 0f, expected, 0, n);
                        kernels.reluBackward(x, expected, expected, m * n);
                        java.util.Arrays.fill(fused, Float.NaN);                   // beta 0: C is not read
                        kernels.sparseGemmReluMask(m, n, k, a, 0, k, b, 0, n, x, fused, 0, n);
                        Bits.assertSameBits(expected, fused, "sparseGemmReluMask, " + where);

                        float[] y = x.clone(), z = x.clone();
                        kernels.addRowVector(y, m, n, bias);
                        kernels.relu(y, y, m * n);
                        kernels.addRowVectorRelu(z, m, n, bias);
                        Bits.assertSameBits(y, z, "addRowVectorRelu, " + where);
                    }
                }
            }
        }
    }

    @Test
    void sparseLinearGivesTheBitsOfTransposeProductAndBias() {
        // sparseLinear = transpose, sparseGemm (beta 0), addRowVector (then relu): bit for bit, in both
        // implementations, and W^T left in wt. 256 and 300 columns of depth 784 with 2 threads take the
        // column split (each thread transposes and multiplies its own columns, 128 and 172 of 300);
        // 3 threads, 100 columns or depth 53 split the rows. Picture-like rows (union path) and scattered.
        java.util.List<Kernels> all = scalarAndVector();
        SplittableRandom rnd = new SplittableRandom(37);
        for (Kernels kernels : all) {
            for (int[] shape : new int[][] {{128, 256, 784}, {67, 300, 784}, {130, 100, 53}, {1, 256, 784}, {5, 7, 53}}) {
                int m = shape[0], n = shape[1], k = shape[2];
                for (boolean pictureLike : new boolean[] {true, false}) {
                    float[] a = rowsOfA(rnd, m, k, pictureLike), w = new float[n * k], bias = new float[n];
                    for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
                    for (int j = 0; j < n; j++) bias[j] = (float) rnd.nextGaussian();
                    for (int threads : new int[] {1, 2, 3}) {
                        Parallel.setThreads(threads);
                        for (boolean relu : new boolean[] {false, true}) {
                            String where = kernels.name() + " " + m + "x" + n + "x" + k + (pictureLike ? " picture-like" : " scattered")
                                    + " threads " + threads + (relu ? " relu" : "");
                            float[] wtExpected = new float[k * n], expected = new float[m * n];
                            kernels.transpose(w, n, k, wtExpected);
                            kernels.sparseGemm(false, m, n, k, a, 0, k, wtExpected, 0, n, 0f, expected, 0, n);
                            kernels.addRowVector(expected, m, n, bias);
                            if (relu) kernels.relu(expected, expected, m * n);
                            float[] wt = new float[k * n], actual = new float[m * n];
                            java.util.Arrays.fill(actual, Float.NaN);              // overwritten, never read
                            kernels.sparseLinear(m, n, k, a, w, wt, bias, relu, actual);
                            Bits.assertSameBits(wtExpected, wt, "sparseLinear W^T, " + where);
                            Bits.assertSameBits(expected, actual, "sparseLinear, " + where);
                        }
                    }
                }
            }
        }
    }

    @Test
    void vectorFollowsTheZeroTimesNaNConvention() {
        Kernels vector = VectorOrSkip.kernels();
        checkConvention(vector, new float[] {0f, 2f, 1f, 0f}, new float[] {Float.NaN, Float.POSITIVE_INFINITY, 3f, 4f});
        // the same in every lane and in the masked tail: B (3, 300) with a NaN row where A is zero
        Parallel.setThreads(2);
        int m = 130, n = 300, k = 3;
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < m; i++) a[i * k] = a[i * k + 2] = 1f;       // column 1 of A is all zero
        for (int j = 0; j < n; j++) {
            b[j] = 1f;
            b[n + j] = Float.NaN;
            b[2 * n + j] = 2f;
        }
        float[] out = new float[m * n];
        vector.sparseGemm(false, m, n, k, a, 0, k, b, 0, n, 0f, out, 0, n);
        for (float v : out) assertEquals(3f, v);
        float[] aStoredTransposed = new float[k * m];               // the same op(A), stored (K, M)
        scalar.transpose(a, m, k, aStoredTransposed);
        java.util.Arrays.fill(out, Float.NaN);
        vector.sparseGemm(true, m, n, k, aStoredTransposed, 0, m, b, 0, n, 0f, out, 0, n);
        for (float v : out) assertEquals(3f, v);
    }

    @Test
    void vectorCountNonzeroAndTransposeEqualTheReference() {
        Kernels vector = VectorOrSkip.kernels();
        SplittableRandom rnd = new SplittableRandom(14);
        for (int n : new int[] {1, 3, 13, 207, 4099, 70_001}) {
            float[] x = new float[n + 5];
            for (int i = 0; i < x.length; i++) {
                double u = rnd.nextDouble();
                x[i] = u < 0.4 ? 0f : u < 0.45 ? -0f : u < 0.5 ? Float.NaN : (float) rnd.nextGaussian();
            }
            assertEquals(scalar.countNonzero(x, 3, n), vector.countNonzero(x, 3, n), "countNonzero n=" + n);
        }
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int[] rc : new int[][] {{1, 1}, {7, 1}, {1, 7}, {33, 65}, {300, 257}, {256, 784}, {784, 256}}) {
                float[] a = new float[rc[0] * rc[1]];
                for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
                float[] expected = new float[a.length], actual = new float[a.length];
                scalar.transpose(a, rc[0], rc[1], expected);
                vector.transpose(a, rc[0], rc[1], actual);
                assertTrue(java.util.Arrays.equals(expected, actual), "transpose " + rc[0] + "x" + rc[1] + ", " + threads + " threads");
            }
        }
    }
}
