package org.relunet.kernels;

/**
 * The numeric kernels every layer is built on. {@link ScalarKernels} is the specification and the
 * test oracle; {@code VectorKernels} (the only code that touches {@code jdk.incubator.vector}) must
 * equal it within rounding. {@link KernelProvider} picks one at start-up.
 *
 * <p>Dimension legend used in every kernel file:
 * <pre>
 *   M, N, K   GEMM: C(M,N) = op(A)(M,K) * op(B)(K,N)
 *   B         batch (number of images)
 *   C         channels, H, W height and width, KH, KW kernel size, OH, OW output size
 *   P         planes (B*C) for pooling, R rows and L columns for row-wise operations
 * </pre>
 * All arrays are row-major. Methods whose name says "add" or whose doc says "adds into" accumulate;
 * all others overwrite their output. Implementations may use several threads internally
 * ({@link Parallel#threads()}), but must give the same bits for the same thread count.
 */
public interface Kernels {

    /** A short name such as {@code scalar} or {@code vector(512-bit)}. */
    String name();

    // ---------------------------------------------------------------- GEMM

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, row-major, as in BLAS sgemm.
     * op(A) is (M, K): A is stored (M, K) with leading dimension lda, or (K, M) when transA.
     * op(B) is (K, N): B is stored (K, N) with leading dimension ldb, or (N, K) when transB.
     * C is (M, N) with leading dimension ldc. With {@code beta == 0} C is not read (NaN in C is ignored).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    // ---------------------------------------------------------------- skipping zeros (ReLU makes them)

    /**
     * GEMM that skips the exact zeros of its left operand:
     * C[i][j] = beta * C[i][j] + sum over p with op(A)[i][p] != 0 of op(A)[i][p] * B[p][j].
     * op(A) is (M, K): A is stored (M, K) with leading dimension lda, or (K, M) when transA.
     * B is (K, N) row-major with leading dimension ldb; C is (M, N) with leading dimension ldc;
     * with {@code beta == 0} C is not read. The work is proportional to the nonzeros of A, so it
     * pays when A is a ReLU output or a gradient masked by a ReLU (half or more exact zeros).
     *
     * <p>Equals {@link #gemm} with alpha 1 within rounding when B is finite. In the reference a
     * skipped term is 0 * B[p][j] and counts as 0 even when B[p][j] is infinite or NaN (the
     * convention of sparse BLAS), where gemm would give NaN; the vector kernel keeps it for rows it
     * sums alone, but rows it sums in a group (pixels sharing their zeros) give NaN there, as gemm
     * does. NaN or infinity in A itself is never skipped. Each row of C is summed in increasing p
     * with the same bits whoever sums it, so the bits do not depend on the thread count.
     */
    void sparseGemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);

    /**
     * The sparse forward pass of a Dense layer: C (M, N) = A (M, K) W^T + bias, then max(., 0) when
     * relu, for W stored (N, K); the product over the nonzeros of A as {@link #sparseGemm}, W^T (K, N)
     * first written into wt (the caller's workspace). The same bits as {@link #transpose},
     * sparseGemm (beta 0), {@link #addRowVector} and, when relu, {@link #relu} one after the other.
     * The vector kernel lets each thread transpose and multiply its own columns, so W^T never
     * passes between the cores.
     */
    void sparseLinear(int m, int n, int k, float[] a, float[] w, float[] wt, float[] bias, boolean relu, float[] c);

    /**
     * The input gradient of a Dense layer that follows a ReLU, masked by it in one call: C (M, N) =
     * A B over the nonzeros of A (beta 0) where x > 0, and 0 where x <= 0; x (M, N) is the ReLU's
     * output (or input) with leading dimension ldc. The same bits as sparseGemm then
     * {@link #reluBackward}; the vector kernel masks each block of C while it is in L1.
     */
    void sparseGemmReluMask(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] x, float[] c, int cOff, int ldc);

    /** x (rows, cols) = max(x + bias, 0), bias (cols) added to every row: the same bits as {@link #addRowVector} then {@link #relu}, in one pass. */
    void addRowVectorRelu(float[] x, int rows, int cols, float[] bias);

    /** The number of entries of x[off .. off+n) that are not exactly 0 (NaN counts as nonzero; -0 as zero). */
    int countNonzero(float[] x, int off, int n);

    /** out (L, R) = a (R, L) transposed: out[j][r] = a[r][j]. */
    void transpose(float[] a, int rows, int cols, float[] out);

    // ---------------------------------------------------------------- convolution

    /**
     * Batched im2col: images x (B, C, H, W) to columns col (C*KH*KW, B*OH*OW), where
     * col[(c*KH + i)*KW + j][(b*OH + oh)*OW + ow] = x[b][c][oh*stride + i - pad][ow*stride + j - pad]
     * (0 outside the image). OH = (H + 2*pad - KH) / stride + 1, likewise OW.
     */
    void im2col(float[] x, int batch, int channels, int height, int width,
                int kernelH, int kernelW, int stride, int pad, float[] col);

    /** The adjoint of {@link #im2col}: adds every column entry back into dx (B, C, H, W). */
    void col2im(float[] col, int batch, int channels, int height, int width,
                int kernelH, int kernelW, int stride, int pad, float[] dx);

    /**
     * Whole convolution forward (cross-correlation, as in every framework), shapes in {@link ConvShape}:
     * out[b][oc][oh][ow] = sum over c, i, j of weight[oc][(c*K + i)*K + j] * x[b][c][oh*stride + i - pad][ow*stride + j - pad]
     * (0 outside the image), plus bias[oc] when bias is not null. Equals im2col, GEMM and
     * scatterChannels, without their (C*K*K, B*OH*OW) column buffer.
     */
    void convForward(ConvShape g, float[] x, float[] weight, float[] bias, float[] out);

    /**
     * Whole convolution backward for dOut (B, OC, OH, OW): adds the weight gradient into dWeight
     * (OC, C*K*K), dWeight[oc][(c*K + i)*K + j] += sum over b, oh, ow of dOut[b][oc][oh][ow] * x[b][c][ih][iw],
     * adds the row sums of dOut into dBias (OC) when it is not null, and, when dx is not null,
     * overwrites dx (B, C, H, W) with the input gradient, dx[b][c][ih][iw] = sum of weight * dOut over
     * every (oc, i, j, oh, ow) that read x[b][c][ih][iw] (ih = oh*stride + i - pad, iw likewise).
     */
    void convBackward(ConvShape g, float[] x, float[] dOut, float[] weight, float[] dWeight, float[] dBias, float[] dx);

    // ---------------------------------------------------------------- pooling

    /**
     * Max pooling of P = B*C planes of (H, W) with a square window and stride, no padding.
     * out is (P, OH, OW); argmax[i] receives the flat index into x of the winner of out[i]
     * (the first maximum in row-major window order), the "switch" that backward needs. With argmax
     * null only out is written (inference).
     */
    void maxPoolForward(float[] x, int planes, int height, int width, int window, int stride,
                        float[] out, int[] argmax);

    /** Routes each dOut[i] to dIn[argmax[i]], adding; dIn must be zeroed by the caller. */
    void maxPoolBackward(float[] dOut, int[] argmax, int count, float[] dIn);

    /**
     * Backward of a 2x2 stride-2 max pool over P planes of (H, W) with H and W even, where every input
     * lies in exactly one window: overwrites dIn (P, H, W) with dOut[i] at argmax[i] and 0 elsewhere
     * (dIn needs no zeroing beforehand).
     */
    void maxPool2x2Backward(float[] dOut, int[] argmax, int planes, int height, int width, float[] dIn);

    /**
     * A ReLU and the max pool after it in one pass over x, the ReLU's input: out = max(maxpool(x), 0),
     * which equals maxpool(max(x, 0)) bit for bit (max commutes with max). argmax is taken over x;
     * it differs from the separate layers' only in windows where every x <= 0, whose gradient is 0
     * either way (see {@link #maxPoolReluBackward}). argmax may be null, as in {@link #maxPoolForward}.
     */
    void maxPoolReluForward(float[] x, int planes, int height, int width, int window, int stride,
                            float[] out, int[] argmax);

    /**
     * Backward of {@link #maxPoolReluForward}: overwrites dIn (P, H, W) with dOut[i] at argmax[i]
     * where x there is > 0, and 0 elsewhere (routed sums for overlapping windows, then masked): the
     * bits of the max pool's backward followed by the ReLU's.
     */
    void maxPoolReluBackward(float[] dOut, int[] argmax, float[] x, int planes, int height, int width,
                             int window, int stride, float[] dIn);

    // ---------------------------------------------------------------- element-wise activations
    // Forward: y = f(x). Backward: dIn = f'(x) * dOut, given x and/or y = f(x).

    /** y = max(0, x). */
    void relu(float[] x, float[] y, int n);

    /** dIn = dOut where x > 0, else 0 (the derivative at exactly 0 is taken as 0). */
    void reluBackward(float[] x, float[] dOut, float[] dIn, int n);

    /** y = x for x > 0, slope * x otherwise. */
    void leakyRelu(float slope, float[] x, float[] y, int n);

    /** dIn = dOut for x > 0, slope * dOut otherwise. */
    void leakyReluBackward(float slope, float[] x, float[] dOut, float[] dIn, int n);

    /** y = x for x > 0, alpha * (exp(x) - 1) otherwise. */
    void elu(float alpha, float[] x, float[] y, int n);

    /** dIn = dOut for x > 0, (y + alpha) * dOut otherwise. */
    void eluBackward(float alpha, float[] x, float[] y, float[] dOut, float[] dIn, int n);

    /** y = 1 / (1 + exp(-x)). */
    void sigmoid(float[] x, float[] y, int n);

    /** dIn = y * (1 - y) * dOut. */
    void sigmoidBackward(float[] y, float[] dOut, float[] dIn, int n);

    /** y = tanh(x). */
    void tanh(float[] x, float[] y, int n);

    /** dIn = (1 - y^2) * dOut. */
    void tanhBackward(float[] y, float[] dOut, float[] dIn, int n);

    /** GELU, tanh form: y = x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))). */
    void gelu(float[] x, float[] y, int n);

    /** dIn = GELU'(x) * dOut (derivative of the tanh form). */
    void geluBackward(float[] x, float[] dOut, float[] dIn, int n);

    /** SiLU (swish): y = x * sigmoid(x). */
    void silu(float[] x, float[] y, int n);

    /** dIn = (s + x s (1 - s)) * dOut with s = sigmoid(x). */
    void siluBackward(float[] x, float[] dOut, float[] dIn, int n);

    /** Softplus: y = log(1 + exp(x)), computed stably as max(x, 0) + log1p(exp(-|x|)). */
    void softplus(float[] x, float[] y, int n);

    /** dIn = sigmoid(x) * dOut. */
    void softplusBackward(float[] x, float[] dOut, float[] dIn, int n);

    // ---------------------------------------------------------------- rows, bias, reductions

    /** Row softmax: each of R rows of L logits, out = exp(x - max) / sum(exp(x - max)). */
    void softmaxRows(float[] x, int rows, int cols, float[] out);

    /**
     * Convolution output layout: cols (C, B*S) plus bias[c] to out (B, C, S), S = OH*OW:
     * out[b][c][s] = cols[c][b*S + s] + bias[c].
     */
    void scatterChannels(float[] cols, int batch, int channels, int spatial, float[] bias, float[] out);

    /** The inverse permutation of {@link #scatterChannels} without bias: x (B, C, S) to cols (C, B*S). */
    void gatherChannels(float[] x, int batch, int channels, int spatial, float[] cols);

    /** x (R, L): x[r][j] += bias[j]. */
    void addRowVector(float[] x, int rows, int cols, float[] bias);

    /** sums (L) += column sums of x (R, L): the bias gradient of a dense layer. */
    void addColumnSums(float[] x, int rows, int cols, float[] sums);

    /** sums (R) += row sums of x (R, L): the bias gradient of a convolution in (C, B*S) layout. */
    void addRowSums(float[] x, int rows, int cols, float[] sums);

    /** y = alpha * x + y over n elements. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /**
     * One SGD step on n parameters, in place, with PyTorch's update (dampening 0):
     * g' = g + decay * w; then with momentum mu > 0: v = mu * v + g', w -= rate * (nesterov ? g' + mu * v : v);
     * without (mu == 0, v unused and may be null): w -= rate * g'. Each product and sum rounded
     * separately (no fused multiply-add), so every implementation gives the same bits.
     */
    void sgdStep(int n, float rate, float mu, float decay, boolean nesterov, float[] w, float[] g, float[] v);

    /** Dot product of n elements, accumulated in float. */
    float dot(int n, float[] x, int xOff, float[] y, int yOff);

    /** Sum of n elements. */
    float sum(float[] x, int off, int n);

    // ---------------------------------------------------------------- fast transforms

    /**
     * In-place fast Walsh-Hadamard transform of R rows of L = 2^k values starting at x[off]:
     * x[r] <- s * H_L x[r], where H_L is the Sylvester-ordered Hadamard matrix
     * (H_1 = [1], H_2L = [[H_L, H_L], [H_L, -H_L]], so H[i][j] = (-1)^popcount(i & j)), and
     * s = 1/sqrt(L) when {@code normalised} (H_L / sqrt(L) is orthonormal) or 1 otherwise
     * (H_L H_L = L I). O(L log L): log2(L) stages of butterflies (a, b) -> (a + b, a - b) between
     * elements j and j + h, h = 1, 2, ..., L/2; every implementation performs exactly these
     * butterflies on each element, so all give the same bits; the scale is one multiply at the end.
     *
     * @throws IllegalArgumentException when L is not a power of two
     */
    void wht(float[] x, int off, int rows, int cols, boolean normalised);

    /** A diagonal on every row, x, y (R, L), d (L): y[r][j] = x[r][j] * d[j]. y may be x. */
    void mulRowVector(float[] x, int rows, int cols, float[] d, float[] y);

    /**
     * Backward of {@link #mulRowVector}: dIn = d * dOut (dIn may be dOut) and, when dd is not null,
     * dd[j] += x[r][j] * dOut[r][j] added in row order.
     */
    void mulRowVectorBackward(float[] x, float[] dOut, int rows, int cols, float[] d, float[] dIn, float[] dd);

    /**
     * Switched diagonal (the seed's "switch"): x, y (R, L), a, b (L),
     * y[r][j] = (x[r][j] > 0 ? a[j] : b[j]) * x[r][j]. y may be x.
     */
    void switchedScale(float[] x, int rows, int cols, float[] a, float[] b, float[] y);

    /**
     * Backward of {@link #switchedScale}: dIn = (x > 0 ? a : b) * dOut (dIn may be dOut), and
     * da[j] += x * dOut over the rows with x > 0, db[j] += x * dOut over the others, added in row order.
     */
    void switchedScaleBackward(float[] x, float[] dOut, int rows, int cols, float[] a, float[] b,
                               float[] dIn, float[] da, float[] db);
}
