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
 * single vectors, then one masked vector. Rows of C are split into contiguous ranges of whole
 * groups, a few per thread, each thread taking its own block first and stealing the rest when it
 * comes free; each row is summed by one task in increasing p, so the bits do not depend on the
 * thread count.
 *
 * <p>Why rows of C and not a dense tile: a register tile of several rows of C shares the loads of B
 * only where those rows are nonzero together, which for ReLU patterns is rarely. For pixels it is
 * often (the background is zero in every picture), so rows go in groups of {@link #GROUP}: a group
 * whose union of nonzero columns is small enough takes the union path, a 4 x 64 register tile
 * walking the union list (4 loads of B and 4 broadcasts per 16 FMAs, against 16 loads per 16 FMAs
 * one row at a time); it does the multiply-adds of the union for all four rows, including the zero
 * ones, at about twice the rate. Measured on W1's first layer (128 pictures x 784 pixels, density
 * 0.485, union of 4 rows 0.763), one thread: 0.51 ms one row at a time, 0.42 ms in groups. A group
 * is four rows of similar support ({@link #groupOrder}: sorted by the span of their nonzeros), not
 * four neighbours in the batch: unions of 0.64 instead of 0.79 on real batches. The union
 * path sums in the same K blocks as the one-row path and a zero of A adds 0 * B = +-0, which changes
 * no sum, so a row gets the same bits on either path (tested): the grouping never shows in the
 * result, nor does the thread count. The one exception is Inf or NaN in B: the union path multiplies
 * a zero of A by B where another row of its group is nonzero, and gives NaN there, as the dense GEMM
 * does; so does the narrow path (C narrower than a vector) where another row of its slab is nonzero.
 */
final class VectorSparse {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();
    /** Columns of C held in registers: 16 accumulators of L floats (256 at 512 bits). */
    static final int CHUNK = 16 * L;
    /**
     * Weights (N * K) from which {@link #linear} splits by columns: W1's first layer (784 x 256, 800 KB)
     * does; its second (256 x 256) does not. There the duplicated nonzero lists and half-width chunks
     * cost more than they save (fast periods: 0.077 -> 0.11 ms at 2 threads); on the first layer the
     * column split measured the same as the row split in fast periods.
     */
    private static final long COLUMN_SPLIT_MIN = 1L << 17;
    /** Half a chunk (8 accumulators): one thread's share of a 256-wide layer split by columns. */
    static final int HALF_CHUNK = CHUNK / 2;
    /** Tasks per thread when rows are shared out. */
    private static final int TASKS_PER_THREAD = 4;
    /** Below this many multiply-adds (M*N*K) a call runs on the calling thread alone. */
    private static final long PARALLEL_MIN = 1L << 16;

    private VectorSparse() {}

    /** Rows of C per group of the union path; tasks are made of whole groups. */
    static final int GROUP = 4;
    /**
     * The union path does multiply-adds about this many times faster than the one-row path (measured
     * 1.9x on W1's first layer); a group takes it when GROUP * union < UNION_RATE * (sum of its rows' nonzeros).
     */
    private static final int UNION_RATE = 2;

    /** Rows of B per K block: a block of B one chunk wide (KB x CHUNK floats, 32 KB) stays in L1. */
    static final int KB = 32;

    /** Per-thread nonzero lists and the transposed rows of A, grown to the largest size asked for and then reused. */
    private static final class Workspace {
        int[] index = new int[0];
        float[] value = new float[0];
        int[] start = new int[1], cursor = new int[1];
        float[] rowsOfA = new float[0];
        int[] singleRows = new int[0], order = new int[0];
        long[] keys = new long[0];
        int[] unionIndex = new int[0];
        float[][] unionValues = new float[GROUP][0];
        final float[][] tiles = {new float[L * L], new float[L * L]};
        float[] slabOfA = new float[0];                            // narrow path: (K, L)
        final float[] totals = new float[L * L], slabOfC = new float[L * L], slabRows = new float[L * L];

        void ensureNarrow(int k) {
            if (slabOfA.length < k * L) slabOfA = new float[k * L];
        }

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

        int[] singleRows(int rows) {
            if (singleRows.length < rows) {
                singleRows = new int[rows];
                order = new int[rows];
                keys = new long[rows];
            }
            return singleRows;
        }

        /** Grows the union lists to hold k entries (plus the whole vector a compress stores). */
        void ensureUnion(int k) {
            if (unionIndex.length < k + L) {
                unionIndex = new int[k + L];
                for (int g = 0; g < GROUP; g++) unionValues[g] = new float[k + L];
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
        gemm(transA, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
    }

    /**
     * As above, then C = 0 where mask <= 0 (mask has C's layout) on each block of C while it is in L1,
     * when mask is not null: an input gradient through the ReLU before. Not with transA.
     */
    static void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, float[] mask) {
        if (m <= 0 || n <= 0) return;
        byRows(transA, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, false, mask);
    }

    /** Whether an M x N x K product runs on the calling thread alone. */
    private static boolean oneThread(int m, int n, int k) {
        return (long) m * n * k < PARALLEL_MIN || Parallel.threads() == 1;
    }

    /**
     * The product split by rows of C. Rows hold different numbers of nonzeros, so equal row ranges per
     * thread leave one waiting: more tasks than threads, stolen by a thread that comes free. Each row
     * is still summed by one task in one order, so the bits do not depend on the split.
     */
    private static void byRows(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                               float[] bias, boolean relu, float[] mask) {
        if (oneThread(m, n, k)) {
            rows(transA, 0, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, bias, 0, relu, mask);
            return;
        }
        // whole groups per task (whole slabs of L rows for the narrow path, which computes L rows at once)
        int unit = n < L && m >= NARROW_MIN_ROWS ? L : GROUP, groups = (m + unit - 1) / unit;
        int tasks = Math.min(Math.min(TASKS_PER_THREAD * Parallel.threads(), Math.max(1, m / 8)), groups);
        Parallel.forEach(tasks, t -> rows(transA, unit * (int) ((long) groups * t / tasks),
                Math.min(m, unit * (int) ((long) groups * (t + 1) / tasks)), n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                bias, 0, relu, mask));
    }

    /**
     * {@link Kernels#sparseLinear}: C (M, N) = A (M, K) W^T + bias (then max(., 0) when relu) over the
     * nonzeros of A, W stored (N, K), W^T (K, N) written into wt on the way.
     *
     * <p>With two or more threads and at least HALF_CHUNK columns each, the threads split the columns,
     * not the rows: each transposes the rows of W for its columns and multiplies all of A by them.
     * W and W^T then never pass between the cores. The optimiser updates W in the same contiguous
     * halves, on the same threads (task ownership, see Parallel), and each core reads back only what
     * it wrote. Split by rows, each core read all of W^T, half of it written by the other core:
     * 800 KB per step for W1's first layer. On this VM a cache line takes ~330 ns between the cores
     * in some periods (CoreLink). Each thread lists the nonzeros of every row of A itself (a few
     * microseconds). Each element of C is summed the same way in either split (same K blocks, same
     * order of nonzeros), so the bits do not depend on it.
     */
    static void linear(int m, int n, int k, float[] a, float[] w, float[] wt, float[] bias, boolean relu, float[] c) {
        if (m <= 0 || n <= 0) return;
        int threads = Parallel.threads(), blocks = n / HALF_CHUNK;
        if (oneThread(m, n, k) || blocks < threads || (long) n * k < COLUMN_SPLIT_MIN) {
            transpose(w, n, k, wt);
            byRows(false, m, n, k, a, 0, k, wt, 0, n, 0f, c, 0, n, bias, relu, null);
            return;
        }
        Parallel.forEach(threads, t -> {
            int j0 = (int) ((long) blocks * t / threads) * HALF_CHUNK;
            int j1 = t == threads - 1 ? n : (int) ((long) blocks * (t + 1) / threads) * HALF_CHUNK;
            transposeBlock(w, j0 * k, k, j1 - j0, k, wt, j0, n);
            rows(false, 0, m, j1 - j0, k, a, 0, k, wt, j0, n, 0f, c, j0, n, bias, j0, relu, null);
        });
    }

    /** Rows [i0, i1) of C; the epilogue's bias for column j of C is bias[biasOff + j]. */
    private static void rows(boolean transA, int i0, int i1, int n, int k, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                             float[] bias, int biasOff, boolean relu, float[] mask) {
        Workspace ws = WORKSPACE.get();
        int rows = i1 - i0;
        if (n < L && L == 16 && rows >= NARROW_MIN_ROWS) {    // no nonzero lists, and A read as stored
            narrow(ws, transA, i0, i1, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, bias, biasOff, relu, mask);
            return;
        }
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
        // Groups of GROUP rows whose nonzeros mostly coincide go the union path now; the others are
        // listed for the one-row path below
        int[] single = ws.singleRows(rows);
        int singles = unionGroups(ws, transA, i0, rows, n, k, rowsOfA, aRow, stride, b, bOff, ldb, beta, c, cOff, ldc, bias, biasOff, relu, mask);
        start[0] = 0;                                         // list s (row single[s]): [start[s], start[s + 1])
        for (int s = 0; s < singles; s++) start[s + 1] = start[s] + nonzeros(rowsOfA, aRow + single[s] * stride, k, index, value, start[s]);
        // Column chunks of C, then K blocks, then rows: the B block of a chunk stays in L1 while every
        // row walks its nonzeros in that block; C is loaded and stored once per block (beta after the first).
        for (int j = 0; j < n && singles > 0; ) {
            int width = j + CHUNK <= n ? CHUNK : j + HALF_CHUNK <= n ? HALF_CHUNK : L;
            System.arraycopy(start, 0, cursor, 0, singles);
            for (int p0 = 0; p0 < k; p0 += KB) {
                int pEnd = Math.min(k, p0 + KB);
                float blockBeta = p0 == 0 ? beta : 1f;
                for (int s = 0; s < singles; s++) {
                    int q0 = cursor[s], q1 = q0;
                    while (q1 < start[s + 1] && index[q1] < pEnd) q1++;
                    cursor[s] = q1;
                    int ci = cOff + (i0 + single[s]) * ldc + j;
                    if (width == CHUNK) {
                        chunk(q0, q1, index, value, b, bOff + j, ldb, blockBeta, c, ci);
                    } else if (width == HALF_CHUNK) {
                        halfChunk(q0, q1, index, value, b, bOff + j, ldb, blockBeta, c, ci);
                    } else {
                        column(q0, q1, index, value, b, bOff + j, ldb, blockBeta, c, ci, j, n);
                    }
                }
            }
            if (bias != null || mask != null) {                 // C[j : j + width] of these rows is final and in L1
                for (int s = 0; s < singles; s++) {
                    epilogue(c, cOff + (i0 + single[s]) * ldc, j, Math.min(n, j + width), bias, biasOff, relu, mask);
                }
            }
            j += width;
        }
    }

    /** Rows from which a C narrower than one vector takes {@link #narrow}. */
    static final int NARROW_MIN_ROWS = 8;

    /**
     * Rows [i0, i1) of a C narrower than one vector (n < L; a read-out of 10 classes), L rows at a
     * time with the rows in the lanes: the slab of op(A) is laid out (K, L) (a transpose of A, or
     * for transA a copy of A's rows as stored), and accumulator j holds column j of C for the L
     * rows. Per p: one load of A, L broadcasts of B[p][j] and L FMAs, no nonzero lists, no masked loads. The zeros of A are
     * multiplied too (0 * B = +-0 changes no sum), and the sums run over the same K blocks of KB, in
     * increasing p, each block's sum added to C as {@link #column} adds it: the bits of the one-row
     * path (tested), which took 33 us for W1's read-out (128 x 256 -> 10, one thread), its time
     * also varying 2x with how C2 compiled {@link #rows}. A column p of A that is zero in all L rows
     * is skipped; where only some rows are zero, an Inf or NaN in B[p] gives NaN in them, as on the
     * union path.
     */
    private static void narrow(Workspace ws, boolean transA, int i0, int i1, int n, int k, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                               float[] bias, int biasOff, boolean relu, float[] mask) {
        ws.ensureNarrow(k);
        float[] at = ws.slabOfA, totals = ws.totals, ct = ws.slabOfC, out = ws.slabRows;
        for (int r0 = i0; r0 < i1; r0 += L) {
            int slab = Math.min(L, i1 - r0);
            if (slab < L) java.util.Arrays.fill(at, 0, k * L, 0f);
            if (transA) {                                                         // at[p][r] = op(A)[r0 + r][p]
                for (int p = 0; p < k; p++) System.arraycopy(a, aOff + p * lda + r0, at, p * L, slab);   // A (K, M): rows as stored
            } else {
                transposeBlock(a, aOff + r0 * lda, lda, slab, k, at, 0, L);
            }
            if (beta != 0f) {                                                     // ct[j][r] = C[r0 + r][j]
                java.util.Arrays.fill(ct, 0f);
                transposeBlock(c, cOff + r0 * ldc, ldc, slab, n, ct, 0, L);
            }
            for (int p0 = 0; p0 < k; p0 += KB) {
                narrowBlock(at, b, bOff, ldb, n, p0, Math.min(k, p0 + KB), p0 == 0 ? beta : 1f, p0 == 0, ct, totals);
            }
            transposeTile16(totals, 0, L, out, 0, L);                                  // out[r][j] = totals[j][r]
            for (int r = 0; r < slab; r++) {
                int ci = cOff + (r0 + r) * ldc;
                System.arraycopy(out, r * L, c, ci, n);
                if (bias != null || mask != null) epilogue(c, ci, 0, n, bias, biasOff, relu, mask);
            }
        }
    }

    /**
     * One K block [p0, p1) of {@link #narrow}: acc[j] = sum over p of at[p][:] * B[p][j], then
     * totals[j] = fma(ct[j], beta, acc[j]) (acc[j] alone when beta == 0) for the first block,
     * totals[j] + acc[j] for the others: what {@link #column} stores for each row. Accumulators
     * j >= n read B[p][n - 1] (inside the array) and are dropped by the caller.
     */
    private static void narrowBlock(float[] at, float[] b, int bOff, int ldb, int n, int p0, int p1, float beta, boolean first,
                                    float[] ct, float[] totals) {
        int e = n - 1;
        int o1 = Math.min(1, e), o2 = Math.min(2, e), o3 = Math.min(3, e), o4 = Math.min(4, e), o5 = Math.min(5, e);
        int o6 = Math.min(6, e), o7 = Math.min(7, e), o8 = Math.min(8, e), o9 = Math.min(9, e), o10 = Math.min(10, e);
        int o11 = Math.min(11, e), o12 = Math.min(12, e), o13 = Math.min(13, e), o14 = Math.min(14, e), o15 = Math.min(15, e);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (int p = p0; p < p1; p++) {
            FloatVector x = FloatVector.fromArray(S, at, p * L);
            if (!x.compare(VectorOperators.NE, 0f).anyTrue()) continue;    // column p zero in every row (image borders)
            int q = bOff + p * ldb;
            c0 = x.fma(FloatVector.broadcast(S, b[q]), c0);
            c1 = x.fma(FloatVector.broadcast(S, b[q + o1]), c1);
            c2 = x.fma(FloatVector.broadcast(S, b[q + o2]), c2);
            c3 = x.fma(FloatVector.broadcast(S, b[q + o3]), c3);
            c4 = x.fma(FloatVector.broadcast(S, b[q + o4]), c4);
            c5 = x.fma(FloatVector.broadcast(S, b[q + o5]), c5);
            c6 = x.fma(FloatVector.broadcast(S, b[q + o6]), c6);
            c7 = x.fma(FloatVector.broadcast(S, b[q + o7]), c7);
            c8 = x.fma(FloatVector.broadcast(S, b[q + o8]), c8);
            c9 = x.fma(FloatVector.broadcast(S, b[q + o9]), c9);
            c10 = x.fma(FloatVector.broadcast(S, b[q + o10]), c10);
            c11 = x.fma(FloatVector.broadcast(S, b[q + o11]), c11);
            c12 = x.fma(FloatVector.broadcast(S, b[q + o12]), c12);
            c13 = x.fma(FloatVector.broadcast(S, b[q + o13]), c13);
            c14 = x.fma(FloatVector.broadcast(S, b[q + o14]), c14);
            c15 = x.fma(FloatVector.broadcast(S, b[q + o15]), c15);
        }
        // Written out, as in chunk: the accumulators must stay in registers.
        if (first && beta == 0f) {
            c0.intoArray(totals, 0); c1.intoArray(totals, L); c2.intoArray(totals, 2 * L); c3.intoArray(totals, 3 * L);
            c4.intoArray(totals, 4 * L); c5.intoArray(totals, 5 * L); c6.intoArray(totals, 6 * L); c7.intoArray(totals, 7 * L);
            c8.intoArray(totals, 8 * L); c9.intoArray(totals, 9 * L); c10.intoArray(totals, 10 * L); c11.intoArray(totals, 11 * L);
            c12.intoArray(totals, 12 * L); c13.intoArray(totals, 13 * L); c14.intoArray(totals, 14 * L); c15.intoArray(totals, 15 * L);
        } else {
            // fma(C, beta, acc) as column does; later blocks have beta 1: C + acc rounded once
            float[] from = first ? ct : totals;
            FloatVector vb = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, from, 0).fma(vb, c0).intoArray(totals, 0);
            FloatVector.fromArray(S, from, L).fma(vb, c1).intoArray(totals, L);
            FloatVector.fromArray(S, from, 2 * L).fma(vb, c2).intoArray(totals, 2 * L);
            FloatVector.fromArray(S, from, 3 * L).fma(vb, c3).intoArray(totals, 3 * L);
            FloatVector.fromArray(S, from, 4 * L).fma(vb, c4).intoArray(totals, 4 * L);
            FloatVector.fromArray(S, from, 5 * L).fma(vb, c5).intoArray(totals, 5 * L);
            FloatVector.fromArray(S, from, 6 * L).fma(vb, c6).intoArray(totals, 6 * L);
            FloatVector.fromArray(S, from, 7 * L).fma(vb, c7).intoArray(totals, 7 * L);
            FloatVector.fromArray(S, from, 8 * L).fma(vb, c8).intoArray(totals, 8 * L);
            FloatVector.fromArray(S, from, 9 * L).fma(vb, c9).intoArray(totals, 9 * L);
            FloatVector.fromArray(S, from, 10 * L).fma(vb, c10).intoArray(totals, 10 * L);
            FloatVector.fromArray(S, from, 11 * L).fma(vb, c11).intoArray(totals, 11 * L);
            FloatVector.fromArray(S, from, 12 * L).fma(vb, c12).intoArray(totals, 12 * L);
            FloatVector.fromArray(S, from, 13 * L).fma(vb, c13).intoArray(totals, 13 * L);
            FloatVector.fromArray(S, from, 14 * L).fma(vb, c14).intoArray(totals, 14 * L);
            FloatVector.fromArray(S, from, 15 * L).fma(vb, c15).intoArray(totals, 15 * L);
        }
    }

    /**
     * The union path for the groups of rows [i0, i0 + rows) that take it: when C is at least one
     * register tile wide (for narrower C the union path does four rows' multiply-adds per load of B,
     * not faster than one row's). The other rows are listed in ws.singleRows for the one-row path;
     * returns their count. The groups are made of rows in groupOrder, similar rows together; a row's
     * bits do not depend on its group.
     */
    private static int unionGroups(Workspace ws, boolean transA, int i0, int rows, int n, int k, float[] rowsOfA, int aRow, int stride,
                                   float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                                   float[] bias, int biasOff, boolean relu, float[] mask) {
        int[] single = ws.singleRows, order = ws.order;
        int singles = 0;
        boolean tiles = n >= 4 * L;
        // Sorting pays where A is a layer input that may be pictures; with transA or a mask A is a
        // gradient, whose zeros are a ReLU's, scattered (3-4 us per product on W1's for nothing).
        if (tiles && !transA && mask == null) {
            groupOrder(rowsOfA, aRow, stride, rows, k, ws.keys, order);
        } else {
            for (int r = 0; r < rows; r++) order[r] = r;
        }
        for (int g = 0; g < rows; g += GROUP) {
            int gEnd = Math.min(rows, g + GROUP);
            if (gEnd - g == GROUP && tiles) {
                int r0 = order[g], r1 = order[g + 1], r2 = order[g + 2], r3 = order[g + 3];
                int a0 = aRow + r0 * stride, a1 = aRow + r1 * stride, a2 = aRow + r2 * stride, a3 = aRow + r3 * stride;
                if (unionPays(rowsOfA, a0, a1, a2, a3, k)) {
                    int c0 = cOff + (i0 + r0) * ldc, c1 = cOff + (i0 + r1) * ldc, c2 = cOff + (i0 + r2) * ldc, c3 = cOff + (i0 + r3) * ldc;
                    union(ws, rowsOfA, a0, a1, a2, a3, n, k, b, bOff, ldb, beta, c, c0, c1, c2, c3);
                    epilogue(c, c0, 0, n, bias, biasOff, relu, mask);
                    epilogue(c, c1, 0, n, bias, biasOff, relu, mask);
                    epilogue(c, c2, 0, n, bias, biasOff, relu, mask);
                    epilogue(c, c3, 0, n, bias, biasOff, relu, mask);
                    continue;
                }
            }
            for (int r = g; r < gEnd; r++) single[singles++] = order[r];
        }
        return singles;
    }

    /**
     * The fused epilogue on columns [j0, j1) of the row of C at c[ci]: max(C + bias, 0) (bias[j] for
     * column j at bias[biasOff + j]) when bias is not null and relu, C + bias when not relu, else 0
     * where mask (C's layout) <= 0 when mask is not null. The operations of addRowVector (then relu),
     * or of reluBackward, so the same bits.
     */
    private static void epilogue(float[] c, int ci, int j0, int j1, float[] bias, int biasOff, boolean relu, float[] mask) {
        int j = j0;
        if (bias != null) {
            VectorKernels.addBiasRow(c, ci, j0, j1, bias, biasOff, relu);
        } else if (mask != null) {
            for (; j + L <= j1; j += L) {
                VectorMask<Float> on = FloatVector.fromArray(S, mask, ci + j).compare(VectorOperators.GT, 0f);
                FloatVector.zero(S).blend(FloatVector.fromArray(S, c, ci + j), on).intoArray(c, ci + j);
            }
            for (; j < j1; j++) c[ci + j] = mask[ci + j] > 0f ? c[ci + j] : 0f;
        }
    }

    /**
     * Whether the GROUP rows of A at a[a0], a[a1], a[a2], a[a3] go the union path: GROUP times the
     * size of their union of nonzero columns is below UNION_RATE times their nonzeros.
     */
    static boolean unionPays(float[] a, int a0, int a1, int a2, int a3, int k) {
        int union = 0, nonzeros = 0, p = 0;
        for (int bound = S.loopBound(k); p < bound; p += L) {
            VectorMask<Float> m0 = FloatVector.fromArray(S, a, a0 + p).compare(VectorOperators.NE, 0f);
            VectorMask<Float> m1 = FloatVector.fromArray(S, a, a1 + p).compare(VectorOperators.NE, 0f);
            VectorMask<Float> m2 = FloatVector.fromArray(S, a, a2 + p).compare(VectorOperators.NE, 0f);
            VectorMask<Float> m3 = FloatVector.fromArray(S, a, a3 + p).compare(VectorOperators.NE, 0f);
            union += m0.or(m1).or(m2).or(m3).trueCount();
            nonzeros += m0.trueCount() + m1.trueCount() + m2.trueCount() + m3.trueCount();
        }
        for (; p < k; p++) {
            int here = (a[a0 + p] != 0f ? 1 : 0) + (a[a1 + p] != 0f ? 1 : 0) + (a[a2 + p] != 0f ? 1 : 0) + (a[a3 + p] != 0f ? 1 : 0);
            nonzeros += here;
            union += here > 0 ? 1 : 0;
        }
        return GROUP * union < UNION_RATE * nonzeros;
    }

    /** Buckets of the nonzero span (last - first nonzero column) that {@link #groupOrder} sorts by first. */
    static final int SPAN_BUCKETS = 16;

    /**
     * order[0 .. rows) = the rows of A (row r at a[aRow + r * stride]) sorted by the span of their
     * nonzeros (last - first nonzero column, in SPAN_BUCKETS buckets of k), then by their number of
     * nonzeros, then by r: rows with similar support end up in the same group of four. For pictures
     * the span is about the object's height (a shoe, a shirt, a pair of trousers). On W1's
     * batches of 128 Fashion-MNIST images the union of a group of four covers 0.64 of the pixels in
     * this order against 0.79 in batch order (numpy, 200 batches), and the layer's forward took 17%
     * less time, one thread and two alike (minimum per call, A/B alternated in one JVM: 2 threads
     * 0.307 -> 0.255 ms, one thread 0.55 -> 0.46 ms). Deterministic: the key ends in r.
     */
    static void groupOrder(float[] a, int aRow, int stride, int rows, int k, long[] keys, int[] order) {
        for (int r = 0; r < rows; r++) {
            int off = aRow + r * stride, count = 0, first = -1, last = -1, p = 0;
            for (int bound = S.loopBound(k); p < bound; p += L) {
                VectorMask<Float> nonzero = FloatVector.fromArray(S, a, off + p).compare(VectorOperators.NE, 0f);
                if (!nonzero.anyTrue()) continue;
                if (first < 0) first = p + nonzero.firstTrue();
                last = p + nonzero.lastTrue();
                count += nonzero.trueCount();
            }
            for (; p < k; p++) {
                if (a[off + p] == 0f) continue;
                if (first < 0) first = p;
                last = p;
                count++;
            }
            long bucket = first < 0 ? 0 : (long) (last - first) * SPAN_BUCKETS / k;
            keys[r] = bucket << 52 | (long) count << 26 | r;
        }
        java.util.Arrays.sort(keys, 0, rows);
        for (int r = 0; r < rows; r++) order[r] = (int) (keys[r] & ((1 << 26) - 1));
    }

    /**
     * The union path for one group: the C rows at c[c0], c[c1], c[c2], c[c3] = beta * C +
     * sum over the union of the rows' nonzero columns p, in increasing p, of A[g][p] * B[p][:].
     */
    private static void union(Workspace ws, float[] a, int a0, int a1, int a2, int a3, int n, int k, float[] b, int bOff, int ldb,
                              float beta, float[] c, int c0, int c1, int c2, int c3) {
        ws.ensureUnion(k);
        int[] index = ws.unionIndex;
        float[] v0 = ws.unionValues[0], v1 = ws.unionValues[1], v2 = ws.unionValues[2], v3 = ws.unionValues[3];
        IntVector lanes = IntVector.zero(IS).addIndex(1);
        int count = 0, p = 0;
        for (int bound = S.loopBound(k); p < bound; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p), x1 = FloatVector.fromArray(S, a, a1 + p);
            FloatVector x2 = FloatVector.fromArray(S, a, a2 + p), x3 = FloatVector.fromArray(S, a, a3 + p);
            VectorMask<Float> any = x0.compare(VectorOperators.NE, 0f).or(x1.compare(VectorOperators.NE, 0f))
                    .or(x2.compare(VectorOperators.NE, 0f)).or(x3.compare(VectorOperators.NE, 0f));
            if (!any.anyTrue()) continue;
            x0.compress(any).intoArray(v0, count);
            x1.compress(any).intoArray(v1, count);
            x2.compress(any).intoArray(v2, count);
            x3.compress(any).intoArray(v3, count);
            lanes.add(p).compress(any.cast(IS)).intoArray(index, count);
            count += any.trueCount();
        }
        for (; p < k; p++) {
            index[count] = p;
            v0[count] = a[a0 + p];
            v1[count] = a[a1 + p];
            v2[count] = a[a2 + p];
            v3[count] = a[a3 + p];
            count += v0[count] != 0f || v1[count] != 0f || v2[count] != 0f || v3[count] != 0f ? 1 : 0;
        }
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) unionTile(count, index, v0, v1, v2, v3, k, b, bOff + j, ldb, beta, c, c0 + j, c1 + j, c2 + j, c3 + j);
        for (; j < n; j += L) unionColumn(count, index, v0, v1, v2, v3, k, b, bOff + j, ldb, beta, c, c0 + j, c1 + j, c2 + j, c3 + j, j, n);
    }

    /**
     * The 4 x 4-vector register tile of the union path: the C rows at c[e0] .. c[e3], [0 : 4L) = beta * C + sum
     * over the list. In K blocks of KB, C updated after each block exactly as {@link #rows} does one
     * row at a time, and a zero of A adds 0 * B = +-0, which changes no sum: each row gets the bits
     * the one-row path gives it (tested), so which rows share a group never shows in the result.
     */
    private static void unionTile(int count, int[] index, float[] v0, float[] v1, float[] v2, float[] v3, int k,
                                  float[] b, int bOff, int ldb, float beta, float[] c, int e0, int e1, int e2, int e3) {
        int q = 0;
        for (int p0 = 0; p0 < k; p0 += KB) {
            int pEnd = Math.min(k, p0 + KB);
            FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
            FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
            for (; q < count && index[q] < pEnd; q++) {
                int r = bOff + index[q] * ldb;
                FloatVector b0 = FloatVector.fromArray(S, b, r), b1 = FloatVector.fromArray(S, b, r + L);
                FloatVector b2 = FloatVector.fromArray(S, b, r + 2 * L), b3 = FloatVector.fromArray(S, b, r + 3 * L);
                FloatVector x = FloatVector.broadcast(S, v0[q]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
                x = FloatVector.broadcast(S, v1[q]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
                x = FloatVector.broadcast(S, v2[q]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
                x = FloatVector.broadcast(S, v3[q]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            }
            // Written out, not a helper per store: a vector argument of a call that is not inlined is boxed.
            if (p0 == 0 && beta == 0f) {
                c00.intoArray(c, e0); c01.intoArray(c, e0 + L); c02.intoArray(c, e0 + 2 * L); c03.intoArray(c, e0 + 3 * L);
                c10.intoArray(c, e1); c11.intoArray(c, e1 + L); c12.intoArray(c, e1 + 2 * L); c13.intoArray(c, e1 + 3 * L);
                c20.intoArray(c, e2); c21.intoArray(c, e2 + L); c22.intoArray(c, e2 + 2 * L); c23.intoArray(c, e2 + 3 * L);
                c30.intoArray(c, e3); c31.intoArray(c, e3 + L); c32.intoArray(c, e3 + 2 * L); c33.intoArray(c, e3 + 3 * L);
            } else {
                FloatVector vb = FloatVector.broadcast(S, p0 == 0 ? beta : 1f);
                FloatVector.fromArray(S, c, e0).fma(vb, c00).intoArray(c, e0);
                FloatVector.fromArray(S, c, e0 + L).fma(vb, c01).intoArray(c, e0 + L);
                FloatVector.fromArray(S, c, e0 + 2 * L).fma(vb, c02).intoArray(c, e0 + 2 * L);
                FloatVector.fromArray(S, c, e0 + 3 * L).fma(vb, c03).intoArray(c, e0 + 3 * L);
                FloatVector.fromArray(S, c, e1).fma(vb, c10).intoArray(c, e1);
                FloatVector.fromArray(S, c, e1 + L).fma(vb, c11).intoArray(c, e1 + L);
                FloatVector.fromArray(S, c, e1 + 2 * L).fma(vb, c12).intoArray(c, e1 + 2 * L);
                FloatVector.fromArray(S, c, e1 + 3 * L).fma(vb, c13).intoArray(c, e1 + 3 * L);
                FloatVector.fromArray(S, c, e2).fma(vb, c20).intoArray(c, e2);
                FloatVector.fromArray(S, c, e2 + L).fma(vb, c21).intoArray(c, e2 + L);
                FloatVector.fromArray(S, c, e2 + 2 * L).fma(vb, c22).intoArray(c, e2 + 2 * L);
                FloatVector.fromArray(S, c, e2 + 3 * L).fma(vb, c23).intoArray(c, e2 + 3 * L);
                FloatVector.fromArray(S, c, e3).fma(vb, c30).intoArray(c, e3);
                FloatVector.fromArray(S, c, e3 + L).fma(vb, c31).intoArray(c, e3 + L);
                FloatVector.fromArray(S, c, e3 + 2 * L).fma(vb, c32).intoArray(c, e3 + 2 * L);
                FloatVector.fromArray(S, c, e3 + 3 * L).fma(vb, c33).intoArray(c, e3 + 3 * L);
            }
        }
    }

    /** One vector column (columns j.. of n, the lanes in range) of the four rows, as {@link #unionTile}. */
    private static void unionColumn(int count, int[] index, float[] v0, float[] v1, float[] v2, float[] v3, int k,
                                    float[] b, int bOff, int ldb, float beta, float[] c, int e0, int e1, int e2, int e3, int j, int n) {
        VectorMask<Float> lanes = S.indexInRange(j, n);
        int q = 0;
        for (int p0 = 0; p0 < k; p0 += KB) {
            int pEnd = Math.min(k, p0 + KB);
            FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
            for (; q < count && index[q] < pEnd; q++) {
                FloatVector bq = FloatVector.fromArray(S, b, bOff + index[q] * ldb, lanes);
                c0 = FloatVector.broadcast(S, v0[q]).fma(bq, c0);
                c1 = FloatVector.broadcast(S, v1[q]).fma(bq, c1);
                c2 = FloatVector.broadcast(S, v2[q]).fma(bq, c2);
                c3 = FloatVector.broadcast(S, v3[q]).fma(bq, c3);
            }
            if (p0 == 0 && beta == 0f) {
                c0.intoArray(c, e0, lanes);
                c1.intoArray(c, e1, lanes);
                c2.intoArray(c, e2, lanes);
                c3.intoArray(c, e3, lanes);
            } else {
                FloatVector vb = FloatVector.broadcast(S, p0 == 0 ? beta : 1f);
                FloatVector.fromArray(S, c, e0, lanes).fma(vb, c0).intoArray(c, e0, lanes);
                FloatVector.fromArray(S, c, e1, lanes).fma(vb, c1).intoArray(c, e1, lanes);
                FloatVector.fromArray(S, c, e2, lanes).fma(vb, c2).intoArray(c, e2, lanes);
                FloatVector.fromArray(S, c, e3, lanes).fma(vb, c3).intoArray(c, e3, lanes);
            }
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

    /** C[0 : 8 vectors] (at c[ci]) = beta * C + sum over list entries [q0, q1): {@link #chunk} at half the width. */
    private static void halfChunk(int q0, int q1, int[] index, float[] value, float[] b, int bOff, int ldb,
                                  float beta, float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
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
        }
        if (beta == 0f) {
            c0.intoArray(c, ci); c1.intoArray(c, ci + L); c2.intoArray(c, ci + 2 * L); c3.intoArray(c, ci + 3 * L);
            c4.intoArray(c, ci + 4 * L); c5.intoArray(c, ci + 5 * L); c6.intoArray(c, ci + 6 * L); c7.intoArray(c, ci + 7 * L);
        } else {
            FloatVector vb = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, ci).fma(vb, c0).intoArray(c, ci);
            FloatVector.fromArray(S, c, ci + L).fma(vb, c1).intoArray(c, ci + L);
            FloatVector.fromArray(S, c, ci + 2 * L).fma(vb, c2).intoArray(c, ci + 2 * L);
            FloatVector.fromArray(S, c, ci + 3 * L).fma(vb, c3).intoArray(c, ci + 3 * L);
            FloatVector.fromArray(S, c, ci + 4 * L).fma(vb, c4).intoArray(c, ci + 4 * L);
            FloatVector.fromArray(S, c, ci + 5 * L).fma(vb, c5).intoArray(c, ci + 5 * L);
            FloatVector.fromArray(S, c, ci + 6 * L).fma(vb, c6).intoArray(c, ci + 6 * L);
            FloatVector.fromArray(S, c, ci + 7 * L).fma(vb, c7).intoArray(c, ci + 7 * L);
        }
    }

    /**
     * One vector of C (columns j.. of n, the lanes in range) = beta * C + sum over list entries [q0, q1)
     * of value * B[index][lanes]. The mask is made here, not passed in: a mask argument of a call that
     * is not inlined is boxed, and the N = 10 layer ran 3x slower when this method stopped being inlined.
     */
    private static void column(int q0, int q1, int[] index, float[] value, float[] b, int bOff, int ldb,
                               float beta, float[] c, int ci, int j, int n) {
        VectorMask<Float> lanes = S.indexInRange(j, n);
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
    static void transposeBlock(float[] a, int off, int lda, int rows, int cols, float[] out, int outOff, int ldo) {
        int fullRows = rows / L * L, fullCols = cols / L * L;
        if (fullRows > 0 && fullCols > 0) {
            float[][] buf = WORKSPACE.get().tiles;
            for (int rt = 0; rt < fullRows; rt += L) {
                for (int jt = 0; jt < fullCols; jt += L) {
                    if (L == 16) {
                        transposeTile16(a, off + rt * lda + jt, lda, out, outOff + jt * ldo + rt, ldo);
                    } else {
                        transposeTile(a, off + rt * lda + jt, lda, out, outOff + jt * ldo + rt, ldo, buf);
                    }
                }
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

    /**
     * The 16 x 16 tile at 512 bits, in registers: the butterfly stages of {@link #transposeTile}
     * (h = 8, 4, 2, 1), each pair of rows combined by one two-table {@code selectFrom}
     * ({@code vpermt2ps}). 0.037 ms for W1's 256 x 784 weights, one thread, against 0.10 ms staged
     * through buffers with two-vector {@code rearrange}s (each a permute, a permute and a blend).
     * Generated, not hand-written: stage s pairs rows i and i + h with i & h == 0.
     */
    private static void transposeTile16(float[] a, int off, int lda, float[] out, int outOff, int ldo) {
        FloatVector r0 = FloatVector.fromArray(S, a, off + 0 * lda);
        FloatVector r1 = FloatVector.fromArray(S, a, off + 1 * lda);
        FloatVector r2 = FloatVector.fromArray(S, a, off + 2 * lda);
        FloatVector r3 = FloatVector.fromArray(S, a, off + 3 * lda);
        FloatVector r4 = FloatVector.fromArray(S, a, off + 4 * lda);
        FloatVector r5 = FloatVector.fromArray(S, a, off + 5 * lda);
        FloatVector r6 = FloatVector.fromArray(S, a, off + 6 * lda);
        FloatVector r7 = FloatVector.fromArray(S, a, off + 7 * lda);
        FloatVector r8 = FloatVector.fromArray(S, a, off + 8 * lda);
        FloatVector r9 = FloatVector.fromArray(S, a, off + 9 * lda);
        FloatVector r10 = FloatVector.fromArray(S, a, off + 10 * lda);
        FloatVector r11 = FloatVector.fromArray(S, a, off + 11 * lda);
        FloatVector r12 = FloatVector.fromArray(S, a, off + 12 * lda);
        FloatVector r13 = FloatVector.fromArray(S, a, off + 13 * lda);
        FloatVector r14 = FloatVector.fromArray(S, a, off + 14 * lda);
        FloatVector r15 = FloatVector.fromArray(S, a, off + 15 * lda);
        FloatVector a0 = LOW[0].selectFrom(r0, r8), a8 = HIGH[0].selectFrom(r0, r8);
        FloatVector a1 = LOW[0].selectFrom(r1, r9), a9 = HIGH[0].selectFrom(r1, r9);
        FloatVector a2 = LOW[0].selectFrom(r2, r10), a10 = HIGH[0].selectFrom(r2, r10);
        FloatVector a3 = LOW[0].selectFrom(r3, r11), a11 = HIGH[0].selectFrom(r3, r11);
        FloatVector a4 = LOW[0].selectFrom(r4, r12), a12 = HIGH[0].selectFrom(r4, r12);
        FloatVector a5 = LOW[0].selectFrom(r5, r13), a13 = HIGH[0].selectFrom(r5, r13);
        FloatVector a6 = LOW[0].selectFrom(r6, r14), a14 = HIGH[0].selectFrom(r6, r14);
        FloatVector a7 = LOW[0].selectFrom(r7, r15), a15 = HIGH[0].selectFrom(r7, r15);
        FloatVector b0 = LOW[1].selectFrom(a0, a4), b4 = HIGH[1].selectFrom(a0, a4);
        FloatVector b1 = LOW[1].selectFrom(a1, a5), b5 = HIGH[1].selectFrom(a1, a5);
        FloatVector b2 = LOW[1].selectFrom(a2, a6), b6 = HIGH[1].selectFrom(a2, a6);
        FloatVector b3 = LOW[1].selectFrom(a3, a7), b7 = HIGH[1].selectFrom(a3, a7);
        FloatVector b8 = LOW[1].selectFrom(a8, a12), b12 = HIGH[1].selectFrom(a8, a12);
        FloatVector b9 = LOW[1].selectFrom(a9, a13), b13 = HIGH[1].selectFrom(a9, a13);
        FloatVector b10 = LOW[1].selectFrom(a10, a14), b14 = HIGH[1].selectFrom(a10, a14);
        FloatVector b11 = LOW[1].selectFrom(a11, a15), b15 = HIGH[1].selectFrom(a11, a15);
        FloatVector c0 = LOW[2].selectFrom(b0, b2), c2 = HIGH[2].selectFrom(b0, b2);
        FloatVector c1 = LOW[2].selectFrom(b1, b3), c3 = HIGH[2].selectFrom(b1, b3);
        FloatVector c4 = LOW[2].selectFrom(b4, b6), c6 = HIGH[2].selectFrom(b4, b6);
        FloatVector c5 = LOW[2].selectFrom(b5, b7), c7 = HIGH[2].selectFrom(b5, b7);
        FloatVector c8 = LOW[2].selectFrom(b8, b10), c10 = HIGH[2].selectFrom(b8, b10);
        FloatVector c9 = LOW[2].selectFrom(b9, b11), c11 = HIGH[2].selectFrom(b9, b11);
        FloatVector c12 = LOW[2].selectFrom(b12, b14), c14 = HIGH[2].selectFrom(b12, b14);
        FloatVector c13 = LOW[2].selectFrom(b13, b15), c15 = HIGH[2].selectFrom(b13, b15);
        FloatVector d0 = LOW[3].selectFrom(c0, c1), d1 = HIGH[3].selectFrom(c0, c1);
        FloatVector d2 = LOW[3].selectFrom(c2, c3), d3 = HIGH[3].selectFrom(c2, c3);
        FloatVector d4 = LOW[3].selectFrom(c4, c5), d5 = HIGH[3].selectFrom(c4, c5);
        FloatVector d6 = LOW[3].selectFrom(c6, c7), d7 = HIGH[3].selectFrom(c6, c7);
        FloatVector d8 = LOW[3].selectFrom(c8, c9), d9 = HIGH[3].selectFrom(c8, c9);
        FloatVector d10 = LOW[3].selectFrom(c10, c11), d11 = HIGH[3].selectFrom(c10, c11);
        FloatVector d12 = LOW[3].selectFrom(c12, c13), d13 = HIGH[3].selectFrom(c12, c13);
        FloatVector d14 = LOW[3].selectFrom(c14, c15), d15 = HIGH[3].selectFrom(c14, c15);
        d0.intoArray(out, outOff + 0 * ldo);
        d1.intoArray(out, outOff + 1 * ldo);
        d2.intoArray(out, outOff + 2 * ldo);
        d3.intoArray(out, outOff + 3 * ldo);
        d4.intoArray(out, outOff + 4 * ldo);
        d5.intoArray(out, outOff + 5 * ldo);
        d6.intoArray(out, outOff + 6 * ldo);
        d7.intoArray(out, outOff + 7 * ldo);
        d8.intoArray(out, outOff + 8 * ldo);
        d9.intoArray(out, outOff + 9 * ldo);
        d10.intoArray(out, outOff + 10 * ldo);
        d11.intoArray(out, outOff + 11 * ldo);
        d12.intoArray(out, outOff + 12 * ldo);
        d13.intoArray(out, outOff + 13 * ldo);
        d14.intoArray(out, outOff + 14 * ldo);
        d15.intoArray(out, outOff + 15 * ldo);
    }

    /** Index vectors of {@link #transposeTile16}: lanes of the first table are 0..L-1, of the second L..2L-1. */
    private static final FloatVector[] LOW = tables(true), HIGH = tables(false);

    private static FloatVector[] tables(boolean low) {
        FloatVector[] out = new FloatVector[Integer.numberOfTrailingZeros(L)];
        for (int stage = 0; stage < out.length; stage++) {
            int h = L >> (stage + 1);
            float[] idx = new float[L];
            for (int j = 0; j < L; j++) idx[j] = low ? ((j & h) == 0 ? j : L + j - h) : ((j & h) == 0 ? j + h : L + j);
            out[stage] = FloatVector.fromArray(S, idx, 0);
        }
        return out;
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
