package org.relunet.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution for stride-1 layers with few input channels (W2's first layer: C = 1, K = 5,
 * a GEMM depth of only 25), for {@link VectorConvolution}: must equal {@link ScalarKernels#convForward}
 * and {@link ScalarKernels#convBackward} (weight and bias gradients; the input gradient is left to
 * {@link VectorConvolution}) within rounding. Legend: see {@link Kernels}; here K is the kernel size,
 * Hp = H + 2 pad the padded height and S = OH*OW one output plane.
 *
 * <p><b>Shifted copies.</b> Per image, build K copies of each zero-padded channel, copy j shifted
 * left by j columns and cut to the output width:
 * <pre>
 *   xs[c][j][h][ow] = xpad[c][h][ow + j]        (C, K, Hp, OW), h &lt; Hp, ow &lt; OW
 * </pre>
 * Its rows are exactly OW wide, so for the patch element p = (c*K + i)*K + j and the output
 * position s = oh*OW + ow the input pixel is one constant shift of s away:
 * <pre>
 *   xpad[c][oh + i][ow + j] = xs[(c*K + j)*Hp*OW + (oh + i)*OW + ow] = xs[off[p] + s],  off[p] = (c*K + j)*Hp*OW + i*OW
 * </pre>
 * Then every output plane is contiguous in the lanes, with no dropped padding columns (the
 * implicit GEMM of {@link VectorConvolution} computes (W + pad)/OW of the work and scatters a
 * tile; on 28x28 with pad 2 the plain row-in-lanes form would run 28 columns in 32 lanes), and
 * whole register tiles are stored straight into out:
 * <pre>
 *   forward  out[oc][s]  = sum_p W[oc][p] xs[off[p] + s]  + bias[oc]     8 filters x 3 vectors of s per register tile
 *   dW       dW[oc][p]  += sum_b sum_s dOut[b][oc][s] xs_b[off[p] + s]   4 filters x 5 taps of vector sums over s
 *   dBias    dBias[oc]  += sum_b sum_s dOut[b][oc][s]
 * </pre>
 * The copies cost C*K*Hp*OW floats per image (18 KB for W2's first layer, in L1), against
 * 2 OC*C*K*K*S FLOPs: cheap for few channels only, hence {@link #takes}.
 *
 * <p>The gradient sums stay in vector lanes (one vector per (oc, p) per task) and are reduced to
 * scalars once per call, lane by lane in order, then task by task in order; threads split the
 * images (or, with fewer images than threads, the filter groups), so the same thread count gives
 * the same bits.
 */
final class VectorDirectConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Forward register tile: MR filters by NR = 3 vectors of output positions. */
    private static final int MR = 8, NR = 3 * L;
    /** Weight-gradient register tile: FR filters by PR patch elements, each a vector of partial sums. */
    private static final int FR = 4, PR = 5;
    /** Most input channels this path takes; see {@link #takes}. */
    static final int MAX_CHANNELS = 4;
    /** Fewest output positions per plane this path takes; see {@link #takes}. */
    static final int MIN_PLANE = 512;
    /** Below this many FLOPs a call runs on the calling thread. */
    private static final long PARALLEL_MIN_FLOPS = 1L << 19;

    private VectorDirectConv() {}

    /**
     * Whether this path runs the convolution: stride 1, at most {@link #MAX_CHANNELS} channels and
     * at least {@link #MIN_PLANE} outputs per plane. Measured against the implicit GEMM (one thread,
     * batch 64, K = 5, pad 2, data in cache): on 28x28 it wins at every C from 1 to 12 (forward
     * 0.87 vs 1.74 ms at C = 1, 3.3 vs 4.3 ms at C = 4; weight gradient 0.88 vs 2.10 and 3.5 vs
     * 5.2 ms); on 14x14 (196 outputs, a ragged vector tail per plane and 3-vector strips that
     * overhang) its weight gradient loses from C = 2 on, and on 7x7 already at C = 1.
     */
    static boolean takes(ConvShape g) {
        return g.stride() == 1 && g.channels() <= MAX_CHANNELS && g.outputPlane() >= MIN_PLANE;
    }

    /** Buffers of the thread that runs a task. */
    private static final class Scratch {
        float[] shifted = new float[0];   // (C, K, Hp, OW) plus NR floats of slack
        float[] padded = new float[0];    // one channel (Hp, Wp) plus L floats of slack
        final float[] tile = new float[MR * NR];

        float[] shifted(int n) {
            if (shifted.length < n) shifted = new float[n];
            return shifted;
        }

        float[] padded(ConvShape g) {
            int n = (g.height() + 2 * g.pad()) * (g.width() + 2 * g.pad()) + L;
            if (padded.length < n) padded = new float[n];
            return padded;
        }
    }

    /** Buffers of the thread that calls a kernel. */
    private static final class Workspace {
        float[] packed = new float[0];            // forward: group q, packed[(q*depth + p)*MR + r] = W[q*MR + r][p]
        int[] off = new int[0];                   // (depth)
        final TaskSums sums = new TaskSums();     // per task: weight (OC rounded to FR, depth rounded to PR, L), bias (OC, L)

        int[] offsets(ConvShape g) {
            int k = g.kernel(), depth = g.patch(), copy = (g.height() + 2 * g.pad()) * g.outW();
            if (off.length < depth) off = new int[depth];
            for (int c = 0, p = 0; c < g.channels(); c++) {
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) off[p++] = (c * k + j) * copy + i * g.outW();
                }
            }
            return off;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private static int split(int count, int parts, int t) {
        return (int) ((long) count * t / parts);
    }

    private static int threadsFor(ConvShape g) {
        long flops = 2L * g.batch() * g.filters() * g.patch() * g.outputPlane();
        return flops < PARALLEL_MIN_FLOPS ? 1 : Parallel.threads();
    }

    /**
     * Length of the shifted copies of one image, with NR floats of slack for the last forward strip's
     * loads (whose lanes past S are dropped) and the last copy row's excess.
     */
    private static int shiftedLength(ConvShape g) {
        return g.channels() * g.kernel() * (g.height() + 2 * g.pad()) * g.outW() + NR;
    }

    /**
     * Writes the shifted copies of image (C, H, W) at x[xOff]: xs[c][j][h][ow] = x[c][h - pad][ow + j - pad],
     * 0 outside the image. Each channel is first padded into padded (Hp, Wp), Wp = W + 2 pad, then
     * every row of every copy is whole vectors loaded at a shift of j: a row's last vector runs on
     * into the next row, which is written after it and overwrites the excess (the last row's
     * excess lands in the slack). One arraycopy per image row and two vector copies per copy row,
     * against one arraycopy and two fills per copy row, which cost an eighth of the forward pass.
     */
    private static void shift(ConvShape g, float[] x, int xOff, float[] padded, float[] xs) {
        int channels = g.channels(), height = g.height(), width = g.width(), k = g.kernel(), pad = g.pad();
        int outW = g.outW(), paddedH = height + 2 * pad, paddedW = width + 2 * pad;
        for (int c = 0; c < channels; c++) {
            java.util.Arrays.fill(padded, 0, paddedH * paddedW, 0f);
            for (int h = 0; h < height; h++) {
                System.arraycopy(x, xOff + (c * height + h) * width, padded, (h + pad) * paddedW + pad, width);
            }
            for (int j = 0; j < k; j++) {
                int base = (c * k + j) * paddedH * outW;
                for (int h = 0; h < paddedH; h++) {
                    int src = h * paddedW + j, dst = base + h * outW;
                    for (int ow = 0; ow < outW; ow += L) FloatVector.fromArray(S, padded, src + ow).intoArray(xs, dst + ow);
                }
            }
        }
    }

    // ---------------------------------------------------------------- forward

    static void forward(ConvShape g, float[] x, float[] weight, float[] bias, float[] out) {
        Workspace ws = WORKSPACE.get();
        int filters = g.filters(), depth = g.patch(), groups = (filters + MR - 1) / MR, batch = g.batch();
        if (ws.packed.length < groups * MR * depth) ws.packed = new float[groups * MR * depth];
        float[] packed = ws.packed;
        for (int q = 0; q < groups; q++) {
            for (int r = 0; r < MR; r++) {
                int f = q * MR + r, dst = q * depth * MR + r;
                if (f < filters) {
                    for (int p = 0, src = f * depth; p < depth; p++) packed[dst + p * MR] = weight[src + p];
                } else {
                    for (int p = 0; p < depth; p++) packed[dst + p * MR] = 0f;
                }
            }
        }
        int[] off = ws.offsets(g);
        int threads = threadsFor(g);
        if (threads <= 1) {
            forwardImages(g, 0, batch, 0, groups, x, packed, off, bias, out);
        } else if (batch >= threads) {
            Parallel.forEach(threads, t -> forwardImages(g, split(batch, threads, t), split(batch, threads, t + 1), 0, groups,
                    x, packed, off, bias, out));
        } else {
            int tasks = Math.min(threads, groups);
            Parallel.forEach(tasks, t -> forwardImages(g, 0, batch, split(groups, tasks, t), split(groups, tasks, t + 1),
                    x, packed, off, bias, out));
        }
    }

    /** Images [b0, b1) times filter groups [q0, q1). */
    private static void forwardImages(ConvShape g, int b0, int b1, int q0, int q1, float[] x, float[] packed, int[] off,
                                      float[] bias, float[] out) {
        Scratch scratch = SCRATCH.get();
        float[] xs = scratch.shifted(shiftedLength(g));
        int filters = g.filters(), depth = g.patch(), plane = g.outputPlane();
        int inImage = g.channels() * g.inputPlane();
        for (int b = b0; b < b1; b++) {
            shift(g, x, b * inImage, scratch.padded(g), xs);
            for (int q = q0; q < q1; q++) {
                int f0 = q * MR, rows = Math.min(MR, filters - f0);
                int outOff = (b * filters + f0) * plane;
                int whole = plane / NR * NR;
                for (int s0 = 0; s0 < whole; s0 += NR) {
                    forwardTile(depth, packed, q * depth * MR, xs, off, s0, out, outOff, plane, rows, bias, f0, scratch.tile);
                }
                // the ragged end, fewer than NR positions: one vector at a time, so no tile runs two thirds empty
                for (int s0 = whole; s0 < plane; s0 += L) {
                    forwardVector(depth, packed, q * depth * MR, xs, off, s0, out, outOff, plane, rows, bias, f0, scratch.tile);
                }
            }
        }
    }

    /**
     * out[f0 + r][s0 + t] = sum_p a[p*MR + r] * xs[off[p] + s0 + t] + bias[f0 + r] for r &lt; rows,
     * t &lt; min(NR, S - s0), with a = packed[aOff ...] and out planes of S floats from outOff.
     * MR x 3 vectors: 24 accumulators, and per patch element 3 loads and 8 broadcasts for 24 FMAs.
     */
    private static void forwardTile(int depth, float[] packed, int aOff, float[] xs, int[] off, int s0,
                                    float[] out, int outOff, int plane, int rows, float[] bias, int f0, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c42 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S), c52 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c62 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S), c72 = FloatVector.zero(S);
        for (int p = 0; p < depth; p++) {
            int o = off[p] + s0;
            FloatVector b0 = FloatVector.fromArray(S, xs, o);
            FloatVector b1 = FloatVector.fromArray(S, xs, o + L);
            FloatVector b2 = FloatVector.fromArray(S, xs, o + 2 * L);
            int ai = aOff + p * MR;
            FloatVector av;
            av = FloatVector.broadcast(S, packed[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01); c02 = av.fma(b2, c02);
            av = FloatVector.broadcast(S, packed[ai + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11); c12 = av.fma(b2, c12);
            av = FloatVector.broadcast(S, packed[ai + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21); c22 = av.fma(b2, c22);
            av = FloatVector.broadcast(S, packed[ai + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31); c32 = av.fma(b2, c32);
            av = FloatVector.broadcast(S, packed[ai + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41); c42 = av.fma(b2, c42);
            av = FloatVector.broadcast(S, packed[ai + 5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51); c52 = av.fma(b2, c52);
            av = FloatVector.broadcast(S, packed[ai + 6]);
            c60 = av.fma(b0, c60); c61 = av.fma(b1, c61); c62 = av.fma(b2, c62);
            av = FloatVector.broadcast(S, packed[ai + 7]);
            c70 = av.fma(b0, c70); c71 = av.fma(b1, c71); c72 = av.fma(b2, c72);
        }
        int kept = Math.min(NR, plane - s0), o = outOff + s0;
        if (rows == MR && kept == NR) {   // the whole tile, stored straight from the registers
            FloatVector v;
            v = FloatVector.broadcast(S, bias == null ? 0f : bias[f0]);
            c00.add(v).intoArray(out, o); c01.add(v).intoArray(out, o + L); c02.add(v).intoArray(out, o + 2 * L); o += plane;
            v = FloatVector.broadcast(S, bias == null ? 0f : bias[f0 + 1]);
            c10.add(v).intoArray(out, o); c11.add(v).intoArray(out, o + L); c12.add(v).intoArray(out, o + 2 * L); o += plane;
            v = FloatVector.broadcast(S, bias == null ? 0f : bias[f0 + 2]);
            c20.add(v).intoArray(out, o); c21.add(v).intoArray(out, o + L); c22.add(v).intoArray(out, o + 2 * L); o += plane;
            v = FloatVector.broadcast(S, bias == null ? 0f : bias[f0 + 3]);
            c30.add(v).intoArray(out, o); c31.add(v).intoArray(out, o + L); c32.add(v).intoArray(out, o + 2 * L); o += plane;
            v = FloatVector.broadcast(S, bias == null ? 0f : bias[f0 + 4]);
            c40.add(v).intoArray(out, o); c41.add(v).intoArray(out, o + L); c42.add(v).intoArray(out, o + 2 * L); o += plane;
            v = FloatVector.broadcast(S, bias == null ? 0f : bias[f0 + 5]);
            c50.add(v).intoArray(out, o); c51.add(v).intoArray(out, o + L); c52.add(v).intoArray(out, o + 2 * L); o += plane;
            v = FloatVector.broadcast(S, bias == null ? 0f : bias[f0 + 6]);
            c60.add(v).intoArray(out, o); c61.add(v).intoArray(out, o + L); c62.add(v).intoArray(out, o + 2 * L); o += plane;
            v = FloatVector.broadcast(S, bias == null ? 0f : bias[f0 + 7]);
            c70.add(v).intoArray(out, o); c71.add(v).intoArray(out, o + L); c72.add(v).intoArray(out, o + 2 * L);
            return;
        }
        // a partial tile (the last filters, the plane's ragged end) goes through memory
        c00.intoArray(tile, 0); c01.intoArray(tile, L); c02.intoArray(tile, 2 * L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L); c12.intoArray(tile, NR + 2 * L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L); c22.intoArray(tile, 2 * NR + 2 * L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L); c32.intoArray(tile, 3 * NR + 2 * L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L); c42.intoArray(tile, 4 * NR + 2 * L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L); c52.intoArray(tile, 5 * NR + 2 * L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L); c62.intoArray(tile, 6 * NR + 2 * L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L); c72.intoArray(tile, 7 * NR + 2 * L);
        storePartial(tile, rows, kept, bias, f0, out, o, plane);
    }

    /**
     * {@link #forwardTile} for one vector of positions, t &lt; min(L, S - s0): MR accumulators,
     * per patch element 1 load and 8 broadcasts for 8 FMAs, for the ragged end of a plane only.
     */
    private static void forwardVector(int depth, float[] packed, int aOff, float[] xs, int[] off, int s0,
                                      float[] out, int outOff, int plane, int rows, float[] bias, int f0, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        for (int p = 0; p < depth; p++) {
            FloatVector b = FloatVector.fromArray(S, xs, off[p] + s0);
            int ai = aOff + p * MR;
            c0 = FloatVector.broadcast(S, packed[ai]).fma(b, c0);
            c1 = FloatVector.broadcast(S, packed[ai + 1]).fma(b, c1);
            c2 = FloatVector.broadcast(S, packed[ai + 2]).fma(b, c2);
            c3 = FloatVector.broadcast(S, packed[ai + 3]).fma(b, c3);
            c4 = FloatVector.broadcast(S, packed[ai + 4]).fma(b, c4);
            c5 = FloatVector.broadcast(S, packed[ai + 5]).fma(b, c5);
            c6 = FloatVector.broadcast(S, packed[ai + 6]).fma(b, c6);
            c7 = FloatVector.broadcast(S, packed[ai + 7]).fma(b, c7);
        }
        c0.intoArray(tile, 0); c1.intoArray(tile, NR); c2.intoArray(tile, 2 * NR); c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR); c5.intoArray(tile, 5 * NR); c6.intoArray(tile, 6 * NR); c7.intoArray(tile, 7 * NR);
        storePartial(tile, rows, Math.min(L, plane - s0), bias, f0, out, outOff + s0, plane);
    }

    /**
     * out[o + r*S + t] = tile[r*NR + t] + bias[f0 + r] for r &lt; rows, t &lt; kept: a partial tile.
     * Its own method: inside forwardTile, C2 stops inlining before reaching the masked stores and boxes them.
     */
    private static void storePartial(float[] tile, int rows, int kept, float[] bias, int f0, float[] out, int o, int plane) {
        int whole = S.loopBound(kept);
        for (int r = 0; r < rows; r++, o += plane) {
            FloatVector v = FloatVector.broadcast(S, bias == null ? 0f : bias[f0 + r]);
            for (int t = 0; t < whole; t += L) FloatVector.fromArray(S, tile, r * NR + t).add(v).intoArray(out, o + t);
            if (whole < kept) {
                VectorMask<Float> m = S.indexInRange(whole, kept);
                FloatVector.fromArray(S, tile, r * NR + whole).add(v).intoArray(out, o + whole, m);
            }
        }
    }

    // ---------------------------------------------------------------- weight and bias gradients

    /** dWeight += the weight gradient, dBias (when not null) += the bias gradient; no input gradient. */
    static void backward(ConvShape g, float[] x, float[] dOut, float[] dWeight, float[] dBias) {
        Workspace ws = WORKSPACE.get();
        int filters = g.filters(), depth = g.patch(), batch = g.batch();
        int groups = (filters + FR - 1) / FR, depthP = (depth + PR - 1) / PR * PR;
        int[] off = ws.offsets(g);
        int threads = threadsFor(g);
        boolean byImage = batch >= threads;
        int tasks = byImage ? Math.min(threads, batch) : Math.min(threads, groups);
        int sumTasks = byImage ? tasks : 1;              // split by groups, the tasks fill disjoint parts of one sum
        ws.sums.ensure(sumTasks, groups * FR * depthP * L, filters * L);
        float[][] weightSums = ws.sums.weight, biasSums = ws.sums.bias;
        boolean wantBias = dBias != null;
        if (tasks <= 1) {
            backwardImages(g, 0, batch, 0, groups, x, dOut, off, weightSums[0], biasSums[0], wantBias);
        } else if (byImage) {
            Parallel.forEach(tasks, t -> backwardImages(g, split(batch, tasks, t), split(batch, tasks, t + 1), 0, groups,
                    x, dOut, off, weightSums[t], biasSums[t], wantBias));
        } else {
            Parallel.forEach(tasks, t -> backwardImages(g, 0, batch, split(groups, tasks, t), split(groups, tasks, t + 1),
                    x, dOut, off, weightSums[0], biasSums[0], wantBias));
        }
        // dW[f][p] += sum over tasks, in task order, of the lanes of sum_t[f][p], in lane order
        for (int f = 0; f < filters; f++) {
            for (int p = 0; p < depth; p++) {
                float sum = lanes(weightSums[0], (f * depthP + p) * L);
                for (int t = 1; t < sumTasks; t++) sum += lanes(weightSums[t], (f * depthP + p) * L);
                dWeight[f * depth + p] += sum;
            }
            if (wantBias) {
                float sum = lanes(biasSums[0], f * L);
                for (int t = 1; t < sumTasks; t++) sum += lanes(biasSums[t], f * L);
                dBias[f] += sum;
            }
        }
    }

    /** a[o] + a[o + 1] + ... + a[o + L - 1], in that order (a vector lane reduction has no fixed order). */
    private static float lanes(float[] a, int o) {
        float sum = a[o];
        for (int l = 1; l < L; l++) sum += a[o + l];
        return sum;
    }

    /**
     * Images [b0, b1) times filter groups [q0, q1): weightSum[f][p] (vectors, L lanes) = sum over the
     * images and the lanes' positions s of dOut[b][f][s] * xs_b[off[p] + s]; biasSum[f] likewise of dOut.
     * The first image stores, later ones add.
     */
    private static void backwardImages(ConvShape g, int b0, int b1, int q0, int q1, float[] x, float[] dOut, int[] off,
                                       float[] weightSum, float[] biasSum, boolean wantBias) {
        Scratch scratch = SCRATCH.get();
        float[] xs = scratch.shifted(shiftedLength(g));
        int filters = g.filters(), depth = g.patch(), plane = g.outputPlane();
        int depthP = (depth + PR - 1) / PR * PR;
        int inImage = g.channels() * g.inputPlane();
        for (int b = b0; b < b1; b++) {
            shift(g, x, b * inImage, scratch.padded(g), xs);
            boolean first = b == b0;
            // The bias sums first, also when not wanted: one sequential pass over this image's dOut,
            // which the hardware prefetcher streams from memory, so the weight tiles find it in cache.
            for (int f = q0 * FR, f1 = Math.min(q1 * FR, filters); f < f1; f++) {
                biasTile(dOut, (b * filters + f) * plane, plane, biasSum, f * L, first);
            }
            for (int q = q0; q < q1; q++) {
                int f0 = q * FR, rows = Math.min(FR, filters - f0);
                int dOff = (b * filters + f0) * plane;
                for (int p0 = 0; p0 < depth; p0 += PR) {
                    weightTile(xs, off, p0, depth, dOut, dOff, plane, rows, weightSum, (f0 * depthP + p0) * L, depthP * L, first);
                }
            }
        }
    }

    /** sum[o ... o + L) (+)= the lane-wise sums of dOut[d ... d + S), zero past S. */
    private static void biasTile(float[] dOut, int d, int plane, float[] sum, int o, boolean first) {
        FloatVector acc = FloatVector.zero(S);
        int n = S.loopBound(plane);
        for (int s = 0; s < n; s += L) acc = acc.add(FloatVector.fromArray(S, dOut, d + s));
        if (n < plane) acc = acc.add(FloatVector.fromArray(S, dOut, d + n, S.indexInRange(n, plane)));
        if (!first) acc = acc.add(FloatVector.fromArray(S, sum, o));
        acc.intoArray(sum, o);
    }

    /**
     * The weight-gradient tile: for the filters f0 + r (r &lt; FR, dOut planes at dOff + r*S) and the
     * patch elements p0 + a (a &lt; PR), the lane vector sum over s of dOut[dOff + r*S + s] * xs[off[p0 + a] + s],
     * stored or added at acc[accOff + r*ld + a*L]. Filters past rows repeat the last one and patch
     * elements past depth the last one; their sums land in the padding of acc.
     */
    private static void weightTile(float[] xs, int[] off, int p0, int depth, float[] dOut, int dOff, int plane, int rows,
                                   float[] acc, int accOff, int ld, boolean first) {
        int last = depth - 1;
        int a0 = off[p0], a1 = off[Math.min(p0 + 1, last)], a2 = off[Math.min(p0 + 2, last)];
        int a3 = off[Math.min(p0 + 3, last)], a4 = off[Math.min(p0 + 4, last)];
        int d0 = dOff, d1 = dOff + Math.min(1, rows - 1) * plane, d2 = dOff + Math.min(2, rows - 1) * plane;
        int d3 = dOff + Math.min(3, rows - 1) * plane;
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S), c04 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S), c14 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S), c24 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S), c34 = FloatVector.zero(S);
        int n = S.loopBound(plane);
        for (int s = 0; s < n; s += L) {
            FloatVector g0 = FloatVector.fromArray(S, dOut, d0 + s), g1 = FloatVector.fromArray(S, dOut, d1 + s);
            FloatVector g2 = FloatVector.fromArray(S, dOut, d2 + s), g3 = FloatVector.fromArray(S, dOut, d3 + s);
            FloatVector x0 = FloatVector.fromArray(S, xs, a0 + s);
            c00 = g0.fma(x0, c00); c10 = g1.fma(x0, c10); c20 = g2.fma(x0, c20); c30 = g3.fma(x0, c30);
            FloatVector x1 = FloatVector.fromArray(S, xs, a1 + s);
            c01 = g0.fma(x1, c01); c11 = g1.fma(x1, c11); c21 = g2.fma(x1, c21); c31 = g3.fma(x1, c31);
            FloatVector x2 = FloatVector.fromArray(S, xs, a2 + s);
            c02 = g0.fma(x2, c02); c12 = g1.fma(x2, c12); c22 = g2.fma(x2, c22); c32 = g3.fma(x2, c32);
            FloatVector x3 = FloatVector.fromArray(S, xs, a3 + s);
            c03 = g0.fma(x3, c03); c13 = g1.fma(x3, c13); c23 = g2.fma(x3, c23); c33 = g3.fma(x3, c33);
            FloatVector x4 = FloatVector.fromArray(S, xs, a4 + s);
            c04 = g0.fma(x4, c04); c14 = g1.fma(x4, c14); c24 = g2.fma(x4, c24); c34 = g3.fma(x4, c34);
        }
        // acc[accOff + r*ld + a*L ...] = (first) or += c_ra; written out: a helper taking vectors would box them
        int o = accOff;
        (first ? c00 : c00.add(FloatVector.fromArray(S, acc, o))).intoArray(acc, o);
        (first ? c01 : c01.add(FloatVector.fromArray(S, acc, o + L))).intoArray(acc, o + L);
        (first ? c02 : c02.add(FloatVector.fromArray(S, acc, o + 2 * L))).intoArray(acc, o + 2 * L);
        (first ? c03 : c03.add(FloatVector.fromArray(S, acc, o + 3 * L))).intoArray(acc, o + 3 * L);
        (first ? c04 : c04.add(FloatVector.fromArray(S, acc, o + 4 * L))).intoArray(acc, o + 4 * L);
        o += ld;
        (first ? c10 : c10.add(FloatVector.fromArray(S, acc, o))).intoArray(acc, o);
        (first ? c11 : c11.add(FloatVector.fromArray(S, acc, o + L))).intoArray(acc, o + L);
        (first ? c12 : c12.add(FloatVector.fromArray(S, acc, o + 2 * L))).intoArray(acc, o + 2 * L);
        (first ? c13 : c13.add(FloatVector.fromArray(S, acc, o + 3 * L))).intoArray(acc, o + 3 * L);
        (first ? c14 : c14.add(FloatVector.fromArray(S, acc, o + 4 * L))).intoArray(acc, o + 4 * L);
        o += ld;
        (first ? c20 : c20.add(FloatVector.fromArray(S, acc, o))).intoArray(acc, o);
        (first ? c21 : c21.add(FloatVector.fromArray(S, acc, o + L))).intoArray(acc, o + L);
        (first ? c22 : c22.add(FloatVector.fromArray(S, acc, o + 2 * L))).intoArray(acc, o + 2 * L);
        (first ? c23 : c23.add(FloatVector.fromArray(S, acc, o + 3 * L))).intoArray(acc, o + 3 * L);
        (first ? c24 : c24.add(FloatVector.fromArray(S, acc, o + 4 * L))).intoArray(acc, o + 4 * L);
        o += ld;
        (first ? c30 : c30.add(FloatVector.fromArray(S, acc, o))).intoArray(acc, o);
        (first ? c31 : c31.add(FloatVector.fromArray(S, acc, o + L))).intoArray(acc, o + L);
        (first ? c32 : c32.add(FloatVector.fromArray(S, acc, o + 2 * L))).intoArray(acc, o + 2 * L);
        (first ? c33 : c33.add(FloatVector.fromArray(S, acc, o + 3 * L))).intoArray(acc, o + 3 * L);
        (first ? c34 : c34.add(FloatVector.fromArray(S, acc, o + 4 * L))).intoArray(acc, o + 4 * L);
        if (n < plane) weightTail(xs, off, p0, depth, n, dOut, dOff, plane, rows, acc, accOff, ld);
    }

    /**
     * The ragged end of {@link #weightTile}: adds the products at s in [n, S) (one masked vector,
     * lanes past S load zero) into acc. Kept apart so that weightTile stays small enough for C1.
     */
    private static void weightTail(float[] xs, int[] off, int p0, int depth, int n, float[] dOut, int dOff, int plane,
                                   int rows, float[] acc, int accOff, int ld) {
        VectorMask<Float> m = S.indexInRange(n, plane);
        for (int r = 0; r < FR; r++) {
            FloatVector g = FloatVector.fromArray(S, dOut, dOff + Math.min(r, rows - 1) * plane + n, m);
            for (int k = 0; k < PR; k++) {
                int o = accOff + r * ld + k * L, a = off[Math.min(p0 + k, depth - 1)];
                g.fma(FloatVector.fromArray(S, xs, a + n, m), FloatVector.fromArray(S, acc, o)).intoArray(acc, o);
            }
        }
    }
}
