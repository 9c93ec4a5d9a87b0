package org.relunet.kernels;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Winograd convolution for {@link VectorKernels}: the algorithm of {@link Winograd} (read it first)
 * with channels in the vector lanes. Must equal {@link ScalarKernels#convForward} and
 * {@link ScalarKernels#convBackward} within the rounding of the transforms (tests bound it).
 * Legend: see {@link Kernels}; a = alpha (input tile: 8 for 5x5 filters, 6 for 3x3), m = 4 the output
 * tile, T the tiles of one image (ceil(OH/m) * ceil(OW/m)), Cp and OCp the channel counts rounded up
 * to whole vectors (the padding channels are zero and drop out of every sum).
 *
 * <p>Per image, in blocks of at most 64 tiles so the buffers stay in L2 (W2's second convolution: one
 * block of T = 49):
 * <pre>
 *   xin (Hx, Wx, Cp)       the image, zero padded, channels last     Hx = ceil(OH/m)*m + r - 1
 *   V   (T, a*a, Cp)       V[t][xi] = (B^T d_t B)[xi], one vector of channels at a time
 *   M   (T, a*a, OCp)      M[.][xi] = V[.][xi] U[xi]     a*a GEMMs (T, Cp) x (Cp, OCp)
 *   yt  (OH', OW', OCp)    Y_t = A^T M_t A, then transposed to out (OC, OH, OW) plus bias
 * </pre>
 * Backward per image: dY transposed to channels last, dM = A dY A^T, V recomputed,
 * dU[xi] += V[xi]^T dM[xi] (per-task sums, added in task order at the end, so the same thread
 * count gives the same bits), dV[xi] = dM[xi] U[xi]^T, and B dV B^T added into the overlapping
 * input tiles; finally dW += G^T dU G.
 *
 * Tile-major V and M keep each tile's a*a points together for the transforms (the GEMMs read and
 * write their rows a*a*Cp apart, which their register tile does not mind).
 *
 * <p>Threads split the images; with fewer images than threads (batch-1 inference) they split the
 * filters instead, each transforming the whole image itself (see {@link #forward}).
 */
final class VectorWinograd {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = VectorGemm.MR, NR = VectorGemm.NR;
    /**
     * Most tile points per block: V and M of a block (2304 x (Cp + OCp) floats, 885 KB at 32 + 64
     * channels) fit L2. 64 tiles of F(4x4, 3x3) (36 points each), 36 of F(4x4, 5x5) (64 points).
     */
    private static final int MAX_BLOCK_POINTS = 64 * 36;

    /** {@code -Drelunet.winograd=false} sends every convolution down the implicit-GEMM path instead. */
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("relunet.winograd"));

    private VectorWinograd() {}

    /** Whether this convolution takes the Winograd path (see {@link Winograd#applies}). */
    static boolean takes(ConvShape g) {
        return ENABLED && Winograd.applies(g);
    }

    /** A small dense matrix stored as its nonzeros row by row: row i is sum over n of coef[i][n] * in[idx[i][n]]. */
    private record Sparse(int rows, int cols, int[][] idx, float[][] coef) {
        static Sparse of(float[] a, int rows, int cols, boolean transpose) {
            int outRows = transpose ? cols : rows, inCols = transpose ? rows : cols;
            int[][] idx = new int[outRows][];
            float[][] coef = new float[outRows][];
            for (int i = 0; i < outRows; i++) {
                int n = 0;
                for (int k = 0; k < inCols; k++) if (at(a, cols, transpose, i, k) != 0f) n++;
                idx[i] = new int[n];
                coef[i] = new float[n];
                n = 0;
                for (int k = 0; k < inCols; k++) {
                    float v = at(a, cols, transpose, i, k);
                    if (v != 0f) {
                        idx[i][n] = k;
                        coef[i][n++] = v;
                    }
                }
            }
            return new Sparse(outRows, inCols, idx, coef);
        }

        private static float at(float[] a, int cols, boolean transpose, int i, int k) {
            return transpose ? a[k * cols + i] : a[i * cols + k];
        }
    }

    /** The four tile transforms of one F(m, r). */
    private static final class Transforms {
        final Winograd w;
        final Sparse at, a;          // A^T (m, a), A (a, m): F(4, 3)'s output transforms (alpha 8 has at4 and a4)
        final Sparse g, gt;          // G (a, r), G^T (r, a)

        Transforms(Winograd w) {
            this.w = w;
            this.g = Sparse.of(w.g, w.alpha, w.r, false);
            this.gt = Sparse.of(w.g, w.alpha, w.r, true);
            this.at = Sparse.of(w.at, w.m, w.alpha, false);
            this.a = Sparse.of(w.at, w.m, w.alpha, true);
        }
    }

    private static final Transforms F4_5 = new Transforms(Winograd.forKernel(5));
    private static final Transforms F4_3 = new Transforms(Winograd.forKernel(3));

    private static Transforms transforms(int kernel) {
        return kernel == 5 ? F4_5 : F4_3;
    }

    /**
     * The two-sided transform of one tile, one vector of lanes: out (p, p) = Lm in Lm^T for Lm (p, q)
     * and in (q, q), with in[i][j] at src[sOff + i*sRow + j*sCol] and out[u][v] at
     * dst[dOff + u*dRow + v*dCol], overwritten or (add) added to. tmp holds q*p vectors.
     */
    private static void sandwich(Sparse lm, float[] src, int sOff, int sRow, int sCol,
                                 float[] dst, int dOff, int dRow, int dCol, boolean add, float[] tmp) {
        int p = lm.rows, q = lm.cols;
        for (int i = 0; i < q; i++) {                    // tmp[i][v] = sum_j Lm[v][j] in[i][j]
            int row = sOff + i * sRow;
            for (int v = 0; v < p; v++) {
                int[] ks = lm.idx[v];
                float[] cs = lm.coef[v];
                FloatVector acc = FloatVector.zero(S);
                for (int n = 0; n < ks.length; n++) {
                    acc = FloatVector.fromArray(S, src, row + ks[n] * sCol).fma(FloatVector.broadcast(S, cs[n]), acc);
                }
                acc.intoArray(tmp, (i * p + v) * L);
            }
        }
        for (int u = 0; u < p; u++) {                    // out[u][v] = sum_i Lm[u][i] tmp[i][v]
            int[] ks = lm.idx[u];
            float[] cs = lm.coef[u];
            for (int v = 0; v < p; v++) {
                FloatVector acc = FloatVector.zero(S);
                for (int n = 0; n < ks.length; n++) {
                    acc = FloatVector.fromArray(S, tmp, (ks[n] * p + v) * L).fma(FloatVector.broadcast(S, cs[n]), acc);
                }
                int o = dOff + u * dRow + v * dCol;
                if (add) acc = acc.add(FloatVector.fromArray(S, dst, o));
                acc.intoArray(dst, o);
            }
        }
    }


    // ------------------------------------------------------------ the alpha = 6 transforms, unrolled
    // F(4x4, 3x3)'s B^T and B (points 0, +-1, +-2, infinity); its output transforms use the generic
    // sandwich, which spends about twice the operations. Each routine maps alpha vectors read at a
    // stride to alpha (or m) vectors written at a stride; a tile transform is one pass over its rows
    // into tmp, then one over tmp's columns. WinogradTest holds them (through whole convolutions
    // against the direct reference) and the solved B^T (to the published matrices).

    private static final FloatVector TWO = FloatVector.broadcast(S, 2f), FOUR = FloatVector.broadcast(S, 4f);
    private static final FloatVector MINUS_TWO = FloatVector.broadcast(S, -2f), MINUS_FOUR = FloatVector.broadcast(S, -4f);
    private static final FloatVector MINUS_FIVE = FloatVector.broadcast(S, -5f);

    /** r = B^T d:  r0 = 4d0 - 5d2 + d4, r1 = d3 + d4 - 4(d1 + d2), r2 = d4 - d3 + 4(d1 - d2),
     *  r3 = d4 - d2 + 2(d3 - d1), r4 = d4 - d2 - 2(d3 - d1), r5 = 4d1 - 5d3 + d5. */
    private static void bt6(float[] src, int o, int st, float[] dst, int d, int dst6) {
        FloatVector d0 = FloatVector.fromArray(S, src, o), d1 = FloatVector.fromArray(S, src, o + st);
        FloatVector d2 = FloatVector.fromArray(S, src, o + 2 * st), d3 = FloatVector.fromArray(S, src, o + 3 * st);
        FloatVector d4 = FloatVector.fromArray(S, src, o + 4 * st), d5 = FloatVector.fromArray(S, src, o + 5 * st);
        d0.fma(FOUR, d2.fma(MINUS_FIVE, d4)).intoArray(dst, d);
        d1.add(d2).fma(MINUS_FOUR, d3.add(d4)).intoArray(dst, d + dst6);
        d1.sub(d2).fma(FOUR, d4.sub(d3)).intoArray(dst, d + 2 * dst6);
        FloatVector w = d4.sub(d2), z = d3.sub(d1);
        z.fma(TWO, w).intoArray(dst, d + 3 * dst6);
        z.fma(MINUS_TWO, w).intoArray(dst, d + 4 * dst6);
        d1.fma(FOUR, d3.fma(MINUS_FIVE, d5)).intoArray(dst, d + 5 * dst6);
    }

    /** dd = B v (the adjoint of bt6), added to dst when add: dd0 = 4v0, dd1 = 4v5 - 4(v1 - v2) - 2(v3 - v4),
     *  dd2 = -5v0 - 4(v1 + v2) - (v3 + v4), dd3 = (v1 - v2) + 2(v3 - v4) - 5v5, dd4 = v0 + v1 + v2 + v3 + v4, dd5 = v5. */
    private static void b6(float[] src, int o, int st, float[] dst, int d, int dst6, boolean add) {
        FloatVector v0 = FloatVector.fromArray(S, src, o), v1 = FloatVector.fromArray(S, src, o + st);
        FloatVector v2 = FloatVector.fromArray(S, src, o + 2 * st), v3 = FloatVector.fromArray(S, src, o + 3 * st);
        FloatVector v4 = FloatVector.fromArray(S, src, o + 4 * st), v5 = FloatVector.fromArray(S, src, o + 5 * st);
        FloatVector p = v1.add(v2), q = v1.sub(v2), r = v3.add(v4), s = v3.sub(v4);
        FloatVector r0 = v0.mul(FOUR);
        FloatVector r1 = q.fma(MINUS_FOUR, s.fma(MINUS_TWO, v5.mul(FOUR)));
        FloatVector r2 = v0.fma(MINUS_FIVE, p.fma(MINUS_FOUR, r.neg()));
        FloatVector r3 = s.fma(TWO, q).add(v5.mul(MINUS_FIVE));
        FloatVector r4 = v0.add(p).add(r);
        if (add) {                                       // stores in both branches: no vector phi to box
            r0.add(FloatVector.fromArray(S, dst, d)).intoArray(dst, d);
            r1.add(FloatVector.fromArray(S, dst, d + dst6)).intoArray(dst, d + dst6);
            r2.add(FloatVector.fromArray(S, dst, d + 2 * dst6)).intoArray(dst, d + 2 * dst6);
            r3.add(FloatVector.fromArray(S, dst, d + 3 * dst6)).intoArray(dst, d + 3 * dst6);
            r4.add(FloatVector.fromArray(S, dst, d + 4 * dst6)).intoArray(dst, d + 4 * dst6);
            v5.add(FloatVector.fromArray(S, dst, d + 5 * dst6)).intoArray(dst, d + 5 * dst6);
        } else {
            r0.intoArray(dst, d);
            r1.intoArray(dst, d + dst6);
            r2.intoArray(dst, d + 2 * dst6);
            r3.intoArray(dst, d + 3 * dst6);
            r4.intoArray(dst, d + 4 * dst6);
            v5.intoArray(dst, d + 5 * dst6);
        }
    }

    // ------------------------------------------------------------ the alpha = 8 transforms, unrolled
    // F(4x4, 5x5), points 0, +-1, +-2, +-1/2 and infinity. Each routine pairs the rows of +p and -p:
    // their sum takes the even powers, their difference the odd ones.

    private static final FloatVector HALF = FloatVector.broadcast(S, 0.5f), QUARTER = FloatVector.broadcast(S, 0.25f);
    private static final FloatVector EIGHTH = FloatVector.broadcast(S, 0.125f), EIGHT = FloatVector.broadcast(S, 8f);
    private static final FloatVector F5_25 = FloatVector.broadcast(S, 5.25f), MINUS_F4_25 = FloatVector.broadcast(S, -4.25f);
    private static final FloatVector MINUS_F2_5 = FloatVector.broadcast(S, -2.5f), MINUS_F1_25 = FloatVector.broadcast(S, -1.25f);
    private static final FloatVector MINUS_F5_25 = FloatVector.broadcast(S, -5.25f);

    /**
     * r = B^T d (8 -> 8): r0 = (d6 - d0) + 5.25(d2 - d4), r7 = (d7 - d1) + 5.25(d3 - d5), and with
     * e_p, o_p the even and odd parts at p = 1, 2, 1/2 (r1,2 = e1 +- o1, r5,6 = e2 +- o2, r3,4 = e1/2 +- o1/2):
     * e1 = d2 + d6 - 4.25 d4, o1 = d1 + d5 - 4.25 d3; e2 = 4 d2 - 5 d4 + d6, o2 = 2 d1 - 2.5 d3 + 0.5 d5;
     * e1/2 = 0.25 d2 - 1.25 d4 + d6, o1/2 = 0.5 d1 - 2.5 d3 + 2 d5.
     */
    private static void bt8(float[] src, int o, int st, float[] dst, int d, int dst8) {
        FloatVector d0 = FloatVector.fromArray(S, src, o), d1 = FloatVector.fromArray(S, src, o + st);
        FloatVector d2 = FloatVector.fromArray(S, src, o + 2 * st), d3 = FloatVector.fromArray(S, src, o + 3 * st);
        FloatVector d4 = FloatVector.fromArray(S, src, o + 4 * st), d5 = FloatVector.fromArray(S, src, o + 5 * st);
        FloatVector d6 = FloatVector.fromArray(S, src, o + 6 * st), d7 = FloatVector.fromArray(S, src, o + 7 * st);
        d2.sub(d4).fma(F5_25, d6.sub(d0)).intoArray(dst, d);
        FloatVector e = d4.fma(MINUS_F4_25, d2.add(d6)), od = d3.fma(MINUS_F4_25, d1.add(d5));
        e.add(od).intoArray(dst, d + dst8);
        e.sub(od).intoArray(dst, d + 2 * dst8);
        e = d4.fma(MINUS_F1_25, d2.fma(QUARTER, d6));
        od = d3.fma(MINUS_F2_5, d1.fma(HALF, d5.mul(TWO)));
        e.add(od).intoArray(dst, d + 3 * dst8);
        e.sub(od).intoArray(dst, d + 4 * dst8);
        e = d4.fma(MINUS_FIVE, d2.fma(FOUR, d6));
        od = d3.fma(MINUS_F2_5, d1.fma(TWO, d5.mul(HALF)));
        e.add(od).intoArray(dst, d + 5 * dst8);
        e.sub(od).intoArray(dst, d + 6 * dst8);
        d3.sub(d5).fma(F5_25, d7.sub(d1)).intoArray(dst, d + 7 * dst8);
    }

    /**
     * dd = B v (the adjoint of bt8), added to dst when add. With p_k = v_k + v_(k+1) and
     * q_k = v_k - v_(k+1) for k = 1, 3, 5: dd0 = -v0, dd1 = q1 + 0.5 q3 + 2 q5 - v7,
     * dd2 = 5.25 v0 + p1 + 0.25 p3 + 4 p5, dd3 = 5.25 v7 - 4.25 q1 - 2.5 (q3 + q5),
     * dd4 = -5.25 v0 - 4.25 p1 - 1.25 p3 - 5 p5, dd5 = q1 + 2 q3 + 0.5 q5 - 5.25 v7,
     * dd6 = v0 + p1 + p3 + p5, dd7 = v7. The stores are written out, as in b6: a helper
     * {@code store(v, dst, at, add)} made W2's convolution backward 10% slower (batch 64, two threads:
     * 5.1-5.5 -> 5.7-6.1 ms).
     */
    private static void b8(float[] src, int o, int st, float[] dst, int d, int dst8, boolean add) {
        FloatVector v0 = FloatVector.fromArray(S, src, o), v1 = FloatVector.fromArray(S, src, o + st);
        FloatVector v2 = FloatVector.fromArray(S, src, o + 2 * st), v3 = FloatVector.fromArray(S, src, o + 3 * st);
        FloatVector v4 = FloatVector.fromArray(S, src, o + 4 * st), v5 = FloatVector.fromArray(S, src, o + 5 * st);
        FloatVector v6 = FloatVector.fromArray(S, src, o + 6 * st), v7 = FloatVector.fromArray(S, src, o + 7 * st);
        FloatVector p1 = v1.add(v2), q1 = v1.sub(v2), p3 = v3.add(v4), q3 = v3.sub(v4), p5 = v5.add(v6), q5 = v5.sub(v6);
        FloatVector r0 = v0.neg();
        FloatVector r1 = q3.fma(HALF, q5.fma(TWO, q1)).sub(v7);
        FloatVector r2 = v0.fma(F5_25, p3.fma(QUARTER, p5.fma(FOUR, p1)));
        FloatVector r3 = v7.fma(F5_25, q1.fma(MINUS_F4_25, q3.add(q5).mul(MINUS_F2_5)));
        FloatVector r4 = v0.fma(MINUS_F5_25, p1.fma(MINUS_F4_25, p3.fma(MINUS_F1_25, p5.mul(MINUS_FIVE))));
        FloatVector r5 = v7.fma(MINUS_F5_25, q3.fma(TWO, q5.fma(HALF, q1)));
        FloatVector r6 = v0.add(p1).add(p3.add(p5));
        if (add) {                                       // stores in both branches: no vector phi to box
            r0.add(FloatVector.fromArray(S, dst, d)).intoArray(dst, d);
            r1.add(FloatVector.fromArray(S, dst, d + dst8)).intoArray(dst, d + dst8);
            r2.add(FloatVector.fromArray(S, dst, d + 2 * dst8)).intoArray(dst, d + 2 * dst8);
            r3.add(FloatVector.fromArray(S, dst, d + 3 * dst8)).intoArray(dst, d + 3 * dst8);
            r4.add(FloatVector.fromArray(S, dst, d + 4 * dst8)).intoArray(dst, d + 4 * dst8);
            r5.add(FloatVector.fromArray(S, dst, d + 5 * dst8)).intoArray(dst, d + 5 * dst8);
            r6.add(FloatVector.fromArray(S, dst, d + 6 * dst8)).intoArray(dst, d + 6 * dst8);
            v7.add(FloatVector.fromArray(S, dst, d + 7 * dst8)).intoArray(dst, d + 7 * dst8);
        } else {
            r0.intoArray(dst, d);
            r1.intoArray(dst, d + dst8);
            r2.intoArray(dst, d + 2 * dst8);
            r3.intoArray(dst, d + 3 * dst8);
            r4.intoArray(dst, d + 4 * dst8);
            r5.intoArray(dst, d + 5 * dst8);
            r6.intoArray(dst, d + 6 * dst8);
            v7.intoArray(dst, d + 7 * dst8);
        }
    }

    /**
     * y = A^T M for F(4, 5) (8 -> 4), with p_k, q_k as in b8 (of M): y0 = M0 + p1 + p3 + p5,
     * y1 = q1 + 2 q3 + 0.5 q5, y2 = p1 + 4 p3 + 0.25 p5, y3 = q1 + 8 q3 + 0.125 q5 + M7.
     */
    private static void at4(float[] src, int o, int st, float[] dst, int d, int dst4) {
        FloatVector m0 = FloatVector.fromArray(S, src, o), m1 = FloatVector.fromArray(S, src, o + st);
        FloatVector m2 = FloatVector.fromArray(S, src, o + 2 * st), m3 = FloatVector.fromArray(S, src, o + 3 * st);
        FloatVector m4 = FloatVector.fromArray(S, src, o + 4 * st), m5 = FloatVector.fromArray(S, src, o + 5 * st);
        FloatVector m6 = FloatVector.fromArray(S, src, o + 6 * st), m7 = FloatVector.fromArray(S, src, o + 7 * st);
        FloatVector p1 = m1.add(m2), q1 = m1.sub(m2), p3 = m3.add(m4), q3 = m3.sub(m4), p5 = m5.add(m6), q5 = m5.sub(m6);
        m0.add(p1).add(p3.add(p5)).intoArray(dst, d);
        q3.fma(TWO, q5.fma(HALF, q1)).intoArray(dst, d + dst4);
        p3.fma(FOUR, p5.fma(QUARTER, p1)).intoArray(dst, d + 2 * dst4);
        q3.fma(EIGHT, q5.fma(EIGHTH, q1.add(m7))).intoArray(dst, d + 3 * dst4);
    }

    /**
     * dM = A dY for F(4, 5) (the adjoint of at4, 4 -> 8): dM0 = y0, dM7 = y3, and the pairs at
     * p = 1, 2, 1/2 as even +- odd parts: y0 + y2 +- (y1 + y3), y0 + 4 y2 +- (2 y1 + 8 y3),
     * y0 + 0.25 y2 +- (0.5 y1 + 0.125 y3).
     */
    private static void a4(float[] src, int o, int st, float[] dst, int d, int dst8) {
        FloatVector y0 = FloatVector.fromArray(S, src, o), y1 = FloatVector.fromArray(S, src, o + st);
        FloatVector y2 = FloatVector.fromArray(S, src, o + 2 * st), y3 = FloatVector.fromArray(S, src, o + 3 * st);
        y0.intoArray(dst, d);
        FloatVector e = y0.add(y2), od = y1.add(y3);
        e.add(od).intoArray(dst, d + dst8);
        e.sub(od).intoArray(dst, d + 2 * dst8);
        e = y2.fma(FOUR, y0);
        od = y3.fma(EIGHT, y1.mul(TWO));
        e.add(od).intoArray(dst, d + 3 * dst8);
        e.sub(od).intoArray(dst, d + 4 * dst8);
        e = y2.fma(QUARTER, y0);
        od = y3.fma(EIGHTH, y1.mul(HALF));
        e.add(od).intoArray(dst, d + 5 * dst8);
        e.sub(od).intoArray(dst, d + 6 * dst8);
        y3.intoArray(dst, d + 7 * dst8);
    }

    /** V_t = B^T d B (alpha a = 6 or 8) for the tile whose top-left input is src[o] (rows sRow apart, columns sCol apart). */
    private static void inputTile(int a, float[] src, int o, int sRow, int sCol, float[] dst, int d, int dRow, int dCol, float[] tmp) {
        if (a == 6) {
            for (int i = 0; i < 6; i++) bt6(src, o + i * sRow, sCol, tmp, i * 6 * L, L);      // tmp[i][v] = (d B)[i][v]
            for (int v = 0; v < 6; v++) bt6(tmp, v * L, 6 * L, dst, d + v * dCol, dRow);     // V[u][v] = (B^T tmp)[u][v]
        } else {
            for (int i = 0; i < 8; i++) bt8(src, o + i * sRow, sCol, tmp, i * 8 * L, L);
            for (int v = 0; v < 8; v++) bt8(tmp, v * L, 8 * L, dst, d + v * dCol, dRow);
        }
    }

    /** The adjoint of inputTile: dd = B dV B^T added into the tile at dst[d]. */
    private static void inputTileBackward(int a, float[] src, int o, int sRow, int sCol, float[] dst, int d, int dRow, int dCol,
                                          float[] tmp) {
        if (a == 6) {
            for (int u = 0; u < 6; u++) b6(src, o + u * sRow, sCol, tmp, u * 6 * L, L, false); // tmp[u][j] = (dV B^T)[u][j]
            for (int j = 0; j < 6; j++) b6(tmp, j * L, 6 * L, dst, d + j * dCol, dRow, true);  // dd[i][j] += (B tmp)[i][j]
        } else {
            for (int u = 0; u < 8; u++) b8(src, o + u * sRow, sCol, tmp, u * 8 * L, L, false);
            for (int j = 0; j < 8; j++) b8(tmp, j * L, 8 * L, dst, d + j * dCol, dRow, true);
        }
    }

    /** The geometry of one call, and the transformed filters, owned by the calling thread. */
    private static final class Plan {
        Transforms tf;
        int a, xi2, m, r, batch, channels, filters, height, width, pad, outH, outW;
        int cp, ocp, tilesH, tilesW, hx, wx;
        int tiles;                     // T of one image
        int block;                     // tiles per block: V and M hold one block, so large images stay in cache
        float[] uc = new float[0];     // (a*a, OCp, Cp): U[xi][oc][c], for dV = dM U^T
        Filters current;               // the cache entry of the current call's weights
        /** U per weight array (arrays hash and compare by identity; an entry goes with its weights). */
        final java.util.Map<float[], Filters> cache = new java.util.WeakHashMap<>();
        float[] wt = new float[0];     // (C*r*r, OCp) or (OC*r*r, Cp): the filters with one channel kind in lanes
        final TaskSums sums = new TaskSums();  // per task: dU (a*a, Cp, OCp), bias (OCp)
        final int[] ocMap = new int[L], cMap = new int[L];

        void geometry(ConvShape g) {
            tf = transforms(g.kernel());
            Winograd w = tf.w;
            a = w.alpha;
            xi2 = a * a;
            m = w.m;
            r = w.r;
            batch = g.batch();
            channels = g.channels();
            filters = g.filters();
            height = g.height();
            width = g.width();
            pad = g.pad();
            outH = g.outH();
            outW = g.outW();
            cp = (channels + NR - 1) / NR * NR;
            ocp = (filters + NR - 1) / NR * NR;
            tilesH = (outH + m - 1) / m;
            tilesW = (outW + m - 1) / m;
            tiles = tilesH * tilesW;
            int maxBlock = MAX_BLOCK_POINTS / xi2, blocks = (tiles + maxBlock - 1) / maxBlock;
            block = (tiles + blocks - 1) / blocks;       // equal blocks, none a sliver
            hx = tilesH * m + r - 1;
            wx = tilesW * m + r - 1;
            if (uc.length < xi2 * cp * ocp) uc = new float[xi2 * cp * ocp];
            int rr = r * r;
            if (wt.length < rr * Math.max(channels * ocp, filters * cp)) wt = new float[rr * Math.max(channels * ocp, filters * cp)];
            for (int lane = 0; lane < L; lane++) {
                ocMap[lane] = lane * channels * rr;      // lane = filter of weight (OC, C*r*r)
                cMap[lane] = lane * rr;                  // lane = channel of weight (OC, C*r*r)
            }
        }

        /**
         * Makes the cache entry of these weights current (after {@link #geometry}); an entry made for
         * another geometry is marked stale. Each layer keeps its own U, so a network with several
         * Winograd layers does not transform them all again at every inference call.
         */
        void select(float[] weight) {
            Filters f = cache.computeIfAbsent(weight, w -> new Filters());
            if (f.tf != tf || f.channels != channels || f.filters != filters) {
                f.tf = tf;
                f.channels = channels;
                f.filters = filters;
                f.valid = false;
            }
            if (f.ut.length < xi2 * cp * ocp) {
                f.ut = new float[xi2 * cp * ocp];
                f.valid = false;
            }
            current = f;
        }

        void sums(int tasks) {
            sums.ensure(tasks, xi2 * cp * ocp, ocp);
            for (int t = 0; t < tasks; t++) {
                Arrays.fill(sums.weight[t], 0, xi2 * cp * ocp, 0f);
                Arrays.fill(sums.bias[t], 0, ocp, 0f);
            }
        }
    }

    /** The transformed filters U of one weight array, and the weights they were made from. */
    private static final class Filters {
        float[] ut = new float[0];     // (a*a, Cp, OCp): U[xi][c][oc]
        float[] weights = new float[0];
        boolean valid;
        Transforms tf;
        int channels, filters;
    }

    /** How many times filters were transformed for a forward pass (whole or a range): tests read it. */
    static final java.util.concurrent.atomic.LongAdder FORWARD_FILTER_TRANSFORMS = new java.util.concurrent.atomic.LongAdder();

    /** Per-thread buffers for one image, grown to a high-water mark. */
    private static final class Scratch {
        float[] xin = new float[0], v = new float[0], mx = new float[0], yt = new float[0], dxin = new float[0];
        float[] ytT = new float[0];                      // forward: (OCp, OH*OW'), yt's first OH rows transposed;
                                                         // backward: (OH*OW, OCp), dOut[b] channels last
        float[] xt = new float[0];                       // (H*W, Cp): one image channels last, unpadded
        final float[] tmp = new float[64 * 64];
        final float[] lanes = new float[L];

        void size(Plan p) {
            int in = p.hx * p.wx * p.cp, vs = p.xi2 * p.block * p.cp, ms = p.xi2 * p.block * p.ocp;
            int ys = p.tilesH * p.m * p.tilesW * p.m * p.ocp;
            if (xin.length < in) { xin = new float[in]; dxin = new float[in]; }
            if (v.length < vs) v = new float[vs];
            if (mx.length < ms) mx = new float[ms];
            if (yt.length < ys) { yt = new float[ys]; ytT = new float[ys]; }
            if (xt.length < p.height * p.width * p.cp) xt = new float[p.height * p.width * p.cp];
        }
    }

    private static final ThreadLocal<Plan> PLAN = ThreadLocal.withInitial(Plan::new);
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static int split(int count, int parts, int t) {
        return (int) ((long) count * t / parts);
    }

    /**
     * C (rows, n) = A (rows, k) B (k, n) + beta C (beta 0 or 1), n a multiple of NR, with
     * A(i, p) = a[aOff + i*aRow + p*aCol] read in place (the tiles need no packing: a panel of
     * MR tiles is MR*Cp floats, already in L1) by the GEMM's register-tile micro-kernel.
     */
    private static void product(int rows, int n, int k, float[] a, int aOff, int aRow, int aCol,
                                float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, float beta) {
        int full = rows / MR * MR;
        for (int i = 0; i < full; i += MR) {
            for (int j = 0; j < n; j += NR) {
                kernel(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, beta);
            }
        }
        for (int i = full; i < rows; i++) {
            for (int j = 0; j < n; j += NR) rowKernel(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, beta);
        }
    }

    /**
     * {@link VectorGemm}'s 8 x NR register tile reading A in place through strides:
     * C[0:8, 0:NR] = sum_p A(r, p) * B[p][0:NR] + beta * C (beta == 0: C is not read), where
     * A(r, p) = ap[aOff + r*aRow + p*aCol] and B row p starts at b[bOff + p*ldb]. A second copy on
     * purpose: with the strides as variables the packed GEMM measured 20% slower (1024^3: 94 -> 74
     * GFLOP/s), so the packed kernel keeps its constant offsets.
     */
    private static void kernel(int kb, float[] ap, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
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
            int ai = aOff + p * aCol;
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + aRow]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2 * aRow]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3 * aRow]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4 * aRow]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5 * aRow]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, ap[ai + 6 * aRow]);
            c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, ap[ai + 7 * aRow]);
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

    /**
     * One row of C: C[0, 0:NR] = sum_p A(p) B[p][0:NR] + beta C, A(p) = a[aOff + p*aCol]: the rows
     * of a product left over after whole MR-row panels (W2's 49 tiles = 6 panels + 1 row; padding the
     * last panel would spend an eighth of the FMAs on nothing).
     */
    private static void rowKernel(int k, float[] a, int aOff, int aCol, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, float beta) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        for (int p = 0; p < k; p++, bOff += ldb) {
            FloatVector av = FloatVector.broadcast(S, a[aOff + p * aCol]);
            c0 = av.fma(FloatVector.fromArray(S, b, bOff), c0);
            c1 = av.fma(FloatVector.fromArray(S, b, bOff + L), c1);
        }
        if (beta != 0f) {                                // stores in both branches: no vector phi to box
            c0.add(FloatVector.fromArray(S, c, cOff)).intoArray(c, cOff);
            c1.add(FloatVector.fromArray(S, c, cOff + L)).intoArray(c, cOff + L);
        } else {
            c0.intoArray(c, cOff);
            c1.intoArray(c, cOff + L);
        }
    }


    // ------------------------------------------------------------ filters, and layouts, vectorised

    /**
     * dst[dOff + lane] = src[base + map[lane]] for lane < count, 0 beyond: one gather when all L lanes
     * are real (a masked gather still checks every lane's index), a scalar loop for the ragged group.
     */
    private static void gather(float[] src, int base, int[] map, int count, float[] dst, int dOff) {
        if (count >= L) {
            FloatVector.fromArray(S, src, base, map, 0).intoArray(dst, dOff);
            return;
        }
        for (int lane = 0; lane < L; lane++) dst[dOff + lane] = lane < count ? src[base + map[lane]] : 0f;
    }

    /** dst[base + map[lane]] = src[sOff + lane] (+ add[lane]) for lane < count: the inverse of {@link #gather}. */
    private static void scatter(float[] src, int sOff, float[] add, int addOff, int count, float[] dst, int base, int[] map) {
        if (count >= L) {
            FloatVector v = FloatVector.fromArray(S, src, sOff);
            if (add != null) v = v.add(FloatVector.fromArray(S, add, addOff));
            v.intoArray(dst, base, map, 0);
            return;
        }
        for (int lane = 0; lane < count; lane++) dst[base + map[lane]] = src[sOff + lane] + (add == null ? 0f : add[addOff + lane]);
    }


    /**
     * U = G g G^T for every (filter, channel) pair, with filters in the lanes (into ut (a*a, Cp, OCp)) or,
     * when channelLanes, channels in the lanes (into uc (a*a, OCp, Cp)), for the lanes [lane0, lane1)
     * (lane0 a multiple of L; all of them zero U first, so the padding rows stay zero). The filters are
     * first gathered into wt with that kind of channel last.
     */
    private static void filterTransform(Plan p, float[] weight, boolean channelLanes, int lane0, int lane1, float[] u) {
        int rr = p.r * p.r, outer = channelLanes ? p.filters : p.channels, lanes = channelLanes ? p.cp : p.ocp;
        int valid = channelLanes ? p.channels : p.filters;
        int[] map = channelLanes ? p.cMap : p.ocMap;
        for (int o = 0; o < outer; o++) {                // wt[o][q][lane] = weight[lane or o][o or lane][q]
            for (int l0 = lane0; l0 < lane1; l0 += L) {
                int base = channelLanes ? (o * p.channels + l0) * rr : (l0 * p.channels + o) * rr;
                for (int q = 0; q < rr; q++) gather(weight, base + q, map, valid - l0, p.wt, (o * rr + q) * lanes + l0);
            }
        }
        int plane = p.cp * p.ocp;
        if (lane0 == 0 && lane1 >= lanes) Arrays.fill(u, 0, p.xi2 * plane, 0f);
        for (int o = 0; o < outer; o++) {
            for (int l0 = lane0; l0 < lane1; l0 += L) {
                sandwich(p.tf.g, p.wt, o * rr * lanes + l0, p.r * lanes, lanes, u, o * lanes + l0, p.a * plane, plane, false,
                        SCRATCH.get().tmp);
            }
        }
    }

    /** dWeight[oc][c] += G^T dU[.][c][oc] G, filters in the lanes, du (a*a, Cp, OCp). */
    private static void filterTransformBackward(Plan p, float[] du, float[] dWeight) {
        int rr = p.r * p.r, plane = p.cp * p.ocp;
        float[] tmp = SCRATCH.get().tmp;
        for (int c = 0; c < p.channels; c++) {
            for (int oc0 = 0; oc0 < p.filters; oc0 += L) {   // wt[c][k][j][oc] = (G^T dU G)[k][j]
                sandwich(p.tf.gt, du, c * p.ocp + oc0, p.a * plane, plane, p.wt, c * rr * p.ocp + oc0, p.r * p.ocp, p.ocp,
                        false, tmp);
                int base = (oc0 * p.channels + c) * rr;
                float[] old = SCRATCH.get().lanes;
                for (int q = 0; q < rr; q++) {           // dWeight[oc][c][q] += wt[c][q][oc]
                    gather(dWeight, base + q, p.ocMap, p.filters - oc0, old, 0);
                    scatter(p.wt, (c * rr + q) * p.ocp + oc0, old, 0, p.filters - oc0, dWeight, base + q, p.ocMap);
                }
            }
        }
    }

    // ---------------------------------------------------------------- forward

    static void forward(ConvShape g, float[] x, float[] weight, float[] bias, float[] out) {
        Plan p = PLAN.get();
        p.geometry(g);
        p.select(weight);
        int batch = g.batch(), threads = Parallel.threads();
        if (threads > 1 && batch >= threads) {
            refreshFilters(p, weight, 0, p.filters);
            Parallel.forEach(threads, t -> {
                Scratch s = SCRATCH.get();
                s.size(p);
                for (int b = split(batch, threads, t); b < split(batch, threads, t + 1); b++) image(p, s, x, b, bias, out, 0, p.ocp);
            });
            return;
        }
        // One thread, or fewer images than threads (batch-1 inference): the threads split the filters.
        // Each transforms the whole image itself and computes the products, output tiles and output
        // planes of its own filters: the image is 3 KB per channel, V and M hundreds of KB, so
        // transforming twice costs less than passing V and M between the cores (and each core keeps
        // its half of U in its own L2 from call to call). Every output has the same bits for any split.
        if (!p.current.valid) refreshFilters(p, weight, 0, p.filters);
        int panels = p.ocp / NR, tasks = Math.min(threads, panels);
        if (tasks == 1) {
            filterShare(p, x, weight, bias, out, 0, p.ocp);
            return;
        }
        Parallel.forEach(tasks, t -> filterShare(p, x, weight, bias, out, split(panels, tasks, t) * NR, split(panels, tasks, t + 1) * NR));
    }

    /** Every image of the batch, for the filters [oc0, oc1) only (whole NR panels of OCp). */
    private static void filterShare(Plan p, float[] x, float[] weight, float[] bias, float[] out, int oc0, int oc1) {
        refreshFilters(p, weight, oc0, Math.min(oc1, p.filters));
        Scratch s = SCRATCH.get();
        s.size(p);
        for (int b = 0; b < p.batch; b++) image(p, s, x, b, bias, out, oc0, oc1);
    }

    /** out[b][oc0:oc1] for one image, in the running thread's scratch. */
    private static void image(Plan p, Scratch s, float[] x, int b, float[] bias, float[] out, int oc0, int oc1) {
        padImage(p, s, x, b);
        for (int t0 = 0; t0 < p.tiles; t0 += p.block) {
            int t1 = Math.min(p.tiles, t0 + p.block);
            inputTiles(p, s, t0, t1, t0, s.tmp);
            points(p, s, t1 - t0, oc0, oc1);
            outputTiles(p, s, t0, t1, t0, s.tmp, oc0, oc1);
        }
        writeOutput(p, s, b, bias, out, oc0, Math.min(oc1, p.filters));
    }

    /**
     * Makes U's filters [f0, f1) those of weight, unless they already are: inference reuses U while
     * the weights stay the same (a compare of 200 KB for W2's second convolution, against a transform
     * many times that). The filters are contiguous in weight (OC, C*r*r), so threads that own
     * different filters compare and transform their own.
     */
    private static void refreshFilters(Plan p, float[] weight, int f0, int f1) {
        Filters f = p.current;
        int per = p.channels * p.r * p.r, n = p.filters * per;
        if (f.weights.length < n) {
            f.weights = new float[n];
            f.valid = false;
        }
        if (!f.valid) {                                  // new entry or geometry: all of U, padding included
            filterTransform(p, weight, false, 0, p.ocp, f.ut);
            System.arraycopy(weight, 0, f.weights, 0, n);
            f.valid = true;
            FORWARD_FILTER_TRANSFORMS.increment();
            return;
        }
        if (Arrays.equals(weight, f0 * per, f1 * per, f.weights, f0 * per, f1 * per)) return;
        filterTransform(p, weight, false, f0 / L * L, f1, f.ut);
        System.arraycopy(weight, f0 * per, f.weights, f0 * per, (f1 - f0) * per);
        FORWARD_FILTER_TRANSFORMS.increment();
    }

    /** M[.][xi][oc0:oc1] (rows, oc1 - oc0) = V[.][xi] (rows, Cp) U[xi][.][oc0:oc1] (Cp, oc1 - oc0) for every point of a block of tiles. */
    private static void points(Plan p, Scratch s, int rows, int oc0, int oc1) {
        int tc = p.xi2 * p.cp, to = p.xi2 * p.ocp;       // the strides of one tile in V and M
        float[] u = p.current.ut;
        for (int xi = 0; xi < p.xi2; xi++) {
            product(rows, oc1 - oc0, p.cp, s.v, xi * p.cp, tc, 1, u, xi * p.cp * p.ocp + oc0, p.ocp, s.mx, xi * p.ocp + oc0, to, 0f);
        }
    }

    /** Y_t = A^T M_t A for the tiles [t0, t1) (block rows t - base), channels [oc0, oc1), into yt (tilesH*m, tilesW*m, OCp). */
    private static void outputTiles(Plan p, Scratch s, int t0, int t1, int base, float[] tmp, int oc0, int oc1) {
        int to = p.xi2 * p.ocp, ow = p.tilesW * p.m;
        for (int t = t0; t < t1; t++) {
            int ty = t / p.tilesW, tx = t % p.tilesW;
            for (int c = oc0; c < oc1; c += L) {
                int src = (t - base) * to + c, dst = (ty * p.m * ow + tx * p.m) * p.ocp + c;
                if (p.a == 8) {                          // F(4, 5): Y = A^T M A, rows into tmp, then columns
                    for (int u = 0; u < 8; u++) at4(s.mx, src + u * 8 * p.ocp, p.ocp, tmp, u * 4 * L, L);
                    for (int j = 0; j < 4; j++) at4(tmp, j * L, 4 * L, s.yt, dst + j * p.ocp, ow * p.ocp);
                } else {
                    sandwich(p.tf.at, s.mx, src, p.a * p.ocp, p.ocp, s.yt, dst, ow * p.ocp, p.ocp, false, tmp);
                }
            }
        }
    }

    /**
     * out[b][oc][oh][ow] = yt[oh][ow][oc] + bias[oc] for oc in [oc0, oc1): a transpose in 16 x 16
     * register tiles and a vector add. When the tiles end at the output's right edge, yt's first
     * OH*OW rows are the output pixels in order and go straight to out; otherwise (W2's 14 x 14
     * output in tiles of 4: rows of 16) the first OH rows of yt go to ytT (OC, OH*OW') and each
     * output row is copied from there with its bias under a mask.
     */
    private static void writeOutput(Plan p, Scratch s, int b, float[] bias, float[] out, int oc0, int oc1) {
        int plane = p.outH * p.outW, ow = p.tilesW * p.m;
        if (ow == p.outW) {
            VectorSparse.transposeBlock(s.yt, oc0, p.ocp, plane, oc1 - oc0, out, (b * p.filters + oc0) * plane, plane);
            for (int oc = oc0; oc < oc1; oc++) addScalar(out, (b * p.filters + oc) * plane, plane, bias == null ? 0f : bias[oc]);
            return;
        }
        int rows = p.outH * ow;                          // the pixels of yt's first OH rows
        VectorSparse.transposeBlock(s.yt, oc0, p.ocp, rows, oc1 - oc0, s.ytT, 0, rows);
        for (int w = 0; w < p.outW; w += L) {
            VectorMask<Float> live = S.indexInRange(w, p.outW);
            for (int oc = oc0; oc < oc1; oc++) {
                FloatVector add = FloatVector.broadcast(S, bias == null ? 0f : bias[oc]);
                int o = (b * p.filters + oc) * plane + w, src = (oc - oc0) * rows + w;
                for (int oh = 0; oh < p.outH; oh++) {
                    FloatVector.fromArray(S, s.ytT, src + oh * ow, live).add(add).intoArray(out, o + oh * p.outW, live);
                }
            }
        }
    }

    /** a[off .. off + n) += add (also when add is 0: -0 + 0 is +0, as the scalar path gives). */
    private static void addScalar(float[] a, int off, int n, float add) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) FloatVector.fromArray(S, a, off + i).add(add).intoArray(a, off + i);
        for (; i < n; i++) a[off + i] += add;
    }

    /**
     * xin (Hx, Wx, Cp) = image b padded, channels last. When the channels fill Cp: the image's
     * (C, H*W) transposed in 16 x 16 register tiles into xt (H*W, Cp), then copied row by row into
     * the padded grid; otherwise scalar.
     */
    private static void padImage(Plan p, Scratch s, float[] x, int b) {
        float[] xin = s.xin;
        Arrays.fill(xin, 0, p.hx * p.wx * p.cp, 0f);
        int plane = p.height * p.width;
        if (p.channels == p.cp) {
            VectorSparse.transposeBlock(x, b * p.channels * plane, plane, p.channels, plane, s.xt, 0, p.cp);
            for (int h = 0; h < p.height; h++) {
                System.arraycopy(s.xt, h * p.width * p.cp, xin, ((h + p.pad) * p.wx + p.pad) * p.cp, p.width * p.cp);
            }
            return;
        }
        for (int c = 0; c < p.channels; c++) {
            int src = (b * p.channels + c) * plane;
            for (int h = 0; h < p.height; h++) {
                int dst = ((h + p.pad) * p.wx + p.pad) * p.cp + c;
                for (int w = 0; w < p.width; w++) xin[dst + w * p.cp] = x[src++];
            }
        }
    }

    /** V[t - base][xi] = (B^T d_t B)[xi] for the tiles [t0, t1) of xin (tmp: the running thread's). */
    private static void inputTiles(Plan p, Scratch s, int t0, int t1, int base, float[] tmp) {
        int tc = p.xi2 * p.cp;
        for (int t = t0; t < t1; t++) {
            int ty = t / p.tilesW, tx = t % p.tilesW;
            for (int c = 0; c < p.cp; c += L) {
                inputTile(p.a, s.xin, (ty * p.m * p.wx + tx * p.m) * p.cp + c, p.wx * p.cp, p.cp,
                        s.v, (t - base) * tc + c, p.a * p.cp, p.cp, tmp);
            }
        }
    }

    // ---------------------------------------------------------------- backward

    static void backward(ConvShape g, float[] x, float[] dOut, float[] weight, float[] dWeight, float[] dBias, float[] dx) {
        Plan p = PLAN.get();
        p.geometry(g);
        int n = p.xi2 * p.cp * p.ocp;
        if (dx != null) filterTransform(p, weight, true, 0, p.cp, p.uc);
        int batch = g.batch(), tasks = Math.min(Parallel.threads(), batch);
        p.sums(tasks);
        if (tasks <= 1) {
            for (int b = 0; b < batch; b++) backwardImage(p, x, dOut, b, p.sums.weight[0], p.sums.bias[0], dx);
        } else {
            Parallel.forEach(tasks, t -> {
                for (int b = split(batch, tasks, t); b < split(batch, tasks, t + 1); b++) {
                    backwardImage(p, x, dOut, b, p.sums.weight[t], p.sums.bias[t], dx);
                }
            });
        }
        float[] du = p.sums.weight[0];                            // the task sums, in task order
        for (int t = 1; t < tasks; t++) {
            float[] more = p.sums.weight[t];
            for (int i = 0; i < n; i++) du[i] += more[i];
        }
        filterTransformBackward(p, du, dWeight);
        if (dBias != null) {
            for (int f = 0; f < p.filters; f++) {
                float sum = p.sums.bias[0][f];
                for (int t = 1; t < tasks; t++) sum += p.sums.bias[t][f];
                dBias[f] += sum;
            }
        }
    }

    private static void backwardImage(Plan p, float[] x, float[] dOut, int b, float[] du, float[] biasSum, float[] dx) {
        Scratch s = SCRATCH.get();
        s.size(p);
        int ow = p.tilesW * p.m, plane = p.outH * p.outW;
        // yt (tilesH*m, tilesW*m, OCp) = dOut[b] channels last, zero past the edges; bias sums
        float[] dy = s.yt;
        boolean transposed = ow == p.outW;              // the output pixels are yt's first rows: a transpose
        if (!transposed || p.tilesH * p.m != p.outH || p.filters != p.ocp) {
            Arrays.fill(dy, 0, p.tilesH * p.m * ow * p.ocp, 0f);   // rows or channels the transpose leaves
        }
        if (transposed) {
            VectorSparse.transposeBlock(dOut, b * p.filters * plane, plane, p.filters, plane, dy, 0, p.ocp);
        } else {                                         // rows of OW pixels into rows of OW' (W2: 14 of 16)
            if (p.filters != p.ocp) Arrays.fill(s.ytT, 0, plane * p.ocp, 0f);     // the padding channels stay 0
            VectorSparse.transposeBlock(dOut, b * p.filters * plane, plane, p.filters, plane, s.ytT, 0, p.ocp);
            for (int oh = 0; oh < p.outH; oh++) System.arraycopy(s.ytT, oh * p.outW * p.ocp, dy, oh * ow * p.ocp, p.outW * p.ocp);
        }
        float[] lanes = s.lanes;                         // bias sums: lane oc adds dY[.][.][oc] in pixel order, as a
        for (int c = 0; c < p.ocp; c += L) {             // scalar sum over dOut's plane oc would (the same bits)
            FloatVector sum = FloatVector.zero(S);
            for (int oh = 0; oh < p.outH; oh++) {
                for (int w = 0, at = oh * ow * p.ocp + c; w < p.outW; w++, at += p.ocp) sum = sum.add(FloatVector.fromArray(S, dy, at));
            }
            sum.intoArray(lanes, 0);
            for (int l = 0; l < L && c + l < p.filters; l++) biasSum[c + l] += lanes[l];
        }
        padImage(p, s, x, b);
        if (dx != null) Arrays.fill(s.dxin, 0, p.hx * p.wx * p.cp, 0f);
        int tc = p.xi2 * p.cp, to = p.xi2 * p.ocp;       // the strides of one tile in V and dM
        for (int t0 = 0; t0 < p.tiles; t0 += p.block) {
            int t1 = Math.min(p.tiles, t0 + p.block), rows = t1 - t0;
            for (int t = t0; t < t1; t++) {              // dM_t = A dY_t A^T
                int ty = t / p.tilesW, tx = t % p.tilesW;
                for (int c = 0; c < p.ocp; c += L) {
                    int src = (ty * p.m * ow + tx * p.m) * p.ocp + c, dst = (t - t0) * to + c;
                    if (p.a == 8) {                      // F(4, 5): rows into tmp, then columns
                        for (int y = 0; y < 4; y++) a4(dy, src + y * ow * p.ocp, p.ocp, s.tmp, y * 8 * L, L);
                        for (int v = 0; v < 8; v++) a4(s.tmp, v * L, 8 * L, s.mx, dst + v * p.ocp, 8 * p.ocp);
                    } else {
                        sandwich(p.tf.a, dy, src, ow * p.ocp, p.ocp, s.mx, dst, p.a * p.ocp, p.ocp, false, s.tmp);
                    }
                }
            }
            inputTiles(p, s, t0, t1, t0, s.tmp);
            for (int xi = 0; xi < p.xi2; xi++) {         // dU[xi] (Cp, OCp) += V[xi]^T dM[xi]
                product(p.cp, p.ocp, rows, s.v, xi * p.cp, 1, tc, s.mx, xi * p.ocp, to, du, xi * p.cp * p.ocp, p.ocp, 1f);
            }
            if (dx == null) continue;
            for (int xi = 0; xi < p.xi2; xi++) {         // dV[xi] (rows, Cp) = dM[xi] (rows, OCp) U[xi]^T (OCp, Cp), into v
                product(rows, p.cp, p.ocp, s.mx, xi * p.ocp, to, 1, p.uc, xi * p.ocp * p.cp, p.cp, s.v, xi * p.cp, tc, 0f);
            }
            for (int t = t0; t < t1; t++) {              // dd_t = B dV_t B^T, added into the overlapping tiles
                int ty = t / p.tilesW, tx = t % p.tilesW;
                for (int c = 0; c < p.cp; c += L) {
                    inputTileBackward(p.a, s.v, (t - t0) * tc + c, p.a * p.cp, p.cp,
                            s.dxin, (ty * p.m * p.wx + tx * p.m) * p.cp + c, p.wx * p.cp, p.cp, s.tmp);
                }
            }
        }
        if (dx == null) return;
        int inPlane = p.height * p.width;                // dx[b][c][h][w] = dxin[h + pad][w + pad][c]:
        for (int h = 0; h < p.height; h++) {             // the rows inside the padding into xt (H*W, Cp), transposed
            System.arraycopy(s.dxin, ((h + p.pad) * p.wx + p.pad) * p.cp, s.xt, h * p.width * p.cp, p.width * p.cp);
        }
        VectorSparse.transposeBlock(s.xt, 0, p.cp, inPlane, p.channels, dx, b * p.channels * inPlane, inPlane);
    }
}
