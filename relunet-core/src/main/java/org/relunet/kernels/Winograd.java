package org.relunet.kernels;

/**
 * Winograd minimal filtering F(m x m, r x r) for stride-1 convolutions (Lavin and Gray 2016,
 * "Fast Algorithms for Convolutional Neural Networks"): the transforms, and a plain scalar version of
 * the whole algorithm that documents it and checks {@code VectorWinograd}. Pure Java.
 *
 * <p><b>The idea.</b> A 1-D correlation of m outputs with an r-tap filter, y_i = sum_k g_k d_(i+k),
 * needs m*r multiplications done directly, but only alpha = m + r - 1 done as
 * <pre>
 *   y = A^T [ (G g) .* (B^T d) ]          A^T (m, alpha)   G (alpha, r)   B^T (alpha, alpha)
 * </pre>
 * (Toom-Cook: evaluate at alpha - 1 points and at infinity, multiply point-wise, interpolate). Nested
 * for 2-D, one output tile Y (m, m) from one input tile d (alpha, alpha) and one filter g (r, r) is
 * <pre>
 *   Y = A^T [ (G g G^T) .* (B^T d B) ] A
 * </pre>
 * so alpha^2 multiplications replace m^2 r^2: 64 instead of 400 for F(4x4, 5x5) (W2's 5x5 layers,
 * 6.25x fewer), 36 instead of 144 for F(4x4, 3x3) (4x fewer). Over channels the point-wise product
 * becomes alpha^2 independent GEMMs, one per point xi = (u, v) of the tile:
 * <pre>
 *   V[xi][t][c]   = (B^T d_(t,c) B)[xi]               input tiles t, channels C
 *   U[xi][c][oc]  = (G g_(oc,c) G^T)[xi]              filters OC
 *   M[xi]         = V[xi] U[xi]                       (T, OC) = (T, C) (C, OC)
 *   Y_(t,oc)      = A^T M_(t,oc) A                    tile t of output plane oc
 * </pre>
 * The backward pass is the exact adjoint of these linear steps (so it is the exact gradient of
 * what forward computed, which equals the convolution's up to rounding):
 * <pre>
 *   dM_(t,oc) = A dY_(t,oc) A^T     dU[xi] = V[xi]^T dM[xi]     dg = G^T dU G
 *   dV[xi]    = dM[xi] U[xi]^T      dd_(t,c) = B dV_(t,c) B^T, added into the (overlapping) input tiles
 * </pre>
 * Output tiles start every m pixels; the input tile of output tile (ty, tx) starts at
 * (ty*m - pad, tx*m - pad) and is alpha wide (zero outside the image); tiles past the output
 * edge compute values nobody keeps.
 *
 * <p><b>The matrices</b> come from the first alpha - 1 of the points 0, 1, -1, 2, -2, 1/2, -1/2, and
 * infinity (alpha = 6 for F(4x4, 3x3), 8 for F(4x4, 5x5)): A^T is the Vandermonde matrix of the points
 * (its infinity column picks the top coefficient), G the Vandermonde rows divided by
 * prod_(l != j) (p_j - p_l), and B^T is solved (in double, checked to 1e-12) from the defining identity
 * sum_xi A^T[i][xi] G[xi][k] B^T[xi][l] = [l == i + k]. Small points, and 1/2 as the reciprocal of 2,
 * keep float rounding close to direct convolution's (tests bound it).
 *
 * <p><b>Why F(4x4, 5x5) and not F(2x2, 5x5)</b> (sessions 1-7 ran the latter, alpha 6): per output,
 * 64/16 = 4 multiplications instead of 36/4 = 9, and W2's 14 x 14 output is 16 tiles, two whole
 * register tiles of the point GEMMs, where it was 49 (six and a sliver). W2's second convolution at
 * batch 1 on one thread went 108 -> 75 us (point GEMMs 80 -> 48 us), at batch 64 on two threads
 * 3.4 -> 2.4 ms forward and 7.6 -> 5.2 ms backward, with its largest deviation from the direct sum
 * 4e-6 -> 1e-5 of values up to 3.8. F(3x3, 5x5) (alpha 7) had 57 us of point GEMMs, 49 of them per tile.
 */
public final class Winograd {
    /** The finite interpolation points, the first alpha - 1 of them used; infinity is the last. */
    private static final double[] POINTS = {0, 1, -1, 2, -2, 0.5, -0.5};

    /** Output tile m. */
    public final int m;
    /** Filter size r. */
    public final int r;
    /** Input tile alpha = m + r - 1. */
    public final int alpha;
    /** A^T (m, alpha), G (alpha, r), B^T (alpha, alpha), row-major. */
    final float[] at, g, bt;

    private Winograd(int m, int r) {
        this.m = m;
        this.r = r;
        this.alpha = m + r - 1;
        if (alpha < 6 || alpha > POINTS.length + 1) throw new IllegalArgumentException("F(" + m + ", " + r + ") needs alpha 6 to 8");
        int a = alpha;
        double[][] atD = new double[m][a], gD = new double[a][r];
        for (int j = 0; j < a - 1; j++) {
            double p = POINTS[j], f = 1;
            for (int l = 0; l < a - 1; l++) if (l != j) f *= p - POINTS[l];
            for (int i = 0; i < m; i++) atD[i][j] = Math.pow(p, i);
            for (int k = 0; k < r; k++) gD[j][k] = Math.pow(p, k) / f;
        }
        atD[m - 1][a - 1] = 1;                     // the point at infinity: the top coefficient
        gD[a - 1][r - 1] = 1;
        double[][] btD = solveBt(atD, gD, m, r, a);
        this.at = flat(atD);
        this.g = flat(gD);
        this.bt = flat(btD);
    }

    private static final Winograd F4_5 = new Winograd(4, 5);
    private static final Winograd F4_3 = new Winograd(4, 3);

    /** F(4x4, 5x5) for 5x5 filters, F(4x4, 3x3) for 3x3 filters, else null. */
    public static Winograd forKernel(int kernel) {
        return switch (kernel) {
            case 5 -> F4_5;
            case 3 -> F4_3;
            default -> null;
        };
    }

    /**
     * Whether a convolution takes the Winograd path of the vector kernels: stride 1, a 3x3 or 5x5
     * filter, pad at most K - 1, and enough channels (at least 8 in, 16 out) for the per-point GEMMs
     * to beat the implicit GEMM. The first layer of a network (one channel) does not.
     */
    public static boolean applies(ConvShape g) {
        return g.stride() == 1 && forKernel(g.kernel()) != null && g.pad() <= g.kernel() - 1
                && g.channels() >= 8 && g.filters() >= 16 && g.outH() >= 2 && g.outW() >= 2;
    }

    /**
     * B^T from sum_xi A^T[i][xi] G[xi][k] B^T[xi][l] = [l == i + k] for all i < m, k < r: for each
     * column l, m*r equations in alpha unknowns, consistent by construction; solved by least squares
     * (normal equations, Gaussian elimination with partial pivoting) and checked.
     */
    private static double[][] solveBt(double[][] at, double[][] g, int m, int r, int a) {
        double[][] e = new double[m * r][a];               // E[(i,k)][xi] = A^T[i][xi] G[xi][k]
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < r; k++) {
                for (int xi = 0; xi < a; xi++) e[i * r + k][xi] = at[i][xi] * g[xi][k];
            }
        }
        double[][] bt = new double[a][a];
        for (int l = 0; l < a; l++) {
            double[] rhs = new double[m * r];
            for (int i = 0; i < m; i++) for (int k = 0; k < r; k++) rhs[i * r + k] = (l == i + k) ? 1 : 0;
            double[][] n = new double[a][a + 1];           // [E^T E | E^T rhs]
            for (int p = 0; p < a; p++) {
                for (int q = 0; q < a; q++) for (int row = 0; row < m * r; row++) n[p][q] += e[row][p] * e[row][q];
                for (int row = 0; row < m * r; row++) n[p][a] += e[row][p] * rhs[row];
            }
            double[] sol = gauss(n, a);
            for (int row = 0; row < m * r; row++) {
                double lhs = 0;
                for (int xi = 0; xi < a; xi++) lhs += e[row][xi] * sol[xi];
                if (Math.abs(lhs - rhs[row]) > 1e-12) throw new IllegalStateException("Winograd F(" + m + "," + r + ") has no B^T");
            }
            for (int xi = 0; xi < a; xi++) bt[xi][l] = Math.abs(sol[xi]) < 1e-12 ? 0 : sol[xi];
        }
        return bt;
    }

    private static double[] gauss(double[][] n, int a) {
        for (int col = 0; col < a; col++) {
            int pivot = col;
            for (int row = col + 1; row < a; row++) if (Math.abs(n[row][col]) > Math.abs(n[pivot][col])) pivot = row;
            double[] swap = n[col]; n[col] = n[pivot]; n[pivot] = swap;
            for (int row = 0; row < a; row++) {
                if (row == col) continue;
                double f = n[row][col] / n[col][col];
                for (int q = col; q <= a; q++) n[row][q] -= f * n[col][q];
            }
        }
        double[] sol = new double[a];
        for (int row = 0; row < a; row++) sol[row] = n[row][a] / n[row][row];
        return sol;
    }

    private static float[] flat(double[][] x) {
        float[] f = new float[x.length * x[0].length];
        for (int i = 0; i < x.length; i++) for (int j = 0; j < x[0].length; j++) f[i * x[0].length + j] = (float) x[i][j];
        return f;
    }

    /** Tiles per output column and row: ceil(OH / m), ceil(OW / m). */
    int tilesH(ConvShape s) { return (s.outH() + m - 1) / m; }

    int tilesW(ConvShape s) { return (s.outW() + m - 1) / m; }

    /**
     * The transformed filters U[xi][c][oc] = (G g_(oc,c) G^T)[xi] of weight (OC, C*r*r), written to
     * u[xi*xiStride + c*cStride + oc*ocStride].
     */
    void filterTransform(float[] weight, int filters, int channels, float[] u, int cStride, int ocStride, int xiStride) {
        int a = alpha;
        float[] tmp = new float[a * r];
        for (int oc = 0; oc < filters; oc++) {
            for (int c = 0; c < channels; c++) {
                int w = (oc * channels + c) * r * r;
                for (int i = 0; i < a; i++) {             // tmp = G g       (alpha, r)
                    for (int j = 0; j < r; j++) {
                        float s = 0;
                        for (int k = 0; k < r; k++) s += g[i * r + k] * weight[w + k * r + j];
                        tmp[i * r + j] = s;
                    }
                }
                for (int i = 0; i < a; i++) {             // U = tmp G^T     (alpha, alpha)
                    for (int j = 0; j < a; j++) {
                        float s = 0;
                        for (int k = 0; k < r; k++) s += tmp[i * r + k] * g[j * r + k];
                        u[(i * a + j) * xiStride + c * cStride + oc * ocStride] = s;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- the scalar algorithm

    /**
     * Convolution forward by Winograd, plain loops (the reference for {@code VectorWinograd}): the
     * same contract as {@link Kernels#convForward}, for shapes where {@link #applies} holds
     * (the channel limits aside).
     */
    public static void forward(ConvShape s, float[] x, float[] weight, float[] bias, float[] out) {
        Winograd w = forKernel(s.kernel());
        int a = w.alpha, m = w.m, xi2 = a * a;
        int C = s.channels(), OC = s.filters(), H = s.height(), W = s.width(), OH = s.outH(), OW = s.outW(), pad = s.pad();
        int th = w.tilesH(s), tw = w.tilesW(s);
        float[] u = new float[xi2 * C * OC];               // U[xi][c][oc]
        w.filterTransform(weight, OC, C, u, OC, 1, C * OC);
        float[] d = new float[a * a], v = new float[xi2 * C], mm = new float[xi2], y = new float[m * m];
        for (int b = 0; b < s.batch(); b++) {
            for (int ty = 0; ty < th; ty++) {
                for (int tx = 0; tx < tw; tx++) {
                    for (int c = 0; c < C; c++) {          // V[xi][c] = B^T d B
                        for (int i = 0; i < a; i++) {
                            for (int j = 0; j < a; j++) {
                                int ih = ty * m - pad + i, iw = tx * m - pad + j;
                                d[i * a + j] = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[((b * C + c) * H + ih) * W + iw] : 0f;
                            }
                        }
                        sandwich(w.bt, a, a, d, a, mm);
                        for (int xi = 0; xi < xi2; xi++) v[xi * C + c] = mm[xi];
                    }
                    for (int oc = 0; oc < OC; oc++) {      // M[xi] = sum_c V[xi][c] U[xi][c][oc]; Y = A^T M A
                        for (int xi = 0; xi < xi2; xi++) {
                            float sum = 0;
                            for (int c = 0; c < C; c++) sum += v[xi * C + c] * u[(xi * C + c) * OC + oc];
                            mm[xi] = sum;
                        }
                        sandwich(w.at, m, a, mm, a, y);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < m; j++) {
                                int oh = ty * m + i, ow = tx * m + j;
                                if (oh < OH && ow < OW) out[((b * OC + oc) * OH + oh) * OW + ow] = y[i * m + j] + (bias == null ? 0f : bias[oc]);
                            }
                        }
                    }
                }
            }
        }
    }

    /** out (p, p) = L in L^T for L (p, q) and in (q, q): the two-sided transform of one tile. */
    static void sandwich(float[] left, int p, int q, float[] in, int inStride, float[] out) {
        float[] tmp = new float[p * q];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < q; j++) {
                float s = 0;
                for (int k = 0; k < q; k++) s += left[i * q + k] * in[k * inStride + j];
                tmp[i * q + j] = s;
            }
        }
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                float s = 0;
                for (int k = 0; k < q; k++) s += tmp[i * q + k] * left[j * q + k];
                out[i * p + j] = s;
            }
        }
    }
}
