package org.relunet.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Convolution plumbing and pooling for {@link VectorKernels}: im2col / col2im, the channel
 * scatter / gather between the GEMM layout (C, B*S) and NCHW, and max pooling. Each must equal the
 * method of the same name in {@link ScalarKernels}; all but the activations' sums are pure copies
 * or single adds per element, so they are bit-identical to it. Legend: see {@link Kernels}.
 *
 * <p>These kernels are memory-bound. What makes them fast is copying contiguous runs (for stride 1,
 * a row of an output feature map is one run of an input row) and splitting the work between
 * threads over independent outputs: rows of col for im2col, channels for col2im, planes for pooling.
 */
final class VectorConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorConv() {}

    /** Below this many elements of work a kernel runs on the calling thread. */
    static final int PARALLEL_MIN = 1 << 15;

    /** Runs body over [0, count) in at most threads() contiguous ranges of at least minPerTask. */
    static void ranges(int count, int minPerTask, VectorKernels.Range body) {
        int tasks = Math.min(Parallel.threads(), count / Math.max(1, minPerTask));
        if (tasks <= 1) {
            body.run(0, count);
            return;
        }
        Parallel.forEach(tasks, t -> body.run((int) ((long) count * t / tasks), (int) ((long) count * (t + 1) / tasks)));
    }

    /** First ow with ow*stride + offset >= 0. */
    private static int firstInside(int offset, int stride) {
        return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    }

    /** One past the last ow with ow*stride + offset < size, clamped to [lo, outSize]. */
    private static int endInside(int offset, int stride, int size, int outSize, int lo) {
        int last = size - 1 - offset;                         // need ow*stride <= last
        if (last < 0) return lo;
        return Math.max(lo, Math.min(outSize, last / stride + 1));
    }

    static void im2col(float[] x, int batch, int channels, int height, int width,
                       int kernelH, int kernelW, int stride, int pad, float[] col) {
        int outH = (height + 2 * pad - kernelH) / stride + 1;
        int outW = (width + 2 * pad - kernelW) / stride + 1;
        int spatial = outH * outW;
        int colCols = batch * spatial;                        // col is (C*KH*KW, B*OH*OW)
        int rows = channels * kernelH * kernelW;
        ranges(rows, Math.max(1, PARALLEL_MIN / Math.max(1, colCols)), (r0, r1) -> {
            for (int rowIndex = r0; rowIndex < r1; rowIndex++) {
                int c = rowIndex / (kernelH * kernelW);
                int i = rowIndex / kernelW % kernelH;
                int j = rowIndex % kernelW;
                int row = rowIndex * colCols;
                int offW = j - pad;
                int owLo = Math.min(outW, firstInside(offW, stride));
                int owHi = endInside(offW, stride, width, outW, owLo);
                for (int b = 0; b < batch; b++) {
                    int plane = (b * channels + c) * height * width;   // x is (B, C, H, W)
                    int dst = row + b * spatial;
                    for (int oh = 0; oh < outH; oh++, dst += outW) {
                        int ih = oh * stride + i - pad;
                        if (ih < 0 || ih >= height) {
                            java.util.Arrays.fill(col, dst, dst + outW, 0f);
                            continue;
                        }
                        int src = plane + ih * width + offW;            // x index of ow = 0
                        for (int ow = 0; ow < owLo; ow++) col[dst + ow] = 0f;
                        if (stride == 1) {
                            System.arraycopy(x, src + owLo, col, dst + owLo, owHi - owLo);
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) col[dst + ow] = x[src + ow * stride];
                        }
                        for (int ow = owHi; ow < outW; ow++) col[dst + ow] = 0f;
                    }
                }
            }
        });
    }

    static void col2im(float[] col, int batch, int channels, int height, int width,
                       int kernelH, int kernelW, int stride, int pad, float[] dx) {
        int outH = (height + 2 * pad - kernelH) / stride + 1;
        int outW = (width + 2 * pad - kernelW) / stride + 1;
        int spatial = outH * outW;
        int colCols = batch * spatial;
        int perChannel = kernelH * kernelW * colCols;
        // Channels own disjoint planes of dx; within one, the adds come in the reference's order.
        ranges(channels, Math.max(1, PARALLEL_MIN / Math.max(1, perChannel)), (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                for (int i = 0; i < kernelH; i++) {
                    for (int j = 0; j < kernelW; j++) {
                        int row = ((c * kernelH + i) * kernelW + j) * colCols;
                        int offW = j - pad;
                        int owLo = Math.min(outW, firstInside(offW, stride));
                        int owHi = endInside(offW, stride, width, outW, owLo);
                        for (int b = 0; b < batch; b++) {
                            int plane = (b * channels + c) * height * width;
                            int src = row + b * spatial;
                            for (int oh = 0; oh < outH; oh++) {
                                int ih = oh * stride + i - pad;
                                if (ih < 0 || ih >= height) continue;
                                int d = plane + ih * width + offW;
                                int s = src + oh * outW;
                                if (stride == 1) {
                                    addInto(col, s + owLo, dx, d + owLo, owHi - owLo);
                                } else {
                                    for (int ow = owLo; ow < owHi; ow++) dx[d + ow * stride] += col[s + ow];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** dst[d + t] += src[s + t] for t in [0, n). */
    static void addInto(float[] src, int s, float[] dst, int d, int n) {
        int t = 0;
        for (int bound = S.loopBound(n); t < bound; t += L) {
            FloatVector.fromArray(S, dst, d + t).add(FloatVector.fromArray(S, src, s + t)).intoArray(dst, d + t);
        }
        for (; t < n; t++) dst[d + t] += src[s + t];
    }

    static void maxPoolForward(float[] x, int planes, int height, int width, int window, int stride,
                               float[] out, int[] argmax) {
        maxPoolForward(x, planes, height, width, window, stride, out, argmax, false);
    }

    /**
     * With {@code relu}, out = max(maxpool(x), 0): {@link Kernels#maxPoolReluForward}. argmax null:
     * out only (inference). The 2x2 case splits its planes across the threads from 4K inputs on, so
     * at batch 1 each thread pools the planes that it computed in the convolution before (which
     * splits its filters the same way): the data stay in that core's cache.
     */
    static void maxPoolForward(float[] x, int planes, int height, int width, int window, int stride,
                               float[] out, int[] argmax, boolean relu) {
        int outH = (height - window) / stride + 1;
        int outW = (width - window) / stride + 1;
        if (window == 2 && stride == 2) {
            ranges(planes, Math.max(1, POOL_PARALLEL_MIN / Math.max(1, height * width)),
                    (p0, p1) -> maxPool2x2(x, p0, p1, height, width, out, argmax, relu));
            return;
        }
        ranges(planes, Math.max(1, PARALLEL_MIN / Math.max(1, height * width)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int plane = p * height * width;
                for (int oh = 0; oh < outH; oh++) {
                    int o = (p * outH + oh) * outW;
                    int rowStart = plane + oh * stride * width;
                    for (int ow = 0; ow < outW; ow++) {
                        int best = rowStart + ow * stride;
                        float bestValue = x[best];
                        for (int i = 0; i < window; i++) {
                            int idx = rowStart + i * width + ow * stride;
                            for (int j = 0; j < window; j++, idx++) {
                                float v = x[idx];
                                // strict > keeps the first maximum; written as selects, not a branch
                                boolean wins = v > bestValue;
                                bestValue = wins ? v : bestValue;
                                best = wins ? idx : best;
                            }
                        }
                        out[o + ow] = relu ? Math.max(0f, bestValue) : bestValue;
                        if (argmax != null) argmax[o + ow] = best;
                    }
                }
            }
        });
    }

    /** Inputs per task from which the 2x2 max pool splits its planes across threads. */
    private static final int POOL_PARALLEL_MIN = 1 << 12;

    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());

    /** Even and odd lanes of two concatenated vectors (a two-vector rearrange), and their inverse interleave. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.iota(S, 0, 2, false);
    private static final VectorShuffle<Float> ODD = VectorShuffle.iota(S, 1, 2, false);
    private static final VectorShuffle<Float> ZIP_LO = zip(0), ZIP_HI = zip(L);
    private static final IntVector TWICE_LANE = IntVector.fromArray(I, twiceLane(), 0);

    /** Lane j of [a0, b0, a1, b1, ...] starting at element first: a[(first + j) / 2] or (odd) b's, as exceptional indexes. */
    private static VectorShuffle<Float> zip(int first) {
        int[] idx = new int[L];
        for (int j = 0; j < L; j++) {
            int e = first + j;
            idx[j] = e % 2 == 0 ? e / 2 : e / 2 - L;
        }
        return VectorShuffle.fromArray(S, idx, 0);
    }

    private static int[] twiceLane() {
        int[] t = new int[L];
        for (int j = 0; j < L; j++) t[j] = 2 * j;
        return t;
    }

    /**
     * The 2x2 stride-2 case, which every reference network uses: per output row, two vector loads
     * of each input row split into even and odd columns (a two-vector rearrange) give the four
     * window elements of L outputs, no gathers. The comparisons are the reference's, in its order
     * (top left, top right, bottom left, bottom right, strict >), as vector masks: written as
     * scalar selects, C2 turned them into branches that mispredicted on every other window. Gathering
     * the four elements along a whole plane instead measured 2x slower on W2's first pool (28x28)
     * and no faster on its second (14x14, half the lanes idle here).
     */
    private static void maxPool2x2(float[] x, int p0, int p1, int height, int width, float[] out, int[] argmax, boolean relu) {
        int outH = height / 2, outW = width / 2;
        if (outW <= L && height == 2 * outH) {
            maxPool2x2Rows(x, p0 * outH, p1 * outH, width, outW, out, argmax, relu);
            return;
        }
        for (int p = p0; p < p1; p++) {
            for (int oh = 0; oh < outH; oh++) {
                int top = (p * height + 2 * oh) * width, bottom = top + width, o = (p * outH + oh) * outW;
                for (int ow = 0; ow < outW; ow += L) {
                    int in0 = 2 * ow;                     // the row's inputs [in0, in0 + 2L), 2*outW of them real
                    VectorMask<Float> m0 = S.indexInRange(in0, 2 * outW), m1 = S.indexInRange(in0 + L, 2 * outW);
                    FloatVector a0 = FloatVector.fromArray(S, x, top + in0, m0), a1 = FloatVector.fromArray(S, x, top + in0 + L, m1);
                    FloatVector b0 = FloatVector.fromArray(S, x, bottom + in0, m0), b1 = FloatVector.fromArray(S, x, bottom + in0 + L, m1);
                    IntVector base = TWICE_LANE.add(top + in0);
                    FloatVector best = a0.rearrange(EVEN, a1);
                    IntVector at = base;
                    FloatVector v = a0.rearrange(ODD, a1);
                    VectorMask<Float> wins = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, wins);
                    at = at.blend(base.add(1), wins.cast(I));
                    v = b0.rearrange(EVEN, b1);
                    wins = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, wins);
                    at = at.blend(base.add(width), wins.cast(I));
                    v = b0.rearrange(ODD, b1);
                    wins = v.compare(VectorOperators.GT, best);
                    best = best.blend(v, wins);
                    at = at.blend(base.add(width + 1), wins.cast(I));
                    VectorMask<Float> live = S.indexInRange(ow, outW);
                    if (relu) {                                // a store in each branch: no vector phi
                        best.max(0f).intoArray(out, o + ow, live);
                    } else {
                        best.intoArray(out, o + ow, live);
                    }
                    if (argmax != null) at.intoArray(argmax, o + ow, live.cast(I));
                }
            }
        }
    }

    /** Lanes 2j and 2j + 1 of two concatenated vectors, as the index vectors of a two-table {@code selectFrom}. */
    private static final FloatVector EVEN_LANES = TWICE_LANE.convert(VectorOperators.I2F, 0).reinterpretAsFloats();
    private static final FloatVector ODD_LANES = TWICE_LANE.add(1).convert(VectorOperators.I2F, 0).reinterpretAsFloats();

    /**
     * The 2x2 pool when an output row fits one vector and the rows of the planes pair up exactly
     * (W2's 28x28 and 14x14): one loop over the output rows [r0, r1) of all the planes, each row
     * pair's 2 * OW inputs read under masks made once, even and odd columns by two-table
     * {@code selectFrom} ({@code vpermt2ps}). The comparisons are those of {@link #maxPool2x2}.
     * Batch 1, one thread: 2.1 us per pool against 6.5 with a mask per row and a loop per row.
     */
    private static void maxPool2x2Rows(float[] x, int r0, int r1, int width, int outW, float[] out, int[] argmax, boolean relu) {
        VectorMask<Float> m0 = S.indexInRange(0, 2 * outW), m1 = S.indexInRange(L, 2 * outW), live = S.indexInRange(0, outW);
        VectorMask<Integer> liveI = live.cast(I);
        for (int r = r0; r < r1; r++) {
            int top = 2 * r * width, bottom = top + width, o = r * outW;
            FloatVector a0 = FloatVector.fromArray(S, x, top, m0), a1 = FloatVector.fromArray(S, x, top + L, m1);
            FloatVector b0 = FloatVector.fromArray(S, x, bottom, m0), b1 = FloatVector.fromArray(S, x, bottom + L, m1);
            FloatVector best = EVEN_LANES.selectFrom(a0, a1);
            FloatVector v = ODD_LANES.selectFrom(a0, a1);
            VectorMask<Float> w1 = v.compare(VectorOperators.GT, best);
            best = best.blend(v, w1);
            v = EVEN_LANES.selectFrom(b0, b1);
            VectorMask<Float> w2 = v.compare(VectorOperators.GT, best);
            best = best.blend(v, w2);
            v = ODD_LANES.selectFrom(b0, b1);
            VectorMask<Float> w3 = v.compare(VectorOperators.GT, best);
            best = best.blend(v, w3);
            if (relu) {                                  // a store in each branch: no vector phi
                best.max(0f).intoArray(out, o, live);
            } else {
                best.intoArray(out, o, live);
            }
            if (argmax != null) {
                IntVector base = TWICE_LANE.add(top);
                base.blend(base.add(1), w1.cast(I)).blend(base.add(width), w2.cast(I)).blend(base.add(width + 1), w3.cast(I))
                        .intoArray(argmax, o, liveI);
            }
        }
    }

    /**
     * {@link Kernels#maxPool2x2Backward}: each window's four inputs get dOut where they were the argmax
     * and 0 elsewhere, re-interleaved into the input rows and stored whole: every element of dIn is
     * written once, so it needs no zeroing pass and no scattered adds.
     */
    static void maxPool2x2Backward(float[] dOut, int[] argmax, int planes, int height, int width, float[] dIn) {
        int outH = height / 2, outW = width / 2;
        if (2 * outW < L) {                              // short rows: zero, then route (measured faster)
            routeByPlane(dOut, argmax, null, planes, height * width, outH * outW, dIn);
            return;
        }
        ranges(planes, Math.max(1, PARALLEL_MIN / Math.max(1, height * width)), (p0, p1) -> {
            FloatVector zero = FloatVector.zero(S);
            for (int p = p0; p < p1; p++) {
                for (int oh = 0; oh < outH; oh++) {
                    int top = (p * height + 2 * oh) * width, bottom = top + width, o = (p * outH + oh) * outW;
                    for (int ow = 0; ow < outW; ow += L) {
                        VectorMask<Float> live = S.indexInRange(ow, outW);
                        FloatVector d = FloatVector.fromArray(S, dOut, o + ow, live);
                        IntVector pos = IntVector.fromArray(I, argmax, o + ow, live.cast(I)).sub(TWICE_LANE.add(top + 2 * ow));
                        FloatVector tl = zero.blend(d, pos.compare(VectorOperators.EQ, 0).cast(S));
                        FloatVector tr = zero.blend(d, pos.compare(VectorOperators.EQ, 1).cast(S));
                        FloatVector bl = zero.blend(d, pos.compare(VectorOperators.EQ, width).cast(S));
                        FloatVector br = zero.blend(d, pos.compare(VectorOperators.EQ, width + 1).cast(S));
                        int in0 = 2 * ow;
                        VectorMask<Float> m0 = S.indexInRange(in0, 2 * outW), m1 = S.indexInRange(in0 + L, 2 * outW);
                        tl.rearrange(ZIP_LO, tr).intoArray(dIn, top + in0, m0);
                        tl.rearrange(ZIP_HI, tr).intoArray(dIn, top + in0 + L, m1);
                        bl.rearrange(ZIP_LO, br).intoArray(dIn, bottom + in0, m0);
                        bl.rearrange(ZIP_HI, br).intoArray(dIn, bottom + in0 + L, m1);
                    }
                }
            }
        });
    }

    /**
     * {@link Kernels#maxPoolReluBackward}. For 2x2 windows that tile the input (with rows of at least
     * L inputs): as {@link #maxPool2x2Backward}, each of a window's four inputs also masked by x > 0
     * there, so every element of dIn is written once. Otherwise the routed sums, then the ReLU's mask.
     */
    static void maxPoolReluBackward(float[] dOut, int[] argmax, float[] x, int planes, int height, int width,
                                    int window, int stride, float[] dIn) {
        int outH = (height - window) / stride + 1, outW = (width - window) / stride + 1;
        if (window != 2 || stride != 2 || height % 2 != 0 || width % 2 != 0 || width < L) {
            routeByPlane(dOut, argmax, x, planes, height * width, outH * outW, dIn);
            return;
        }
        ranges(planes, Math.max(1, PARALLEL_MIN / Math.max(1, height * width)), (p0, p1) -> {
            FloatVector zero = FloatVector.zero(S);
            for (int p = p0; p < p1; p++) {
                for (int oh = 0; oh < outH; oh++) {
                    int top = (p * height + 2 * oh) * width, bottom = top + width, o = (p * outH + oh) * outW;
                    for (int ow = 0; ow < outW; ow += L) {
                        VectorMask<Float> live = S.indexInRange(ow, outW);
                        FloatVector d = FloatVector.fromArray(S, dOut, o + ow, live);
                        IntVector pos = IntVector.fromArray(I, argmax, o + ow, live.cast(I)).sub(TWICE_LANE.add(top + 2 * ow));
                        int in0 = 2 * ow;
                        VectorMask<Float> m0 = S.indexInRange(in0, 2 * outW), m1 = S.indexInRange(in0 + L, 2 * outW);
                        FloatVector a0 = FloatVector.fromArray(S, x, top + in0, m0), a1 = FloatVector.fromArray(S, x, top + in0 + L, m1);
                        FloatVector b0 = FloatVector.fromArray(S, x, bottom + in0, m0), b1 = FloatVector.fromArray(S, x, bottom + in0 + L, m1);
                        VectorMask<Float> onTl = a0.rearrange(EVEN, a1).compare(VectorOperators.GT, 0f);
                        VectorMask<Float> onTr = a0.rearrange(ODD, a1).compare(VectorOperators.GT, 0f);
                        VectorMask<Float> onBl = b0.rearrange(EVEN, b1).compare(VectorOperators.GT, 0f);
                        VectorMask<Float> onBr = b0.rearrange(ODD, b1).compare(VectorOperators.GT, 0f);
                        FloatVector tl = zero.blend(d, pos.compare(VectorOperators.EQ, 0).cast(S).and(onTl));
                        FloatVector tr = zero.blend(d, pos.compare(VectorOperators.EQ, 1).cast(S).and(onTr));
                        FloatVector bl = zero.blend(d, pos.compare(VectorOperators.EQ, width).cast(S).and(onBl));
                        FloatVector br = zero.blend(d, pos.compare(VectorOperators.EQ, width + 1).cast(S).and(onBr));
                        tl.rearrange(ZIP_LO, tr).intoArray(dIn, top + in0, m0);
                        tl.rearrange(ZIP_HI, tr).intoArray(dIn, top + in0 + L, m1);
                        bl.rearrange(ZIP_LO, br).intoArray(dIn, bottom + in0, m0);
                        bl.rearrange(ZIP_HI, br).intoArray(dIn, bottom + in0 + L, m1);
                    }
                }
            }
        });
    }

    /**
     * The pool backward that any window shape allows, plane by plane across threads: zero dIn, add
     * each dOut[i] at argmax[i] in the reference's order (windows never cross planes, so each plane's
     * sums are the reference's), then, when x is not null, keep dIn only where x > 0 (the ReLU's mask).
     */
    private static void routeByPlane(float[] dOut, int[] argmax, float[] x, int planes, int plane, int outPlane, float[] dIn) {
        ranges(planes, Math.max(1, PARALLEL_MIN / Math.max(1, plane)), (p0, p1) -> {
            java.util.Arrays.fill(dIn, p0 * plane, p1 * plane, 0f);
            for (int i = p0 * outPlane; i < p1 * outPlane; i++) dIn[argmax[i]] += dOut[i];
            if (x == null) return;
            int i = p0 * plane, end = p1 * plane;
            for (int bound = i + S.loopBound(end - i); i < bound; i += L) {
                VectorMask<Float> on = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                FloatVector.zero(S).blend(FloatVector.fromArray(S, dIn, i), on).intoArray(dIn, i);
            }
            for (; i < end; i++) dIn[i] = x[i] > 0f ? dIn[i] : 0f;
        });
    }

    static void maxPoolBackward(float[] dOut, int[] argmax, int count, float[] dIn) {
        // A scatter with possible repeats (overlapping windows): sequential, in the reference's order.
        for (int i = 0; i < count; i++) dIn[argmax[i]] += dOut[i];
    }

    static void scatterChannels(float[] cols, int batch, int channels, int spatial, float[] bias, float[] out) {
        ranges(batch * channels, Math.max(1, PARALLEL_MIN / Math.max(1, spatial)), (q0, q1) -> {
            for (int q = q0; q < q1; q++) {                  // q = b*C + c
                int b = q / channels, c = q % channels;
                int src = c * batch * spatial + b * spatial;
                int dst = q * spatial;
                if (bias == null) {
                    System.arraycopy(cols, src, out, dst, spatial);
                    continue;
                }
                float bc = bias[c];
                int s = 0;
                for (int bound = S.loopBound(spatial); s < bound; s += L) {
                    FloatVector.fromArray(S, cols, src + s).add(bc).intoArray(out, dst + s);
                }
                for (; s < spatial; s++) out[dst + s] = cols[src + s] + bc;
            }
        });
    }

    static void gatherChannels(float[] x, int batch, int channels, int spatial, float[] cols) {
        ranges(batch * channels, Math.max(1, PARALLEL_MIN / Math.max(1, spatial)), (q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                int b = q / channels, c = q % channels;
                System.arraycopy(x, q * spatial, cols, c * batch * spatial + b * spatial, spatial);
            }
        });
    }
}
