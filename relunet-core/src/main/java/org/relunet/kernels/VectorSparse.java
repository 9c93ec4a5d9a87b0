package org.relunet.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD GEMM that skips the exact zeros of its left operand, and its helpers (count the nonzeros,
 * transpose). Must equal {@link ScalarKernels#sparseGemm}, {@link ScalarKernels#countNonzero} and
 * {@link ScalarKernels#transpose} within rounding. Legend: see {@link Kernels}.
 * <pre>
 *   C (M, N) = beta * C + sum over p with op(A)[i][p] != 0 of op(A)[i][p] * B[p][:]
 *   op(A) (M, K)   B (K, N) row-major   C (M, N)
 * </pre>
 * One row of C at a time: the nonzeros of row i of op(A) are gathered into a list (index p, value)
 * with a vector compress ({@code vcompressps} on AVX-512), then C[i][j0 : j0 + 16 vectors] stays
 * in 16 register accumulators while the list is walked, acc += value * B[p][j0 : ...]: 16 loads
 * and 16 FMAs per nonzero, no stores until the end. N is covered in chunks of 16 vectors, then
 * single vectors, then one masked vector. Rows of C are split into contiguous ranges, a few per
 * thread, taken as threads come free; each row is summed by one task in increasing p, so the bits
 * do not depend on the thread count.
 *
 * <p>Why rows of C and not a dense tile: a register tile of several rows of C would share the loads
 * of B only where those rows are nonzero together, which for ReLU patterns is rarely.
 */
final class VectorSparse {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
    /** Columns of C held in registers: 16 accumulators of L floats (256 at 512 bits). */
    static final int CHUNK = 16 * L;
    /** Tasks per thread when rows are shared out. */
    private static final int TASKS_PER_THREAD = 4;
    /** Below this many multiply-adds (M*N*K) a call runs on the calling thread alone. */
    private static final long PARALLEL_MIN = 1L << 16;

    private VectorSparse() {}

    /** Rows of B per K block: a block of B one chunk wide (KB x CHUNK floats, 32 KB) stays in L1. */
    static final int KB = 32;

    /** Per-thread nonzero lists and the transposed rows of A, grown to the largest size asked for and then reused. */
    private static final class Workspace {
        int[] index = new int[0];
        float[] value = new float[0];
        int[] start = new int[1], cursor = new int[1];
        float[] rowsOfA = new float[0];
        final float[][] tiles = {new float[L * L], new float[L * L]};

        void ensure(int size, int rows) {
            if (index.length < size) {
                index = new int[size];
                value = new float[size];
            }
            if (start.length < rows + 1) {
                start = new int[rows + 1];
                cursor = new int[rows + 1];
            }
        }

        float[] rowsOfA(int size) {
            if (rowsOfA.length < size) rowsOfA = new float[size];
            return rowsOfA;
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    static void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        // Rows hold different numbers of nonzeros, so equal row ranges per thread leave one waiting:
        // more tasks than threads, taken as threads come free. Each row is still summed by one task
        // in one order, so the bits do not depend on the split.
        int threads = Parallel.threads();
        int tasks = (long) m * n * k < PARALLEL_MIN || threads == 1 ? 1 : Math.min(TASKS_PER_THREAD * threads, Math.max(1, m / 8));
        if (tasks == 1) {
            rows(transA, 0, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Parallel.forEach(tasks, t -> rows(transA, (int) ((long) m * t / tasks), (int) ((long) m * (t + 1) / tasks),
                n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
    }

    /** Rows [i0, i1) of C. */
    private static void rows(boolean transA, int i0, int i1, int n, int k, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WORKSPACE.get();
        int rows = i1 - i0;
        ws.ensure(rows * k + L, rows);                        // compress stores whole vectors
        int[] index = ws.index, start = ws.start, cursor = ws.cursor;
        float[] value = ws.value;
        float[] rowsOfA = a;                                  // op(A) rows [i0, i1), row i at rowsOfA[aRow + (i - i0) * stride]
        int aRow = aOff + i0 * lda, stride = lda;
        if (transA) {
            // A is stored (K, M): reading a column of it element by element touched a cache line per
            // element (measured 2x slower for the dW shape 256x256x128); a blocked transpose of this
            // thread's columns into (i1 - i0, K) makes the rows contiguous for the vector compress.
            rowsOfA = ws.rowsOfA((i1 - i0) * k);
            transposeBlock(a, aOff + i0, lda, k, i1 - i0, rowsOfA, 0, k);
            aRow = 0;
            stride = k;
        }
        start[0] = 0;                                         // row r's list: [start[r], start[r + 1])
        for (int r = 0; r < rows; r++) start[r + 1] = start[r] + nonzeros(rowsOfA, aRow + r * stride, k, index, value, start[r]);
        // Column chunks of C, then K blocks, then rows: the B block of a chunk stays in L1 while every
        // row walks its nonzeros in that block; C is loaded and stored once per block (beta after the first).
        for (int j = 0; j < n; ) {
            int width = j + CHUNK <= n ? CHUNK : L;
            System.arraycopy(start, 0, cursor, 0, rows);
            for (int p0 = 0; p0 < k; p0 += KB) {
                int pEnd = Math.min(k, p0 + KB);
                float blockBeta = p0 == 0 ? beta : 1f;
                for (int r = 0; r < rows; r++) {
                    int q0 = cursor[r], q1 = q0;
                    while (q1 < start[r + 1] && index[q1] < pEnd) q1++;
                    cursor[r] = q1;
                    int ci = cOff + (i0 + r) * ldc + j;
                    if (width == CHUNK) {
                        chunk(q0, q1, index, value, b, bOff + j, ldb, blockBeta, c, ci);
                    } else {
                        column(q0, q1, index, value, b, bOff + j, ldb, blockBeta, c, ci, S.indexInRange(j, n));
                    }
                }
            }
            j += width;
        }
    }

    /** Lists the nonzeros of a[off .. off+k) from list position at: index[at + q] = p, value[at + q] = a[off + p]; returns their count. */
    private static int nonzeros(float[] a, int off, int k, int[] index, float[] value, int at) {
        IntVector lanes = IntVector.zero(IS).addIndex(1);    // 0, 1, ..., L-1
        int count = at, p = 0;
        for (int bound = S.loopBound(k); p < bound; p += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + p);
            VectorMask<Float> nonzero = v.compare(VectorOperators.NE, 0f);
            if (!nonzero.anyTrue()) continue;                 // common in image borders
            v.compress(nonzero).intoArray(value, count);
            lanes.add(p).compress(nonzero.cast(IS)).intoArray(index, count);
            count += nonzero.trueCount();
        }
        for (; p < k; p++) count = append(a[off + p], p, index, value, count);
        return count - at;
    }

    /** Writes (p, v) at count and advances count only when v != 0: no branch to mispredict. */
    private static int append(float v, int p, int[] index, float[] value, int count) {
        index[count] = p;
        value[count] = v;
        return count + (v != 0f ? 1 : 0);
    }

    /** C[0 : 16 vectors] (at c[ci]) = beta * C + sum over list entries [q0, q1) of value * B[index][0 : 16 vectors]. */
    private static void chunk(int q0, int q1, int[] index, float[] value, float[] b, int bOff, int ldb,
                              float beta, float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        FloatVector c8 = FloatVector.zero(S), c9 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S), c13 = FloatVector.zero(S), c14 = FloatVector.zero(S), c15 = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) {
            FloatVector v = FloatVector.broadcast(S, value[q]);
            int r = bOff + index[q] * ldb;
            c0 = v.fma(FloatVector.fromArray(S, b, r), c0);
            c1 = v.fma(FloatVector.fromArray(S, b, r + L), c1);
            c2 = v.fma(FloatVector.fromArray(S, b, r + 2 * L), c2);
            c3 = v.fma(FloatVector.fromArray(S, b, r + 3 * L), c3);
            c4 = v.fma(FloatVector.fromArray(S, b, r + 4 * L), c4);
            c5 = v.fma(FloatVector.fromArray(S, b, r + 5 * L), c5);
            c6 = v.fma(FloatVector.fromArray(S, b, r + 6 * L), c6);
            c7 = v.fma(FloatVector.fromArray(S, b, r + 7 * L), c7);
            c8 = v.fma(FloatVector.fromArray(S, b, r + 8 * L), c8);
            c9 = v.fma(FloatVector.fromArray(S, b, r + 9 * L), c9);
            c10 = v.fma(FloatVector.fromArray(S, b, r + 10 * L), c10);
            c11 = v.fma(FloatVector.fromArray(S, b, r + 11 * L), c11);
            c12 = v.fma(FloatVector.fromArray(S, b, r + 12 * L), c12);
            c13 = v.fma(FloatVector.fromArray(S, b, r + 13 * L), c13);
            c14 = v.fma(FloatVector.fromArray(S, b, r + 14 * L), c14);
            c15 = v.fma(FloatVector.fromArray(S, b, r + 15 * L), c15);
        }
        // Written out, not a loop over an array of vectors: the accumulators must stay in
        // registers (a vector kept in an array or passed to a helper that does not inline is boxed).
        if (beta == 0f) {
            c0.intoArray(c, ci); c1.intoArray(c, ci + L); c2.intoArray(c, ci + 2 * L); c3.intoArray(c, ci + 3 * L);
            c4.intoArray(c, ci + 4 * L); c5.intoArray(c, ci + 5 * L); c6.intoArray(c, ci + 6 * L); c7.intoArray(c, ci + 7 * L);
            c8.intoArray(c, ci + 8 * L); c9.intoArray(c, ci + 9 * L); c10.intoArray(c, ci + 10 * L); c11.intoArray(c, ci + 11 * L);
            c12.intoArray(c, ci + 12 * L); c13.intoArray(c, ci + 13 * L); c14.intoArray(c, ci + 14 * L); c15.intoArray(c, ci + 15 * L);
        } else {
            // fma(C, beta, acc): with beta == 1 this is C + acc rounded once, as an add would be
            FloatVector vb = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, ci).fma(vb, c0).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + L).fma(vb, c1).intoArray(c, ci + L);
            FloatVector.fromArray(S, c, ci + 2 * L).fma(vb, c2).intoArray(c, ci + 2 * L);
            FloatVector.fromArray(S, c, ci + 3 * L).fma(vb, c3).intoArray(c, ci + 3 * L);
            FloatVector.fromArray(S, c, ci + 4 * L).fma(vb, c4).intoArray(c, ci + 4 * L);
            FloatVector.fromArray(S, c, ci + 5 * L).fma(vb, c5).intoArray(c, ci + 5 * L);
            FloatVector.fromArray(S, c, ci + 6 * L).fma(vb, c6).intoArray(c, ci + 6 * L);
            FloatVector.fromArray(S, c, ci + 7 * L).fma(vb, c7).intoArray(c, ci + 7 * L);
            FloatVector.fromArray(S, c, ci + 8 * L).fma(vb, c8).intoArray(c, ci + 8 * L);
            FloatVector.fromArray(S, c, ci + 9 * L).fma(vb, c9).intoArray(c, ci + 9 * L);
            FloatVector.fromArray(S, c, ci + 10 * L).fma(vb, c10).intoArray(c, ci + 10 * L);
            FloatVector.fromArray(S, c, ci + 11 * L).fma(vb, c11).intoArray(c, ci + 11 * L);
            FloatVector.fromArray(S, c, ci + 12 * L).fma(vb, c12).intoArray(c, ci + 12 * L);
            FloatVector.fromArray(S, c, ci + 13 * L).fma(vb, c13).intoArray(c, ci + 13 * L);
            FloatVector.fromArray(S, c, ci + 14 * L).fma(vb, c14).intoArray(c, ci + 14 * L);
            FloatVector.fromArray(S, c, ci + 15 * L).fma(vb, c15).intoArray(c, ci + 15 * L);
        }
    }

    /** One vector of C (the lanes in {@code lanes}) = beta * C + sum over list entries [q0, q1) of value * B[index][lanes]. */
    private static void column(int q0, int q1, int[] index, float[] value, float[] b, int bOff, int ldb,
                               float beta, float[] c, int ci, VectorMask<Float> lanes) {
        FloatVector acc = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) {
            acc = FloatVector.broadcast(S, value[q]).fma(FloatVector.fromArray(S, b, bOff + index[q] * ldb, lanes), acc);
        }
        if (beta != 0f) {                                     // stores in both branches: no vector phi to box
            FloatVector.fromArray(S, c, ci, lanes).fma(FloatVector.broadcast(S, beta), acc).intoArray(c, ci, lanes);
        } else {
            acc.intoArray(c, ci, lanes);
        }
    }

    // ---------------------------------------------------------------- helpers

    static int countNonzero(float[] x, int off, int n) {
        int count = 0, i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            count += FloatVector.fromArray(S, x, off + i).compare(VectorOperators.NE, 0f).trueCount();
        }
        for (; i < n; i++) if (x[off + i] != 0f) count++;
        return count;
    }

    /** Square tiles of the blocked transpose: a tile of a and of out both stay in L1. */
    private static final int TILE = 32;

    static void transpose(float[] a, int rows, int cols, float[] out) {
        // Tiles of rows are split across threads when the matrix is large.
        int tiles = (rows + TILE - 1) / TILE;
        int tasks = (long) rows * cols < PARALLEL_MIN ? 1 : Math.min(Parallel.threads(), tiles);
        if (tasks == 1) {
            transposeBlock(a, 0, cols, rows, cols, out, 0, rows);
            return;
        }
        Parallel.forEach(tasks, t -> {
            int r0 = Math.min(rows, (int) ((long) tiles * t / tasks) * TILE);
            int r1 = Math.min(rows, (int) ((long) tiles * (t + 1) / tasks) * TILE);
            transposeBlock(a, r0 * cols, cols, r1 - r0, cols, out, r0, rows);
        });
    }

    /**
     * The (rows, cols) block of a at a[off] (leading dimension lda), transposed into out at
     * out[outOff] (leading dimension ldo): out[outOff + j*ldo + r] = a[off + r*lda + j]. Blocked,
     * scalar: a copy, so it equals the reference bit for bit.
     */
    private static void transposeBlock(float[] a, int off, int lda, int rows, int cols, float[] out, int outOff, int ldo) {
        int fullRows = rows / L * L, fullCols = cols / L * L;
        if (fullRows > 0 && fullCols > 0) {
            float[][] buf = WORKSPACE.get().tiles;
            for (int rt = 0; rt < fullRows; rt += L) {
                for (int jt = 0; jt < fullCols; jt += L) transposeTile(a, off + rt * lda + jt, lda, out, outOff + jt * ldo + rt, ldo, buf);
            }
        }
        // the ragged edges: the columns right of the tiles (all rows), then the rows below them
        if (fullCols < cols) transposeScalar(a, off + fullCols, lda, rows, cols - fullCols, out, outOff + fullCols * ldo, ldo);
        if (fullRows < rows && fullCols > 0) {
            transposeScalar(a, off + fullRows * lda, lda, rows - fullRows, fullCols, out, outOff + fullRows, ldo);
        }
    }

    /**
     * One L x L tile, out[j][r] = a[r][j], in log2(L) butterfly stages staged through two small
     * buffers: stage h (L/2, L/4, ..., 1) swaps the off-diagonal h x h blocks of each 2h x 2h block,
     * a two-vector rearrange per row pair (row i gets lanes j & h == 0 of row i and of row i + h
     * shifted up; row i + h the rest). A copy: the bits equal the reference's.
     */
    private static void transposeTile(float[] a, int off, int lda, float[] out, int outOff, int ldo, float[][] buf) {
        float[] src = a;
        int srcOff = off, srcStride = lda;
        for (int stage = 0; stage < LO.length; stage++) {
            int h = L >> (stage + 1);
            boolean last = stage == LO.length - 1;
            float[] dst = last ? out : buf[stage & 1];
            int dstOff = last ? outOff : 0, dstStride = last ? ldo : L;
            for (int i = 0; i < L; i++) {
                if ((i & h) != 0) continue;
                FloatVector x = FloatVector.fromArray(S, src, srcOff + i * srcStride);
                FloatVector y = FloatVector.fromArray(S, src, srcOff + (i + h) * srcStride);
                x.rearrange(LO[stage], y).intoArray(dst, dstOff + i * dstStride);
                x.rearrange(HI[stage], y).intoArray(dst, dstOff + (i + h) * dstStride);
            }
            src = dst;
            srcOff = 0;
            srcStride = L;
        }
    }

    /** The butterfly shuffles of {@link #transposeTile}, stage s swapping blocks of h = L >> (s + 1) lanes. */
    private static final VectorShuffle<Float>[] LO = butterflies(true), HI = butterflies(false);

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] butterflies(boolean low) {
        int stages = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] out = new VectorShuffle[stages];
        for (int stage = 0; stage < stages; stage++) {
            int h = L >> (stage + 1);
            int[] idx = new int[L];                            // negative: lane of the second vector, + L
            for (int j = 0; j < L; j++) {
                idx[j] = low ? ((j & h) == 0 ? j : j - h - L) : ((j & h) == 0 ? j + h : j - L);
            }
            out[stage] = VectorShuffle.fromArray(S, idx, 0);
        }
        return out;
    }

    private static void transposeScalar(float[] a, int off, int lda, int rows, int cols, float[] out, int outOff, int ldo) {
        for (int rt = 0; rt < rows; rt += TILE) {
            int rEnd = Math.min(rows, rt + TILE);
            for (int jt = 0; jt < cols; jt += TILE) {
                int jEnd = Math.min(cols, jt + TILE);
                for (int j = jt; j < jEnd; j++) {
                    int o = outOff + j * ldo;
                    for (int r = rt; r < rEnd; r++) out[o + r] = a[off + r * lda + j];
                }
            }
        }
    }
}
