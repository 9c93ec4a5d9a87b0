package org.relunet.kernels;

/**
 * The reference implementation of {@link Kernels}: plain loops, written to be read, and the
 * oracle every faster kernel is tested against. Legend: see {@link Kernels}.
 */
public final class ScalarKernels implements Kernels {

    @Override public String name() { return "scalar"; }

    // ---------------------------------------------------------------- GEMM

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        // C(M,N): scale first, then accumulate rank-1 updates in i-p-j order so the inner loop
        // runs along a row of C and (for !transB) a row of B.
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            scaleRow(c, ci, n, beta);
            for (int p = 0; p < k; p++) {
                float aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                if (!transB) {
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
                } else {
                    for (int j = 0; j < n; j++) c[ci + j] += aip * b[bOff + j * ldb + p];
                }
            }
        }
    }

    /** C row = beta * C row, where beta == 0 writes zeros (NaN in C is ignored). */
    private static void scaleRow(float[] c, int ci, int n, float beta) {
        if (beta == 0f) {
            for (int j = 0; j < n; j++) c[ci + j] = 0f;
        } else if (beta != 1f) {
            for (int j = 0; j < n; j++) c[ci + j] *= beta;
        }
    }

    // ---------------------------------------------------------------- skipping zeros

    @Override
    public void sparseGemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        // gemm's i-p-j loop with alpha 1, except that a zero op(A)[i][p] skips row p of B.
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            scaleRow(c, ci, n, beta);
            for (int p = 0; p < k; p++) {
                float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (aip == 0f) continue;                      // 0 * B[p][j] counts as 0, even for Inf or NaN
                int bp = bOff + p * ldb;
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
            }
        }
    }

    @Override public void sparseLinear(int m, int n, int k, float[] a, float[] w, float[] wt, float[] bias, boolean relu, float[] c) {
        transpose(w, n, k, wt);
        sparseGemm(false, m, n, k, a, 0, k, wt, 0, n, 0f, c, 0, n);
        if (relu) {
            addRowVectorRelu(c, m, n, bias);
        } else {
            addRowVector(c, m, n, bias);
        }
    }

    @Override public void sparseGemmReluMask(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                             float[] x, float[] c, int cOff, int ldc) {
        sparseGemm(false, m, n, k, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int at = cOff + i * ldc + j;
                c[at] = x[at] > 0f ? c[at] : 0f;
            }
        }
    }

    @Override public int countNonzero(float[] x, int off, int n) {
        int count = 0;
        for (int i = off; i < off + n; i++) if (x[i] != 0f) count++;
        return count;
    }

    @Override public void transpose(float[] a, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) out[j * rows + r] = a[r * cols + j];
        }
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public void im2col(float[] x, int batch, int channels, int height, int width,
                       int kernelH, int kernelW, int stride, int pad, float[] col) {
        int outH = (height + 2 * pad - kernelH) / stride + 1;
        int outW = (width + 2 * pad - kernelW) / stride + 1;
        int spatial = outH * outW;
        int colCols = batch * spatial;                        // col is (C*KH*KW, B*OH*OW)
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kernelH; i++) {
                for (int j = 0; j < kernelW; j++) {
                    int row = ((c * kernelH + i) * kernelW + j) * colCols;
                    for (int b = 0; b < batch; b++) {
                        int plane = (b * channels + c) * height * width;   // x is (B, C, H, W)
                        int dst = row + b * spatial;
                        for (int oh = 0; oh < outH; oh++) {
                            int ih = oh * stride + i - pad;
                            for (int ow = 0; ow < outW; ow++) {
                                int iw = ow * stride + j - pad;
                                boolean inside = ih >= 0 && ih < height && iw >= 0 && iw < width;
                                col[dst + oh * outW + ow] = inside ? x[plane + ih * width + iw] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void col2im(float[] col, int batch, int channels, int height, int width,
                       int kernelH, int kernelW, int stride, int pad, float[] dx) {
        int outH = (height + 2 * pad - kernelH) / stride + 1;
        int outW = (width + 2 * pad - kernelW) / stride + 1;
        int spatial = outH * outW;
        int colCols = batch * spatial;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kernelH; i++) {
                for (int j = 0; j < kernelW; j++) {
                    int row = ((c * kernelH + i) * kernelW + j) * colCols;
                    for (int b = 0; b < batch; b++) {
                        int plane = (b * channels + c) * height * width;
                        int src = row + b * spatial;
                        for (int oh = 0; oh < outH; oh++) {
                            int ih = oh * stride + i - pad;
                            if (ih < 0 || ih >= height) continue;
                            for (int ow = 0; ow < outW; ow++) {
                                int iw = ow * stride + j - pad;
                                if (iw < 0 || iw >= width) continue;
                                dx[plane + ih * width + iw] += col[src + oh * outW + ow];
                            }
                        }
                    }
                }
            }
        }
    }

    /** First ow with ow*stride + offset >= 0 (offset = j - pad): where a kernel column enters the image. */
    static int firstInside(int offset, int stride) {
        return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    }

    /** One past the last ow with ow*stride + offset < size, clamped to [lo, outSize]. */
    static int endInside(int offset, int stride, int size, int outSize, int lo) {
        int last = size - 1 - offset;                         // need ow*stride <= last
        if (last < 0) return lo;
        return Math.max(lo, Math.min(outSize, last / stride + 1));
    }

    @Override
    public void convForward(ConvShape g, float[] x, float[] weight, float[] bias, float[] out) {
        int channels = g.channels(), height = g.height(), width = g.width(), k = g.kernel();
        int stride = g.stride(), pad = g.pad(), outH = g.outH(), outW = g.outW();
        int patch = g.patch(), plane = g.inputPlane(), spatial = g.outputPlane();
        for (int b = 0; b < g.batch(); b++) {
            for (int oc = 0; oc < g.filters(); oc++) {
                int o = (b * g.filters() + oc) * spatial;                 // out is (B, OC, OH, OW)
                java.util.Arrays.fill(out, o, o + spatial, 0f);
                for (int c = 0; c < channels; c++) {
                    int xc = (b * channels + c) * plane;                  // x is (B, C, H, W)
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++) {
                            float w = weight[oc * patch + (c * k + i) * k + j];
                            int owLo = Math.min(outW, firstInside(j - pad, stride));
                            int owHi = endInside(j - pad, stride, width, outW, owLo);
                            for (int oh = 0; oh < outH; oh++) {
                                int ih = oh * stride + i - pad;
                                if (ih < 0 || ih >= height) continue;
                                int row = xc + ih * width + j - pad, orow = o + oh * outW;
                                for (int ow = owLo; ow < owHi; ow++) out[orow + ow] += w * x[row + ow * stride];
                            }
                        }
                    }
                }
                if (bias != null) {
                    for (int s = 0; s < spatial; s++) out[o + s] += bias[oc];
                }
            }
        }
    }

    @Override
    public void convBackward(ConvShape g, float[] x, float[] dOut, float[] weight, float[] dWeight, float[] dBias, float[] dx) {
        int channels = g.channels(), height = g.height(), width = g.width(), k = g.kernel();
        int stride = g.stride(), pad = g.pad(), outH = g.outH(), outW = g.outW();
        int patch = g.patch(), plane = g.inputPlane(), spatial = g.outputPlane(), filters = g.filters();
        if (dBias != null) {
            for (int oc = 0; oc < filters; oc++) {
                float sum = 0f;
                for (int b = 0; b < g.batch(); b++) {
                    int o = (b * filters + oc) * spatial;
                    for (int s = 0; s < spatial; s++) sum += dOut[o + s];
                }
                dBias[oc] += sum;
            }
        }
        if (dx != null) java.util.Arrays.fill(dx, 0, g.batch() * channels * plane, 0f);
        for (int oc = 0; oc < filters; oc++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        int wi = oc * patch + (c * k + i) * k + j;
                        int owLo = Math.min(outW, firstInside(j - pad, stride));
                        int owHi = endInside(j - pad, stride, width, outW, owLo);
                        float sum = 0f, w = weight[wi];
                        for (int b = 0; b < g.batch(); b++) {
                            int o = (b * filters + oc) * spatial, xc = (b * channels + c) * plane;
                            for (int oh = 0; oh < outH; oh++) {
                                int ih = oh * stride + i - pad;
                                if (ih < 0 || ih >= height) continue;
                                int row = xc + ih * width + j - pad, orow = o + oh * outW;
                                for (int ow = owLo; ow < owHi; ow++) {
                                    float d = dOut[orow + ow];
                                    sum += d * x[row + ow * stride];
                                    if (dx != null) dx[row + ow * stride] += w * d;
                                }
                            }
                        }
                        dWeight[wi] += sum;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- pooling

    @Override
    public void maxPoolForward(float[] x, int planes, int height, int width, int window, int stride,
                               float[] out, int[] argmax) {
        int outH = (height - window) / stride + 1;
        int outW = (width - window) / stride + 1;
        for (int p = 0; p < planes; p++) {
            int plane = p * height * width;
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    int best = plane + (oh * stride) * width + ow * stride;
                    float bestValue = x[best];
                    for (int i = 0; i < window; i++) {
                        for (int j = 0; j < window; j++) {
                            int idx = plane + (oh * stride + i) * width + ow * stride + j;
                            // strict > keeps the first maximum; NaN never wins, like max-pool in most frameworks
                            if (x[idx] > bestValue) {
                                bestValue = x[idx];
                                best = idx;
                            }
                        }
                    }
                    int o = (p * outH + oh) * outW + ow;
                    out[o] = bestValue;
                    if (argmax != null) argmax[o] = best;
                }
            }
        }
    }

    @Override
    public void maxPoolBackward(float[] dOut, int[] argmax, int count, float[] dIn) {
        for (int i = 0; i < count; i++) dIn[argmax[i]] += dOut[i];
    }

    @Override
    public void maxPool2x2Backward(float[] dOut, int[] argmax, int planes, int height, int width, float[] dIn) {
        java.util.Arrays.fill(dIn, 0, planes * height * width, 0f);
        maxPoolBackward(dOut, argmax, planes * (height / 2) * (width / 2), dIn);
    }

    @Override
    public void maxPoolReluForward(float[] x, int planes, int height, int width, int window, int stride,
                                   float[] out, int[] argmax) {
        maxPoolForward(x, planes, height, width, window, stride, out, argmax);
        int outH = (height - window) / stride + 1, outW = (width - window) / stride + 1;
        for (int i = 0; i < planes * outH * outW; i++) out[i] = Math.max(0f, out[i]);
    }

    @Override
    public void maxPoolReluBackward(float[] dOut, int[] argmax, float[] x, int planes, int height, int width,
                                    int window, int stride, float[] dIn) {
        int outH = (height - window) / stride + 1, outW = (width - window) / stride + 1;
        java.util.Arrays.fill(dIn, 0, planes * height * width, 0f);
        maxPoolBackward(dOut, argmax, planes * outH * outW, dIn);
        reluBackward(x, dIn, dIn, planes * height * width);
    }

    // ---------------------------------------------------------------- element-wise activations

    @Override public void sgdStep(int n, float rate, float mu, float decay, boolean nesterov, float[] w, float[] g, float[] v) {
        sgdStep(0, n, rate, mu, decay, nesterov, w, g, v);
    }

    /** {@link #sgdStep} on elements [i0, i1): also the vector kernel's scalar tail. */
    static void sgdStep(int i0, int i1, float rate, float mu, float decay, boolean nesterov, float[] w, float[] g, float[] v) {
        for (int j = i0; j < i1; j++) {
            float gj = g[j] + decay * w[j];
            if (mu == 0f) {
                w[j] -= rate * gj;
                continue;
            }
            v[j] = mu * v[j] + gj;
            w[j] -= rate * (nesterov ? gj + mu * v[j] : v[j]);
        }
    }

    @Override public void relu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = Math.max(0f, x[i]);
    }

    @Override public void reluBackward(float[] x, float[] dOut, float[] dIn, int n) {
        for (int i = 0; i < n; i++) dIn[i] = x[i] > 0f ? dOut[i] : 0f;
    }

    @Override public void leakyRelu(float slope, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = x[i] > 0f ? x[i] : slope * x[i];
    }

    @Override public void leakyReluBackward(float slope, float[] x, float[] dOut, float[] dIn, int n) {
        for (int i = 0; i < n; i++) dIn[i] = x[i] > 0f ? dOut[i] : slope * dOut[i];
    }

    @Override public void elu(float alpha, float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = x[i] > 0f ? x[i] : alpha * (float) Math.expm1(x[i]);
    }

    @Override public void eluBackward(float alpha, float[] x, float[] y, float[] dOut, float[] dIn, int n) {
        for (int i = 0; i < n; i++) dIn[i] = x[i] > 0f ? dOut[i] : (y[i] + alpha) * dOut[i];
    }

    @Override public void sigmoid(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = sigmoid(x[i]);
    }

    @Override public void sigmoidBackward(float[] y, float[] dOut, float[] dIn, int n) {
        for (int i = 0; i < n; i++) dIn[i] = y[i] * (1f - y[i]) * dOut[i];
    }

    @Override public void tanh(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]);
    }

    @Override public void tanhBackward(float[] y, float[] dOut, float[] dIn, int n) {
        for (int i = 0; i < n; i++) dIn[i] = (1f - y[i] * y[i]) * dOut[i];
    }

    /** sqrt(2 / pi), the constant of the tanh form of GELU (Hendrycks and Gimpel 2016). */
    static final float GELU_C = 0.7978845608028654f;
    static final float GELU_A = 0.044715f;

    @Override public void gelu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float t = (float) Math.tanh(GELU_C * (v + GELU_A * v * v * v));
            y[i] = 0.5f * v * (1f + t);
        }
    }

    @Override public void geluBackward(float[] x, float[] dOut, float[] dIn, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float t = (float) Math.tanh(GELU_C * (v + GELU_A * v * v * v));
            // d/dx [x/2 (1 + t(u))] = (1 + t)/2 + x/2 (1 - t^2) u',  u' = c (1 + 3 a x^2)
            float du = GELU_C * (1f + 3f * GELU_A * v * v);
            dIn[i] = (0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du) * dOut[i];
        }
    }

    @Override public void silu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = x[i] * sigmoid(x[i]);
    }

    @Override public void siluBackward(float[] x, float[] dOut, float[] dIn, int n) {
        for (int i = 0; i < n; i++) {
            float s = sigmoid(x[i]);
            dIn[i] = (s + x[i] * s * (1f - s)) * dOut[i];
        }
    }

    @Override public void softplus(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f) + (float) Math.log1p(Math.exp(-Math.abs(x[i])));
    }

    @Override public void softplusBackward(float[] x, float[] dOut, float[] dIn, int n) {
        for (int i = 0; i < n; i++) dIn[i] = sigmoid(x[i]) * dOut[i];
    }

    /** 1 / (1 + e^-x), without overflow for large |x|. */
    static float sigmoid(float x) {
        if (x >= 0f) return (float) (1.0 / (1.0 + Math.exp(-x)));
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    // ---------------------------------------------------------------- rows, bias, reductions

    @Override public void softmaxRows(float[] x, int rows, int cols, float[] out) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) max = Math.max(max, x[o + j]);
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[o + j] - max);
                out[o + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) out[o + j] *= inv;
        }
    }

    @Override public void scatterChannels(float[] cols, int batch, int channels, int spatial, float[] bias, float[] out) {
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                int src = c * batch * spatial + b * spatial;
                int dst = (b * channels + c) * spatial;
                float bc = bias == null ? 0f : bias[c];
                for (int s = 0; s < spatial; s++) out[dst + s] = cols[src + s] + bc;
            }
        }
    }

    @Override public void gatherChannels(float[] x, int batch, int channels, int spatial, float[] cols) {
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                int src = (b * channels + c) * spatial;
                int dst = c * batch * spatial + b * spatial;
                System.arraycopy(x, src, cols, dst, spatial);
            }
        }
    }

    @Override public void addRowVector(float[] x, int rows, int cols, float[] bias) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) x[o + j] += bias[j];
        }
    }

    @Override public void addRowVectorRelu(float[] x, int rows, int cols, float[] bias) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) x[o + j] = Math.max(0f, x[o + j] + bias[j]);
        }
    }

    @Override public void addColumnSums(float[] x, int rows, int cols, float[] sums) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) sums[j] += x[o + j];
        }
    }

    @Override public void addRowSums(float[] x, int rows, int cols, float[] sums) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float s = 0f;
            for (int j = 0; j < cols; j++) s += x[o + j];
            sums[r] += s;
        }
    }

    @Override public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override public float sum(float[] x, int off, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x[off + i];
        return s;
    }

    // ---------------------------------------------------------------- fast transforms

    @Override public void wht(float[] x, int off, int rows, int cols, boolean normalised) {
        requirePowerOfTwo(cols);
        float scale = whtScale(cols, normalised);
        for (int r = 0; r < rows; r++) {
            int o = off + r * cols;                          // row r: x[o .. o + L)
            // stage h: butterflies between j and j + h inside each block of 2h
            for (int h = 1; h < cols; h *= 2) {
                for (int block = o; block < o + cols; block += 2 * h) {
                    for (int j = block; j < block + h; j++) {
                        float a = x[j], b = x[j + h];
                        x[j] = a + b;
                        x[j + h] = a - b;
                    }
                }
            }
            if (scale != 1f) {
                for (int j = o; j < o + cols; j++) x[j] *= scale;
            }
        }
    }

    @Override public void mulRowVector(float[] x, int rows, int cols, float[] d, float[] y) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) y[o + j] = x[o + j] * d[j];
        }
    }

    @Override public void mulRowVectorBackward(float[] x, float[] dOut, int rows, int cols, float[] d, float[] dIn, float[] dd) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                float g = dOut[o + j];
                if (dd != null) dd[j] += x[o + j] * g;
                dIn[o + j] = d[j] * g;
            }
        }
    }

    @Override public void switchedScale(float[] x, int rows, int cols, float[] a, float[] b, float[] y) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                float v = x[o + j];
                y[o + j] = (v > 0f ? a[j] : b[j]) * v;
            }
        }
    }

    @Override public void switchedScaleBackward(float[] x, float[] dOut, int rows, int cols, float[] a, float[] b,
                                                float[] dIn, float[] da, float[] db) {
        for (int r = 0; r < rows; r++) switchedScaleBackwardRow(x, dOut, r * cols, 0, cols, a, b, dIn, da, db);
    }

    /** {@link #switchedScaleBackward} on columns [j0, j1) of the row at offset o: also the vector kernel's scalar tail. */
    static void switchedScaleBackwardRow(float[] x, float[] dOut, int o, int j0, int j1, float[] a, float[] b,
                                         float[] dIn, float[] da, float[] db) {
        for (int j = j0; j < j1; j++) {
            float v = x[o + j], g = dOut[o + j];
            if (v > 0f) {
                da[j] += v * g;
                dIn[o + j] = a[j] * g;
            } else {
                db[j] += v * g;
                dIn[o + j] = b[j] * g;
            }
        }
    }

    /** 1/sqrt(L) as a float (exact when L is an even power of two), or 1 for the unnormalised transform. */
    static float whtScale(int cols, boolean normalised) {
        return normalised ? (float) (1.0 / Math.sqrt(cols)) : 1f;
    }

    static void requirePowerOfTwo(int cols) {
        if (cols < 1 || (cols & (cols - 1)) != 0) {
            throw new IllegalArgumentException("Walsh-Hadamard transform length must be a power of two, got " + cols);
        }
    }
}
