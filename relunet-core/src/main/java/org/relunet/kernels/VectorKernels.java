package org.relunet.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation of {@link Kernels}: dispatch, element-wise activations and row
 * operations here; GEMM in {@link VectorGemm}; the zero-skipping GEMM in {@link VectorSparse}; im2col,
 * col2im, pooling and the channel permutes in {@link VectorConv}. Each method must equal the method of
 * the same name in {@link ScalarKernels} within rounding (the parity tests check element by element). Every loop is a vector body up to
 * {@code S.loopBound(n)} and a scalar tail, at whatever width the CPU prefers (256 bits or more).
 * exp, tanh and log1p come from {@link VectorMath}, not {@code lanewise(EXP)}, whose bits changed
 * once C2 compiled the caller.
 *
 * <p>Loaded by name by {@link KernelProvider} only when {@code jdk.incubator.vector} is present.
 * Legend: see {@link Kernels}.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Element-wise kernels split n across threads from this size on (they are memory-bound). */
    private static final int PARALLEL_MIN = 1 << 16;

    /** A contiguous range [lo, hi) of a kernel's independent work. */
    @FunctionalInterface
    interface Range {
        void run(int lo, int hi);
    }

    /** @throws UnsupportedOperationException when the preferred vectors are narrower than 256 bits */
    public VectorKernels() {
        if (S.vectorBitSize() < 256) {
            throw new UnsupportedOperationException("preferred vectors are " + S.vectorBitSize() + "-bit; need 256 or more");
        }
    }

    @Override public String name() { return "vector(" + S.vectorBitSize() + "-bit)"; }

    /**
     * The sum of v's lanes in a fixed pairwise order (lane i + lane i + L/2, then halves again).
     * {@code reduceLanes(ADD)} may add in any order, and the interpreter and C2 do differ, which
     * would break "same bits for the same thread count".
     */
    static float sumLanes(FloatVector v) {
        // Written out, not as a loop: a vector carried around a loop is boxed on every trip
        // (80 bytes each), which made the FC layer's dot tiles allocate 600 KB per call.
        // L is a constant, so the unused steps fold away; L is 8 or 16 on x86 (at most 64).
        if (L >= 64) v = v.add(v.slice(32));
        if (L >= 32) v = v.add(v.slice(16));
        if (L >= 16) v = v.add(v.slice(8));
        v = v.add(v.slice(4));
        v = v.add(v.slice(2));
        v = v.add(v.slice(1));
        return v.lane(0);
    }

    /** The same sum as {@link #sumLanes(FloatVector)}, in the same order, of L floats stored at a[off]. */
    static float sumLanes(float[] a, int off) {
        for (int half = L / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) a[off + i] += a[off + i + half];
        }
        return a[off];
    }

    // ---------------------------------------------------------------- GEMM, convolution, pooling

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        VectorGemm.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void sparseGemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        VectorSparse.gemm(transA, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public void sparseLinear(int m, int n, int k, float[] a, float[] w, float[] wt, float[] bias, boolean relu, float[] c) {
        VectorSparse.linear(m, n, k, a, w, wt, bias, relu, c);
    }

    @Override
    public void sparseGemmReluMask(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                   float[] x, float[] c, int cOff, int ldc) {
        VectorSparse.gemm(false, m, n, k, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc, x);
    }

    @Override public int countNonzero(float[] x, int off, int n) {
        return VectorSparse.countNonzero(x, off, n);
    }

    @Override public void transpose(float[] a, int rows, int cols, float[] out) {
        VectorSparse.transpose(a, rows, cols, out);
    }

    @Override
    public void im2col(float[] x, int batch, int channels, int height, int width,
                       int kernelH, int kernelW, int stride, int pad, float[] col) {
        VectorConv.im2col(x, batch, channels, height, width, kernelH, kernelW, stride, pad, col);
    }

    @Override
    public void col2im(float[] col, int batch, int channels, int height, int width,
                       int kernelH, int kernelW, int stride, int pad, float[] dx) {
        VectorConv.col2im(col, batch, channels, height, width, kernelH, kernelW, stride, pad, dx);
    }

    @Override
    public void convForward(ConvShape g, float[] x, float[] weight, float[] bias, float[] out) {
        VectorConvolution.forward(g, x, weight, bias, out);
    }

    @Override
    public void convBackward(ConvShape g, float[] x, float[] dOut, float[] weight, float[] dWeight, float[] dBias, float[] dx) {
        VectorConvolution.backward(g, x, dOut, weight, dWeight, dBias, dx);
    }

    @Override
    public void maxPoolForward(float[] x, int planes, int height, int width, int window, int stride,
                               float[] out, int[] argmax) {
        VectorConv.maxPoolForward(x, planes, height, width, window, stride, out, argmax);
    }

    @Override
    public void maxPoolReluForward(float[] x, int planes, int height, int width, int window, int stride,
                                   float[] out, int[] argmax) {
        VectorConv.maxPoolForward(x, planes, height, width, window, stride, out, argmax, true);
    }

    @Override
    public void maxPoolReluBackward(float[] dOut, int[] argmax, float[] x, int planes, int height, int width,
                                    int window, int stride, float[] dIn) {
        VectorConv.maxPoolReluBackward(dOut, argmax, x, planes, height, width, window, stride, dIn);
    }

    @Override
    public void maxPoolBackward(float[] dOut, int[] argmax, int count, float[] dIn) {
        VectorConv.maxPoolBackward(dOut, argmax, count, dIn);
    }

    @Override
    public void maxPool2x2Backward(float[] dOut, int[] argmax, int planes, int height, int width, float[] dIn) {
        VectorConv.maxPool2x2Backward(dOut, argmax, planes, height, width, dIn);
    }

    @Override
    public void scatterChannels(float[] cols, int batch, int channels, int spatial, float[] bias, float[] out) {
        VectorConv.scatterChannels(cols, batch, channels, spatial, bias, out);
    }

    @Override
    public void gatherChannels(float[] x, int batch, int channels, int spatial, float[] cols) {
        VectorConv.gatherChannels(x, batch, channels, spatial, cols);
    }

    // ---------------------------------------------------------------- element-wise activations

    /** Runs an element-wise body over [0, n), split across threads when n is large. */
    private static void elementwise(int n, Range body) {
        VectorConv.ranges(n, PARALLEL_MIN, body);
    }

    @Override public void relu(float[] x, float[] y, int n) {
        // max, not a compare-and-branch: a branch on random signs runs 25x slower (issue 4)
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
            }
            for (; i < hi; i++) y[i] = Math.max(0f, x[i]);
        });
    }

    @Override public void reluBackward(float[] x, float[] dOut, float[] dIn, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                VectorMask<Float> positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                FloatVector.zero(S).blend(FloatVector.fromArray(S, dOut, i), positive).intoArray(dIn, i);
            }
            for (; i < hi; i++) dIn[i] = x[i] > 0f ? dOut[i] : 0f;
        });
    }

    @Override public void leakyRelu(float slope, float[] x, float[] y, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
            }
            for (; i < hi; i++) y[i] = x[i] > 0f ? x[i] : slope * x[i];
        });
    }

    @Override public void leakyReluBackward(float slope, float[] x, float[] dOut, float[] dIn, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector d = FloatVector.fromArray(S, dOut, i);
                VectorMask<Float> positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                d.mul(slope).blend(d, positive).intoArray(dIn, i);
            }
            for (; i < hi; i++) dIn[i] = x[i] > 0f ? dOut[i] : slope * dOut[i];
        });
    }

    @Override public void elu(float alpha, float[] x, float[] y, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                // e^min(x,0) - 1: the positive lanes take x; near 0 this is within 1e-7 of expm1
                FloatVector negative = VectorMath.exp(v.min(0f)).sub(1f).mul(alpha);
                negative.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
            }
            for (; i < hi; i++) y[i] = x[i] > 0f ? x[i] : alpha * (float) Math.expm1(x[i]);
        });
    }

    @Override public void eluBackward(float alpha, float[] x, float[] y, float[] dOut, float[] dIn, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector d = FloatVector.fromArray(S, dOut, i);
                FloatVector negative = FloatVector.fromArray(S, y, i).add(alpha).mul(d);
                VectorMask<Float> positive = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                negative.blend(d, positive).intoArray(dIn, i);
            }
            for (; i < hi; i++) dIn[i] = x[i] > 0f ? dOut[i] : (y[i] + alpha) * dOut[i];
        });
    }

    @Override public void sigmoid(float[] x, float[] y, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                logistic(FloatVector.fromArray(S, x, i)).intoArray(y, i);
            }
            for (; i < hi; i++) y[i] = ScalarKernels.sigmoid(x[i]);
        });
    }

    /** sigmoid(v) = 1 / (1 + e^-v) for v >= 0, e^v / (1 + e^v) otherwise: e = e^-|v| never overflows. */
    private static FloatVector logistic(FloatVector v) {
        FloatVector e = VectorMath.exp(v.abs().neg());
        FloatVector r = FloatVector.broadcast(S, 1f).div(e.add(1f));
        return r.blend(e.mul(r), v.compare(VectorOperators.LT, 0f));
    }

    @Override public void sigmoidBackward(float[] y, float[] dOut, float[] dIn, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector s = FloatVector.fromArray(S, y, i);
                // same association as the reference: (y * (1 - y)) * dOut
                s.mul(s.neg().add(1f)).mul(FloatVector.fromArray(S, dOut, i)).intoArray(dIn, i);
            }
            for (; i < hi; i++) dIn[i] = y[i] * (1f - y[i]) * dOut[i];
        });
    }

    @Override public void tanh(float[] x, float[] y, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                VectorMath.tanh(FloatVector.fromArray(S, x, i)).intoArray(y, i);
            }
            for (; i < hi; i++) y[i] = (float) Math.tanh(x[i]);
        });
    }

    @Override public void tanhBackward(float[] y, float[] dOut, float[] dIn, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector t = FloatVector.fromArray(S, y, i);
                t.mul(t).neg().add(1f).mul(FloatVector.fromArray(S, dOut, i)).intoArray(dIn, i);
            }
            for (; i < hi; i++) dIn[i] = (1f - y[i] * y[i]) * dOut[i];
        });
    }

    /** t = tanh(sqrt(2/pi) * (x + 0.044715 x^3)), the inner term of the tanh form of GELU. */
    private static FloatVector geluTanh(FloatVector v) {
        return VectorMath.tanh(v.mul(v).mul(v).mul(ScalarKernels.GELU_A).add(v).mul(ScalarKernels.GELU_C));
    }

    @Override public void gelu(float[] x, float[] y, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                v.mul(0.5f).mul(geluTanh(v).add(1f)).intoArray(y, i);
            }
            for (; i < hi; i++) {
                float v = x[i];
                float t = (float) Math.tanh(ScalarKernels.GELU_C * (v + ScalarKernels.GELU_A * v * v * v));
                y[i] = 0.5f * v * (1f + t);
            }
        });
    }

    @Override public void geluBackward(float[] x, float[] dOut, float[] dIn, int n) {
        final float c = ScalarKernels.GELU_C, a3 = 3f * ScalarKernels.GELU_A;
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                FloatVector t = geluTanh(v);
                // GELU'(x) = (1 + t)/2 + x/2 (1 - t^2) u',  u' = c (1 + 3 a x^2)
                FloatVector du = v.mul(v).mul(a3).add(1f).mul(c);
                FloatVector left = t.add(1f).mul(0.5f);
                FloatVector right = v.mul(0.5f).mul(t.mul(t).neg().add(1f)).mul(du);
                left.add(right).mul(FloatVector.fromArray(S, dOut, i)).intoArray(dIn, i);
            }
            for (; i < hi; i++) {
                float v = x[i];
                float t = (float) Math.tanh(c * (v + ScalarKernels.GELU_A * v * v * v));
                float du = c * (1f + a3 * v * v);
                dIn[i] = (0.5f * (1f + t) + 0.5f * v * (1f - t * t) * du) * dOut[i];
            }
        });
    }

    @Override public void silu(float[] x, float[] y, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                v.mul(logistic(v)).intoArray(y, i);
            }
            for (; i < hi; i++) y[i] = x[i] * ScalarKernels.sigmoid(x[i]);
        });
    }

    @Override public void siluBackward(float[] x, float[] dOut, float[] dIn, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                FloatVector s = logistic(v);
                // s + x s (1 - s)
                s.add(v.mul(s).mul(s.neg().add(1f))).mul(FloatVector.fromArray(S, dOut, i)).intoArray(dIn, i);
            }
            for (; i < hi; i++) {
                float s = ScalarKernels.sigmoid(x[i]);
                dIn[i] = (s + x[i] * s * (1f - s)) * dOut[i];
            }
        });
    }

    @Override public void softplus(float[] x, float[] y, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                FloatVector tail = VectorMath.log1pUnit(VectorMath.exp(v.abs().neg()));
                v.max(0f).add(tail).intoArray(y, i);
            }
            for (; i < hi; i++) y[i] = Math.max(x[i], 0f) + (float) Math.log1p(Math.exp(-Math.abs(x[i])));
        });
    }

    @Override public void softplusBackward(float[] x, float[] dOut, float[] dIn, int n) {
        elementwise(n, (lo, hi) -> {
            int i = lo;
            for (int bound = lo + S.loopBound(hi - lo); i < bound; i += L) {
                logistic(FloatVector.fromArray(S, x, i)).mul(FloatVector.fromArray(S, dOut, i)).intoArray(dIn, i);
            }
            for (; i < hi; i++) dIn[i] = ScalarKernels.sigmoid(x[i]) * dOut[i];
        });
    }

    // ---------------------------------------------------------------- rows, bias, reductions

    @Override public void softmaxRows(float[] x, int rows, int cols, float[] out) {
        VectorConv.ranges(rows, Math.max(1, PARALLEL_MIN / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols;
                int bound = S.loopBound(cols);
                // max(x): subtracting it keeps exp from overflowing
                float max = Float.NEGATIVE_INFINITY;
                int j = 0;
                if (bound > 0) {
                    FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
                    for (; j < bound; j += L) m = m.max(FloatVector.fromArray(S, x, o + j));
                    max = m.reduceLanes(VectorOperators.MAX);
                }
                for (; j < cols; j++) max = Math.max(max, x[o + j]);
                // out = exp(x - max), sum
                FloatVector sumV = FloatVector.zero(S);
                j = 0;
                for (; j < bound; j += L) {
                    FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, o + j).sub(max));
                    e.intoArray(out, o + j);
                    sumV = sumV.add(e);
                }
                float sum = sumLanes(sumV);
                for (; j < cols; j++) {
                    float e = (float) Math.exp(x[o + j] - max);
                    out[o + j] = e;
                    sum += e;
                }
                float inv = 1f / sum;
                j = 0;
                for (; j < bound; j += L) FloatVector.fromArray(S, out, o + j).mul(inv).intoArray(out, o + j);
                for (; j < cols; j++) out[o + j] *= inv;
            }
        });
    }

    @Override public void addRowVector(float[] x, int rows, int cols, float[] bias) {
        for (int r = 0; r < rows; r++) addBiasRow(x, r * cols, 0, cols, bias, 0, false);
    }

    @Override public void addRowVectorRelu(float[] x, int rows, int cols, float[] bias) {
        for (int r = 0; r < rows; r++) addBiasRow(x, r * cols, 0, cols, bias, 0, true);
    }

    /**
     * x[o + j] = x[o + j] + bias[biasOff + j] for j in [j0, j1), then max(., 0) when relu: one row of
     * {@link #addRowVector} or {@link #addRowVectorRelu}, and the bias epilogue of the sparse product.
     * A loop per case, so no vector is assigned in two branches.
     */
    static void addBiasRow(float[] x, int o, int j0, int j1, float[] bias, int biasOff, boolean relu) {
        int j = j0;
        if (relu) {
            for (; j + L <= j1; j += L) {
                FloatVector.fromArray(S, x, o + j).add(FloatVector.fromArray(S, bias, biasOff + j)).max(0f).intoArray(x, o + j);
            }
            for (; j < j1; j++) x[o + j] = Math.max(0f, x[o + j] + bias[biasOff + j]);
        } else {
            for (; j + L <= j1; j += L) {
                FloatVector.fromArray(S, x, o + j).add(FloatVector.fromArray(S, bias, biasOff + j)).intoArray(x, o + j);
            }
            for (; j < j1; j++) x[o + j] = x[o + j] + bias[biasOff + j];
        }
    }

    @Override public void addColumnSums(float[] x, int rows, int cols, float[] sums) {
        // Each sums[j] gets its rows added in row order, exactly as the reference does.
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, sums, j).add(FloatVector.fromArray(S, x, o + j)).intoArray(sums, j);
            }
            for (; j < cols; j++) sums[j] += x[o + j];
        }
    }

    @Override public void addRowSums(float[] x, int rows, int cols, float[] sums) {
        for (int r = 0; r < rows; r++) sums[r] += sum(x, r * cols, cols);
    }

    @Override public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        // mul then add, not fma: the same two roundings as the reference, so the same bits
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).mul(alpha).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    /**
     * Parameters from this size are updated by all threads: W1's 256 x 256 second layer (64K) too,
     * each thread the rows of W that it transposes for the next forward pass (the same halves).
     */
    private static final int SGD_PARALLEL_MIN = 1 << 15;

    @Override public void sgdStep(int n, float rate, float mu, float decay, boolean nesterov, float[] w, float[] g, float[] v) {
        // the reference's operations in its order, no fma: the same bits; parameters split across threads.
        // One straight loop per case: a vector that two branches assign (a phi) can defeat C2's
        // unboxing, and a run that compiled it so went twice as slow (W1 epochs of 1.0 s, not 0.5).
        VectorConv.ranges(n, SGD_PARALLEL_MIN, (i0, i1) -> {
            int i = i0, bound = i0 + S.loopBound(i1 - i0);
            if (mu == 0f) {
                for (; i < bound; i += L) {
                    FloatVector wv = FloatVector.fromArray(S, w, i);
                    FloatVector gv = FloatVector.fromArray(S, g, i).add(wv.mul(decay));
                    wv.sub(gv.mul(rate)).intoArray(w, i);
                }
            } else if (!nesterov) {
                for (; i < bound; i += L) {
                    FloatVector wv = FloatVector.fromArray(S, w, i);
                    FloatVector gv = FloatVector.fromArray(S, g, i).add(wv.mul(decay));
                    FloatVector vv = FloatVector.fromArray(S, v, i).mul(mu).add(gv);
                    vv.intoArray(v, i);
                    wv.sub(vv.mul(rate)).intoArray(w, i);
                }
            } else {
                for (; i < bound; i += L) {
                    FloatVector wv = FloatVector.fromArray(S, w, i);
                    FloatVector gv = FloatVector.fromArray(S, g, i).add(wv.mul(decay));
                    FloatVector vv = FloatVector.fromArray(S, v, i).mul(mu).add(gv);
                    vv.intoArray(v, i);
                    wv.sub(gv.add(vv.mul(mu)).mul(rate)).intoArray(w, i);
                }
            }
            ScalarKernels.sgdStep(i, i1, rate, mu, decay, nesterov, w, g, v);
        });
    }

    @Override public float dot(int n, float[] x, int xOff, float[] y, int yOff) {
        // two accumulators hide the FMA latency
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 2 * L + 1; i < bound; i += 2 * L) {
            s0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s0);
            s1 = FloatVector.fromArray(S, x, xOff + i + L).fma(FloatVector.fromArray(S, y, yOff + i + L), s1);
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            s0 = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), s0);
        }
        float s = sumLanes(s0.add(s1));
        for (; i < n; i++) s += x[xOff + i] * y[yOff + i];
        return s;
    }

    @Override public float sum(float[] x, int off, int n) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 2 * L + 1; i < bound; i += 2 * L) {
            s0 = s0.add(FloatVector.fromArray(S, x, off + i));
            s1 = s1.add(FloatVector.fromArray(S, x, off + i + L));
        }
        for (int bound = S.loopBound(n); i < bound; i += L) s0 = s0.add(FloatVector.fromArray(S, x, off + i));
        float s = sumLanes(s0.add(s1));
        for (; i < n; i++) s += x[off + i];
        return s;
    }

    // ---------------------------------------------------------------- fast transforms

    /** Fast Walsh-Hadamard transform: see {@link VectorTransforms}. */
    @Override public void wht(float[] x, int off, int rows, int cols, boolean normalised) {
        VectorTransforms.wht(x, off, rows, cols, normalised);
    }

    @Override public void mulRowVector(float[] x, int rows, int cols, float[] d, float[] y) {
        // C2 leaves the plain loop scalar (measured 4x slower at 128 x 1024)
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols, j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(S, x, o + j).mul(FloatVector.fromArray(S, d, j)).intoArray(y, o + j);
            }
            for (; j < cols; j++) y[o + j] = x[o + j] * d[j];
        }
    }

    @Override public void mulRowVectorBackward(float[] x, float[] dOut, int rows, int cols, float[] d, float[] dIn, float[] dd) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols, j = 0;
            for (; j < bound; j += L) {
                FloatVector g = FloatVector.fromArray(S, dOut, o + j);
                if (dd != null) FloatVector.fromArray(S, dd, j).add(FloatVector.fromArray(S, x, o + j).mul(g)).intoArray(dd, j);
                FloatVector.fromArray(S, d, j).mul(g).intoArray(dIn, o + j);
            }
            for (; j < cols; j++) {
                float g = dOut[o + j];
                if (dd != null) dd[j] += x[o + j] * g;
                dIn[o + j] = d[j] * g;
            }
        }
    }

    @Override public void switchedScale(float[] x, int rows, int cols, float[] a, float[] b, float[] y) {
        // a blend on the sign mask, not a branch: the signs are random (see relu)
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols, j = 0;
            for (; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(S, x, o + j);
                VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
                FloatVector.fromArray(S, b, j).blend(FloatVector.fromArray(S, a, j), positive).mul(v).intoArray(y, o + j);
            }
            for (; j < cols; j++) {
                float v = x[o + j];
                y[o + j] = (v > 0f ? a[j] : b[j]) * v;
            }
        }
    }

    @Override public void switchedScaleBackward(float[] x, float[] dOut, int rows, int cols, float[] a, float[] b,
                                                float[] dIn, float[] da, float[] db) {
        // masked adds leave the other side's sums untouched, so both equal the reference's bits
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols, j = 0;
            for (; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(S, x, o + j), g = FloatVector.fromArray(S, dOut, o + j);
                VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
                FloatVector vg = v.mul(g);
                FloatVector.fromArray(S, da, j).add(vg, positive).intoArray(da, j);
                FloatVector.fromArray(S, db, j).add(vg, positive.not()).intoArray(db, j);
                FloatVector.fromArray(S, b, j).blend(FloatVector.fromArray(S, a, j), positive).mul(g).intoArray(dIn, o + j);
            }
            ScalarKernels.switchedScaleBackwardRow(x, dOut, o, j, cols, a, b, dIn, da, db);
        }
    }
}
