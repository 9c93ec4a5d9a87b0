package org.relunet.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD sgemm: C(M,N) = alpha * op(A)(M,K) * op(B)(K,N) + beta * C, row-major. Must equal
 * {@link ScalarKernels#gemm} within rounding. Legend: see {@link Kernels}.
 *
 * <p>Two paths, both cache-blocked along K with a block size that depends only on the sizes, so
 * every element of C is summed in the same order whatever the thread count:
 * <ul>
 * <li><b>Panel path</b> (BLIS-style, every transpose combination). op(A) is packed, times alpha,
 *     into panels of MR = 8 rows stored k-major: {@code ap[p*MR + r] = alpha * op(A)[i+r][p]}.
 *     op(B) is read in strips of NR = two vectors (32 floats at 512 bits) from a k-major packed
 *     copy, made once per K and N block; straight from B when B is stored (K, N) and C has fewer
 *     than PACK_B_MIN_ROWS rows (for the conv shape M=64, K=800, N=12544 packing B cost more than
 *     a third of the time, issue 4). The 8 x NR register tile holds 16 accumulators; each k step
 *     is 2 vector loads of B, 8 broadcasts of A and 16 FMAs.
 * <li><b>Dot path</b> for A (M, K) times B stored (N, K) with N narrower than a tile and a long K
 *     (the FC read-out 64x10x3136, the first convolution's weight gradient 32x25x50176): both
 *     operands are rows contiguous in K, so a 4 x 3 tile of dot products needs no packing.
 * </ul>
 * Work is split along N (where the work is for the convolution shapes), or along M when N is
 * too narrow to give every thread a strip; packing buffers are per thread and grow to a high
 * water mark, so the steady state allocates nothing.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Register tile: MR rows of C by NR = 2 vectors of columns. */
    static final int MR = 8;
    static final int NR = 2 * L;
    /** Largest K block of the panel path: a B strip of KC x NR floats stays in L1/L2. */
    static final int KC = 384;
    /** Largest M block: the packed A block (MC x KC) stays in L2. */
    static final int MC = 256;
    /** Largest N block of packed B (B stored (N, K)): KC x NC floats, 3 MB, stay in L3. */
    static final int NC = 2048;

    private VectorGemm() {}

    /** Per-thread workspaces, grown to the largest size asked for and then reused. */
    private static final class Workspace {
        float[] aPack = new float[0];
        float[] bPack = new float[0];
        final float[] tile = new float[MR * NR];
        final int[] rows = new int[L];                  // gather offsets of packBTransposed
        final float[] sums = new float[DM * DN];
        final float[] lanes = new float[DM * DN * L];

        float[] aPack(int size) {
            if (aPack.length < size) aPack = new float[size];
            return aPack;
        }

        float[] bPack(int size) {
            if (bPack.length < size) bPack = new float[size];
            return bPack;
        }
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (transB && !transA && useDotPath(m, n, k)) {
            dotPath(m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            panelPath(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** Dot products win when N is narrower than a register tile and K is long enough to amortise the lane sums. */
    static boolean useDotPath(int m, int n, int k) {
        // Measured: for 64x10x3136 and 32x25x50176 dot products are ~2x faster than a padded
        // panel; for 64x800x12544 packing B^T and the panel path win ~1.8x; for 128x10x256 the
        // short K makes the dot tiles' lane sums dominate and the padded panel wins ~2x.
        return n < NR && k >= 1024;
    }

    /** C = beta * C (beta == 0 writes zeros, ignoring NaN in C). */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else {
                for (int j = 0; j < n; j++) c[ci + j] *= beta;
            }
        }
    }

    /** Splits [0, blocks) into parts nearly equal parts; returns the start of part t. */
    private static int split(int blocks, int parts, int t) {
        return (int) ((long) blocks * t / parts);
    }

    /** Equal K blocks of at most max: no block is a sliver. */
    private static int kBlock(int k, int max) {
        int blocks = (k + max - 1) / max;
        return (k + blocks - 1) / blocks;
    }

    // ---------------------------------------------------------------- panel path

    private static void panelPath(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc) {
        int nStrips = (n + NR - 1) / NR;
        int mPanels = (m + MR - 1) / MR;
        int threads = Parallel.threads();
        // Split along N in whole strips when every thread gets at least two; else along M.
        boolean splitN = nStrips >= 2 * threads || nStrips >= mPanels;
        int tasks = Math.max(1, Math.min(threads, splitN ? nStrips : mPanels));
        if (tasks == 1) {
            panelRange(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Parallel.forEach(tasks, t -> {
            if (splitN) {
                int j0 = split(nStrips, tasks, t) * NR, j1 = Math.min(n, split(nStrips, tasks, t + 1) * NR);
                panelRange(transA, transB, 0, m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                int i0 = split(mPanels, tasks, t) * MR, i1 = Math.min(m, split(mPanels, tasks, t + 1) * MR);
                panelRange(transA, transB, i0, i1, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        });
    }

    /**
     * C[i0:i1, j0:j1] with the loop nest: K block; N block (pack B when stored (N, K)); M block
     * (pack A); strip of NR columns; panel of MR rows.
     */
    private static void panelRange(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                                   float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        Workspace ws = WORKSPACE.get();
        int kc = kBlock(k, KC);
        int mc = Math.min(MC, ((i1 - i0) + MR - 1) / MR * MR);
        float[] ap = ws.aPack(mc * kc);
        int width = (j1 - j0 + NR - 1) / NR * NR;
        boolean packB = transB || i1 - i0 >= PACK_B_MIN_ROWS;
        int nc = packB ? Math.min(NC, width) : width;        // B read in place needs no N blocks
        float[] bp = ws.bPack((packB ? nc : NR) * kc);
        for (int p0 = 0; p0 < k; p0 += kc) {
            int kb = Math.min(kc, k - p0);
            float betaHere = p0 == 0 ? beta : 1f;           // later K blocks add to C
            for (int jc = j0; jc < j1; jc += nc) {
                int nb = Math.min(nc, j1 - jc);
                if (transB) {
                    packBTransposed(b, bOff, ldb, jc, nb, p0, kb, bp, ws.rows);
                } else if (packB) {
                    for (int jr = 0; jr < nb; jr += NR) packBStrip(b, bOff + p0 * ldb + jc + jr, ldb, Math.min(NR, nb - jr), kb, bp, jr * kb);
                }
                for (int ic = i0; ic < i1; ic += mc) {
                    int mb = Math.min(mc, i1 - ic);
                    packA(transA, a, aOff, lda, ic, mb, p0, kb, alpha, ap);
                    for (int jr = 0; jr < nb; jr += NR) {
                        int nr = Math.min(NR, nb - jr);
                        float[] bs;
                        int bsOff, bsStride;
                        if (packB) {
                            bs = bp;
                            bsOff = jr * kb;
                            bsStride = NR;
                        } else if (nr == NR) {
                            bs = b;
                            bsOff = bOff + p0 * ldb + jc + jr;
                            bsStride = ldb;
                        } else {                              // ragged right edge: pad one strip
                            packBStrip(b, bOff + p0 * ldb + jc + jr, ldb, nr, kb, bp, 0);
                            bs = bp;
                            bsOff = 0;
                            bsStride = NR;
                        }
                        for (int ir = 0; ir < mb; ir += MR) {
                            int mr = Math.min(MR, mb - ir);
                            int cij = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                kernel(kb, ap, ir * kb, bs, bsOff, bsStride, c, cij, ldc, betaHere);
                            } else {
                                kernel(kb, ap, ir * kb, bs, bsOff, bsStride, ws.tile, 0, NR, 0f);
                                mergeTile(ws.tile, mr, nr, c, cij, ldc, betaHere);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs alpha * op(A)[i0:i0+mb, p0:p0+kb] into MR-row panels, k-major: panel q holds
     * ap[q*MR*kb + p*MR + r]; rows past mb are zero.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mb, int p0, int kb,
                              float alpha, float[] ap) {
        for (int ir = 0; ir < mb; ir += MR) {
            int base = ir * kb;
            int mr = Math.min(MR, mb - ir);
            if (!transA) {
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (i0 + ir + r) * lda + p0;
                    for (int p = 0; p < kb; p++) ap[base + p * MR + r] = alpha * a[src + p];
                }
            } else {                                          // A stored (K, M): rows of op(A)^T are contiguous
                for (int p = 0; p < kb; p++) {
                    int src = aOff + (p0 + p) * lda + i0 + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < mr; r++) ap[dst + r] = alpha * a[src + r];
                }
            }
            if (mr < MR) {
                for (int p = 0; p < kb; p++) {
                    for (int r = mr; r < MR; r++) ap[base + p * MR + r] = 0f;
                }
            }
        }
    }

    /**
     * Packs op(B)[p0:p0+kb, j0:j0+nb] from B stored (N, K) into NR-column strips, k-major:
     * strip s holds bp[s*NR*kb + p*NR + j]; columns past nb are zero.
     */
    private static void packBTransposed(float[] b, int bOff, int ldb, int j0, int nb, int p0, int kb, float[] bp,
                                        int[] rows) {
        for (int t = 0; t < L; t++) rows[t] = t * ldb;
        for (int jr = 0; jr < nb; jr += NR) {
            int base = jr * kb;
            int nr = Math.min(NR, nb - jr);
            if (nr == NR) {
                // A whole strip: gather one k from L rows at a time, so every store is a whole
                // vector. The scalar transpose wrote one float per cache line per k and was
                // 1.5x slower (W1's 256x784 weights: 128 -> 82 us).
                int r0 = bOff + (j0 + jr) * ldb + p0, r1 = r0 + L * ldb;
                for (int p = 0; p < kb; p++) {
                    FloatVector.fromArray(S, b, r0 + p, rows, 0).intoArray(bp, base + p * NR);
                    FloatVector.fromArray(S, b, r1 + p, rows, 0).intoArray(bp, base + p * NR + L);
                }
                continue;
            }
            for (int j = 0; j < nr; j++) {
                int src = bOff + (j0 + jr + j) * ldb + p0;
                for (int p = 0; p < kb; p++) bp[base + p * NR + j] = b[src + p];
            }
            if (nr < NR) {
                for (int p = 0; p < kb; p++) {
                    for (int j = nr; j < NR; j++) bp[base + p * NR + j] = 0f;
                }
            }
        }
    }

    /** Copies a strip of nr <= NR columns and kb rows of B stored (K, N) into bp at bpOff, k-major, zero padded to NR. */
    private static void packBStrip(float[] b, int src, int ldb, int nr, int kb, float[] bp, int bpOff) {
        if (nr == NR) {
            for (int p = 0; p < kb; p++) {
                int s = src + p * ldb, d = bpOff + p * NR;
                FloatVector.fromArray(S, b, s).intoArray(bp, d);
                FloatVector.fromArray(S, b, s + L).intoArray(bp, d + L);
            }
            return;
        }
        for (int p = 0; p < kb; p++) {
            int s = src + p * ldb, d = bpOff + p * NR;
            for (int j = 0; j < nr; j++) bp[d + j] = b[s + j];
            for (int j = nr; j < NR; j++) bp[d + j] = 0f;
        }
    }

    /**
     * From this many rows of C a B stored (K, N) is packed too, strip by strip, once per K and N block:
     * read in place, the 384 rows of a strip lie 4 KB apart for N = 1024 and all fall into the same
     * two sets of L1, so the strip could not stay in L1 while the panels of A went through it. Packed,
     * 1024^3 went from 85-90 to 95-98 GFLOP/s on one thread and from 170-186 to 187-196 on two
     * (medians of 15, alternated in one JVM). Below it the copy would be used by too few panels
     * (the conv shape of 64 rows measured slower packed).
     */
    static final int PACK_B_MIN_ROWS = 128;

    /** C[0:mr, 0:nr] (+)= tile, honouring beta for the first K block. */
    private static void mergeTile(float[] tile, int mr, int nr, float[] c, int cij, int ldc, float beta) {
        for (int r = 0; r < mr; r++) {
            int ci = cij + r * ldc, ti = r * NR;
            for (int j = 0; j < nr; j++) {
                float v = tile[ti + j];
                c[ci + j] = beta == 0f ? v : beta == 1f ? c[ci + j] + v : beta * c[ci + j] + v;
            }
        }
    }

    /**
     * The 8 x NR micro-kernel: C[0:8, 0:NR] = sum_p ap[aOff + p*8 + r] * B[p][0:NR] + beta * C
     * (beta == 0: C is not read). B row p starts at b[bOff + p*ldb].
     */
    static void kernel(int kb, float[] ap, int aOff, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kb; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bOff);
            FloatVector b1 = FloatVector.fromArray(S, b, bOff + L);
            bOff += ldb;
            int ai = aOff + p * MR;
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
        }
        // The epilogue is written out: a helper taking vectors fails to inline in a method this
        // size (NodeCountInliningCutoff), and the accumulators would then be boxed.
        int o = cOff;
        if (beta == 0f) {
            c00.intoArray(c, o); c01.intoArray(c, o + L); o += ldc;
            c10.intoArray(c, o); c11.intoArray(c, o + L); o += ldc;
            c20.intoArray(c, o); c21.intoArray(c, o + L); o += ldc;
            c30.intoArray(c, o); c31.intoArray(c, o + L); o += ldc;
            c40.intoArray(c, o); c41.intoArray(c, o + L); o += ldc;
            c50.intoArray(c, o); c51.intoArray(c, o + L); o += ldc;
            c60.intoArray(c, o); c61.intoArray(c, o + L); o += ldc;
            c70.intoArray(c, o); c71.intoArray(c, o + L);
        } else {
            // fma(C, beta, acc): with beta == 1 this is C + acc, rounded once, as an add would be
            FloatVector vb = FloatVector.broadcast(S, beta);
            FloatVector.fromArray(S, c, o).fma(vb, c00).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).fma(vb, c01).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).fma(vb, c10).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).fma(vb, c11).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).fma(vb, c20).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).fma(vb, c21).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).fma(vb, c30).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).fma(vb, c31).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).fma(vb, c40).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).fma(vb, c41).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).fma(vb, c50).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).fma(vb, c51).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).fma(vb, c60).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).fma(vb, c61).intoArray(c, o + L);
            o += ldc;
            FloatVector.fromArray(S, c, o).fma(vb, c70).intoArray(c, o);
            FloatVector.fromArray(S, c, o + L).fma(vb, c71).intoArray(c, o + L);
        }
    }

    // ---------------------------------------------------------------- dot path

    /** Rows of A per dot tile and rows of B per dot tile. */
    private static final int DM = 4, DN = 3;
    /** Largest K block of the dot path: the block of A (M x KD) stays in L2. */
    private static final int KD = 2048;

    private static void dotPath(int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int mTiles = (m + DM - 1) / DM, nTiles = (n + DN - 1) / DN;
        int threads = Parallel.threads();
        boolean splitN = nTiles >= mTiles;
        int tasks = Math.max(1, Math.min(threads, splitN ? nTiles : mTiles));
        if (tasks == 1) {
            dotRange(0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Parallel.forEach(tasks, t -> {
            if (splitN) {
                int j0 = split(nTiles, tasks, t) * DN, j1 = Math.min(n, split(nTiles, tasks, t + 1) * DN);
                dotRange(0, m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                int i0 = split(mTiles, tasks, t) * DM, i1 = Math.min(m, split(mTiles, tasks, t + 1) * DM);
                dotRange(i0, i1, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        });
    }

    private static void dotRange(int i0, int i1, int j0, int j1, int k, float alpha, float[] a, int aOff, int lda,
                                 float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int kc = kBlock(k, KD);
        float[] sums = WORKSPACE.get().sums;
        for (int p0 = 0; p0 < k; p0 += kc) {
            int kb = Math.min(kc, k - p0);
            float betaHere = p0 == 0 ? beta : 1f;
            for (int j = j0; j < j1; j += DN) {
                int nr = Math.min(DN, j1 - j);
                for (int i = i0; i < i1; i += DM) {
                    int mr = Math.min(DM, i1 - i);
                    // Ragged tiles repeat the last valid row; the duplicates are computed and dropped,
                    // except for a single row (batch-1 inference), which has a tile of its own.
                    if (mr == 1) {
                        dotRow(a, aOff + p0 + i * lda, b, bOff + p0, ldb, j, nr, kb, sums);
                    } else {
                        dotTile(a, aOff + p0, lda, i, mr, b, bOff + p0, ldb, j, nr, kb, sums);
                    }
                    for (int r = 0; r < mr; r++) {
                        int ci = cOff + (i + r) * ldc + j;
                        for (int q = 0; q < nr; q++) {
                            float v = alpha * sums[r * DN + q];
                            c[ci + q] = betaHere == 0f ? v : betaHere == 1f ? c[ci + q] + v : betaHere * c[ci + q] + v;
                        }
                    }
                }
            }
        }
    }

    /** sums[r*DN + q] = dot(A row i+r, B row j+q) over kb elements, for a 4 x 3 tile. */
    private static void dotTile(float[] a, int aOff, int lda, int i, int mr, float[] b, int bOff, int ldb,
                                int j, int nr, int kb, float[] sums) {
        int a0 = aOff + i * lda;
        int a1 = aOff + (i + Math.min(1, mr - 1)) * lda;
        int a2 = aOff + (i + Math.min(2, mr - 1)) * lda;
        int a3 = aOff + (i + Math.min(3, mr - 1)) * lda;
        int b0 = bOff + j * ldb;
        int b1 = bOff + (j + Math.min(1, nr - 1)) * ldb;
        int b2 = bOff + (j + Math.min(2, nr - 1)) * ldb;
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S);
        int bound = S.loopBound(kb);
        int p = 0;
        for (; p < bound; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s00 = x.fma(y0, s00); s01 = x.fma(y1, s01); s02 = x.fma(y2, s02);
            x = FloatVector.fromArray(S, a, a1 + p);
            s10 = x.fma(y0, s10); s11 = x.fma(y1, s11); s12 = x.fma(y2, s12);
            x = FloatVector.fromArray(S, a, a2 + p);
            s20 = x.fma(y0, s20); s21 = x.fma(y1, s21); s22 = x.fma(y2, s22);
            x = FloatVector.fromArray(S, a, a3 + p);
            s30 = x.fma(y0, s30); s31 = x.fma(y1, s31); s32 = x.fma(y2, s32);
        }
        // Lane sums from memory: the tile is too big for a vector helper to inline, and a vector
        // passed to one that does not inline is boxed.
        float[] lanes = WORKSPACE.get().lanes;
        s00.intoArray(lanes, 0); s01.intoArray(lanes, L); s02.intoArray(lanes, 2 * L);
        s10.intoArray(lanes, 3 * L); s11.intoArray(lanes, 4 * L); s12.intoArray(lanes, 5 * L);
        s20.intoArray(lanes, 6 * L); s21.intoArray(lanes, 7 * L); s22.intoArray(lanes, 8 * L);
        s30.intoArray(lanes, 9 * L); s31.intoArray(lanes, 10 * L); s32.intoArray(lanes, 11 * L);
        for (int t = 0; t < DM * DN; t++) sums[t] = VectorKernels.sumLanes(lanes, t * L);
        for (; p < kb; p++) {                                 // scalar tail
            float x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
            float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p];
            sums[0] += x0 * y0; sums[1] += x0 * y1; sums[2] += x0 * y2;
            sums[3] += x1 * y0; sums[4] += x1 * y1; sums[5] += x1 * y2;
            sums[6] += x2 * y0; sums[7] += x2 * y1; sums[8] += x2 * y2;
            sums[9] += x3 * y0; sums[10] += x3 * y1; sums[11] += x3 * y2;
        }
    }

    /**
     * {@link #dotTile}'s first row alone: sums[q] for the row of A at a[a0] and columns j.. of B, the
     * same operations in the same order, so the same bits. A 1-row batch (batch-1 inference through
     * W2's read-out, 1 x 10 x 3136) took the 4-row tile with three duplicate rows, four times the
     * multiply-adds; one row has three independent sums and needs no more.
     */
    private static void dotRow(float[] a, int a0, float[] b, int bOff, int ldb, int j, int nr, int kb, float[] sums) {
        int b0 = bOff + j * ldb;
        int b1 = bOff + (j + Math.min(1, nr - 1)) * ldb;
        int b2 = bOff + (j + Math.min(2, nr - 1)) * ldb;
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S);
        int bound = S.loopBound(kb);
        int p = 0;
        for (; p < bound; p += L) {
            FloatVector x = FloatVector.fromArray(S, a, a0 + p);
            s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
            s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
            s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
        }
        float[] lanes = WORKSPACE.get().lanes;
        s0.intoArray(lanes, 0); s1.intoArray(lanes, L); s2.intoArray(lanes, 2 * L);
        for (int t = 0; t < DN; t++) sums[t] = VectorKernels.sumLanes(lanes, t * L);
        for (; p < kb; p++) {                                 // scalar tail
            float x0 = a[a0 + p];
            sums[0] += x0 * b[b0 + p]; sums[1] += x0 * b[b1 + p]; sums[2] += x0 * b[b2 + p];
        }
    }
}
