package org.relunet.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Whole-convolution kernels for {@link VectorKernels}: {@link Kernels#convForward} and
 * {@link Kernels#convBackward}, which must equal {@link ScalarKernels}' within rounding.
 * Legend: see {@link Kernels}; here Hp = H + 2 pad and Wp = W + pad are the padded sizes (a row's
 * right pad is the next row's left pad, see {@link #pad}).
 *
 * <p><b>Stride 1: implicit GEMM, one image at a time.</b> Batched im2col writes a (C*K*K, B*OH*OW)
 * column buffer (40 MB for W2's second convolution) that no cache holds. Instead, pad one image
 * into a small buffer (C, Hp, Wp) and compute the output on the padded-width grid
 * s = oh*Wp + ow, whose last Wp - OW columns of each row are computed and dropped. On that grid
 * the im2col row of patch element p = (c, i, j) is a contiguous, shifted window of the buffer,
 * <pre>
 *   col[p][s] = xpad[c*Hp*Wp + i*Wp + j + s] = xpad[off[p] + s]
 * </pre>
 * so the 8 x 32 micro-kernel (as in {@link VectorGemm}) loads its B vectors straight from the
 * padded image through an offset table, and nothing is packed per image but the padding copy
 * (c*Hp*Wp stands for the start of plane c, which has pad extra zeros at its end):
 * <pre>
 *   forward  out[oc][s]  = sum_p W[oc][p] xpad[off[p] + s]                   M = OC, K = C*K*K, N = OH*Wp
 *   dx       dx[c][s]    = sum_q Wflip[c][q] dOutPad[offT[q] + s]            M = C,  K = OC*K*K
 *            (dOut padded by K-1-pad, filters flipped and transposed: a "full" convolution, no col2im)
 *   dW       dW^T[p][oc] = sum_s xpad[off[p] + s] dOutT[s][oc]               M = C*K*K, N = OC, K = OH*Wp
 *            (dOutT is dOut transposed onto the padded grid, zero in the dropped columns)
 * </pre>
 * The padded image (41 KB for W2's second convolution) stays in L1/L2 while all filters run over it.
 * Threads split the images (or, below one image per thread, the column strips of each image); the
 * weight gradient is summed per task and the task sums are added in task order, so the same
 * thread count gives the same bits.
 *
 * <p><b>Other strides</b> take the batched im2col + GEMM path.
 */
final class VectorConvolution {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = VectorGemm.MR;
    private static final int NR = VectorGemm.NR;
    /** Below this many FLOPs a forward pass runs on the calling thread (batch-1 conv1 is ~1.4 MFLOP). */
    private static final long PARALLEL_MIN_FLOPS = 1L << 19;

    private VectorConvolution() {}

    /**
     * An implicit-GEMM pass over padded images: out[m][s] = sum_p a[m][p] * img[off[p] + s]. The
     * forward pass and the input gradient each have one, rebuilt (without allocating, once sized)
     * on every call because the weights change between calls.
     */
    private static final class Plan {
        int rows, depth, panels;          // M, K of the GEMM; ceil(M / MR) panels of packed A
        int channels, height, width, pad; // the images that get padded: (channels, height, width)
        int paddedH, paddedW, plane, outH, outW, strips, imageLength;
        float[] packed = new float[0];    // panel q: packed[q*MR*depth + p*MR + r] = a[q*MR + r][p]
        int[] off = new int[0];           // (depth)

        void geometry(int rows, int depth, int channels, int height, int width, int pad, int kernel) {
            this.rows = rows;
            this.depth = depth;
            this.panels = (rows + MR - 1) / MR;
            this.channels = channels;
            this.height = height;
            this.width = width;
            this.pad = pad;
            this.paddedH = height + 2 * pad;
            this.paddedW = width + pad;                      // rows share their left/right pads
            this.plane = paddedH * paddedW + pad;
            this.outH = paddedH - kernel + 1;
            this.outW = width + 2 * pad - kernel + 1;
            int columns = (outH - 1) * paddedW + outW;       // the padded grid up to the last kept column
            this.strips = (columns + NR - 1) / NR;
            int maxOff = (channels - 1) * plane + (kernel - 1) * (paddedW + 1);
            this.imageLength = Math.max(channels * plane, maxOff + strips * NR);
            if (packed.length < panels * MR * depth) packed = new float[panels * MR * depth];
            if (off.length < depth) off = new int[depth];
            for (int c = 0, p = 0; c < channels; c++) {
                for (int i = 0; i < kernel; i++) {
                    for (int j = 0; j < kernel; j++) off[p++] = c * plane + i * paddedW + j;
                }
            }
        }
    }

    /** Buffers of the thread that runs a task. */
    private static final class Scratch {
        float[] image = new float[0];
        float[] dOutT = new float[0];
        final float[] tile = new float[MR * NR];

        float[] image(int n) {
            if (image.length < n) image = new float[n];
            return image;
        }

        int[] rows = new int[0];
        float[] sums = new float[0];

        float[] dOutT(int n) {
            if (dOutT.length < n) dOutT = new float[n];
            return dOutT;
        }

        int[] rows(int n) {
            if (rows.length < n) rows = new int[n];
            return rows;
        }

        float[] sums(int n) {
            if (sums.length < n) sums = new float[n];
            return sums;
        }
    }

    /** Buffers of the thread that calls a kernel: the plans and the per-task gradient sums. */
    private static final class Workspace {
        final Plan forward = new Plan();
        final Plan inputGradient = new Plan();
        final TaskSums sums = new TaskSums();             // per task: weight dW^T (panels*MR, OCp), bias (OC)
        float[] col = new float[0], cols = new float[0];  // the im2col path

    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private static int split(int count, int parts, int t) {
        return (int) ((long) count * t / parts);
    }

    /** Whether the implicit path applies: stride 1, and pad <= K - 1 so the input gradient is a convolution. */
    private static boolean implicit(ConvShape g) {
        return g.stride() == 1 && g.pad() <= g.kernel() - 1;
    }

    // ---------------------------------------------------------------- forward

    static void forward(ConvShape g, float[] x, float[] weight, float[] bias, float[] out) {
        if (VectorWinograd.takes(g)) {
            VectorWinograd.forward(g, x, weight, bias, out);
            return;
        }
        if (VectorDirectConv.takes(g)) {                 // few input channels: shifted copies, no GEMM
            VectorDirectConv.forward(g, x, weight, bias, out);
            return;
        }
        if (!implicit(g)) {
            im2colForward(g, x, weight, bias, out);
            return;
        }
        Plan plan = WORKSPACE.get().forward;
        int k = g.kernel(), patch = g.patch();
        plan.geometry(g.filters(), patch, g.channels(), g.height(), g.width(), g.pad(), k);
        run(plan, g.batch(), weight, x, bias, out);
    }

    /**
     * Runs a plan over a batch. With at least one image per thread, tasks take contiguous ranges of
     * items, (image, strip) pairs, after the caller packed the weights. With fewer images than
     * threads (batch-1 inference), tasks take ranges of filter panels instead: each packs only its
     * own panels and runs them over every strip, so the packing is shared out too and the split is
     * even (W2's second convolution has 8 panels but 7 strips). Each output element is one kernel
     * call over the whole depth either way, so the split does not change the bits.
     */
    private static void run(Plan plan, int batch, float[] weight, float[] in, float[] bias, float[] out) {
        int items = batch * plan.strips;
        long flops = 2L * plan.panels * MR * plan.depth * NR * items;
        int threads = flops < PARALLEL_MIN_FLOPS ? 1 : Parallel.threads();
        if (batch < threads && plan.panels >= threads) {
            Parallel.forEach(threads, t -> {
                int q0 = split(plan.panels, threads, t), q1 = split(plan.panels, threads, t + 1);
                packRows(weight, plan.rows, plan.depth, plan.packed, q0, q1);
                runItems(plan, 0, items, q0, q1, in, bias, out);
            });
            return;
        }
        packRows(weight, plan.rows, plan.depth, plan.packed, 0, plan.panels);
        int tasks = Math.min(threads, items);
        if (tasks <= 1) {
            runItems(plan, 0, items, 0, plan.panels, in, bias, out);
            return;
        }
        Parallel.forEach(tasks, t -> runItems(plan, split(items, tasks, t), split(items, tasks, t + 1), 0, plan.panels,
                in, bias, out));
    }

    /** Items [item0, item1) times filter panels [q0, q1). */
    private static void runItems(Plan plan, int item0, int item1, int q0, int q1, float[] in, float[] bias, float[] out) {
        Scratch scratch = SCRATCH.get();
        float[] image = scratch.image(plan.imageLength);
        int inImage = plan.channels * plan.height * plan.width;
        int outImage = plan.rows * plan.outH * plan.outW;
        int padded = -1;
        for (int item = item0; item < item1; item++) {
            int b = item / plan.strips, s0 = (item % plan.strips) * NR;
            if (b != padded) {
                pad(in, b * inImage, plan.channels, plan.height, plan.width, plan.pad, image);
                padded = b;
            }
            for (int q = q0; q < q1; q++) {
                kernel(plan.depth, plan.packed, q * MR * plan.depth, image, s0, plan.off, scratch.tile);
                storeTile(scratch.tile, q * MR, Math.min(MR, plan.rows - q * MR), s0, bias, out, b * outImage,
                        plan.outH, plan.outW, plan.paddedW);
            }
        }
    }

    /**
     * Copies one image (C, H, W) at x[xOff] into image with zero padding: plane c starts at
     * c*plane, row h' (of H + 2 pad) at h'*(W + pad), and holds pad zeros then W pixels. A row's
     * right pad is the next row's left pad, so the rows are W + pad wide, not W + 2 pad; plane =
     * (H + 2 pad)(W + pad) + pad, whose last pad zeros are the last row's right pad.
     */
    private static void pad(float[] x, int xOff, int channels, int height, int width, int pad, float[] image) {
        if (pad == 0) {
            System.arraycopy(x, xOff, image, 0, channels * height * width);
            return;
        }
        int pw = width + pad, plane = (height + 2 * pad) * pw + pad;
        for (int c = 0; c < channels; c++) {
            int base = c * plane;
            java.util.Arrays.fill(image, base, base + pad * pw + pad, 0f);   // top rows, first left pad
            for (int h = 0; h < height; h++) {
                int dst = base + (h + pad) * pw + pad;
                System.arraycopy(x, xOff + (c * height + h) * width, image, dst, width);
                java.util.Arrays.fill(image, dst + width, dst + width + pad, 0f);   // the next row's left pad
            }
            java.util.Arrays.fill(image, base + (height + pad) * pw + pad, base + plane, 0f);   // bottom rows
        }
    }

    /** Packs panels [q0, q1) of a (rows, depth) row-major into MR-row panels, k-major; rows past the last are zero. */
    private static void packRows(float[] a, int rows, int depth, float[] packed, int q0, int q1) {
        for (int q = q0; q < q1; q++) {
            int base = q * MR * depth;
            for (int r = 0; r < MR; r++) {
                int row = q * MR + r;
                if (row >= rows) {
                    for (int p = 0; p < depth; p++) packed[base + p * MR + r] = 0f;
                    continue;
                }
                int src = row * depth;
                for (int p = 0; p < depth; p++) packed[base + p * MR + r] = a[src + p];
            }
        }
    }

    /**
     * The 8 x NR micro-kernel of the implicit GEMM: tile[r][t] = sum_p a[p*MR + r] * image[off[p] + s0 + t],
     * with a = packed[aOff ...].
     */
    private static void kernel(int depth, float[] packed, int aOff, float[] image, int s0, int[] off, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < depth; p++) {
            int o = off[p] + s0;
            FloatVector b0 = FloatVector.fromArray(S, image, o);
            FloatVector b1 = FloatVector.fromArray(S, image, o + L);
            int ai = aOff + p * MR;
            FloatVector av = FloatVector.broadcast(S, packed[ai]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, packed[ai + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, packed[ai + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, packed[ai + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, packed[ai + 4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, packed[ai + 5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, packed[ai + 6]);
            c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, packed[ai + 7]);
            c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR); c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR); c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * Writes rows [m0, m0 + rows) of a tile whose columns are padded-grid positions s0 .. s0+NR-1
     * into out (M, OH, OW) at outOff, dropping the columns with ow >= OW, adding bias[m] if given.
     */
    private static void storeTile(float[] tile, int m0, int rows, int s0, float[] bias, float[] out, int outOff,
                                  int outH, int outW, int paddedW) {
        int plane = outH * outW;
        int oh = s0 / paddedW, ow = s0 % paddedW;
        for (int t = 0; t < NR && oh < outH; ) {
            int run = Math.min(NR - t, paddedW - ow);
            int kept = Math.min(run, outW - ow);
            // Masked vector copies: written as a scalar loop this was a third of the first
            // convolution's forward pass (K = 25, so 256 stores per 400 FMAs).
            for (int r = 0; r < rows; r++) {
                FloatVector add = FloatVector.broadcast(S, bias == null ? 0f : bias[m0 + r]);
                int dst = outOff + (m0 + r) * plane + oh * outW + ow, src = r * NR + t;
                for (int u = 0; u < kept; u += L) {
                    VectorMask<Float> m = S.indexInRange(u, kept);
                    FloatVector.fromArray(S, tile, src + u, m).add(add).intoArray(out, dst + u, m);
                }
            }
            t += run;
            oh++;
            ow = 0;
        }
    }

    // ---------------------------------------------------------------- backward

    static void backward(ConvShape g, float[] x, float[] dOut, float[] weight, float[] dWeight, float[] dBias, float[] dx) {
        if (VectorWinograd.takes(g)) {
            VectorWinograd.backward(g, x, dOut, weight, dWeight, dBias, dx);
            return;
        }
        if (dx == null && VectorDirectConv.takes(g)) {   // a first layer: weight and bias gradients only
            VectorDirectConv.backward(g, x, dOut, dWeight, dBias);
            return;
        }
        if (!implicit(g)) {
            im2colBackward(g, x, dOut, weight, dWeight, dBias, dx);
            return;
        }
        Workspace ws = WORKSPACE.get();
        int k = g.kernel(), patch = g.patch(), filters = g.filters();
        Plan fwd = ws.forward;                           // the geometry of x's padding and offsets
        fwd.geometry(filters, patch, g.channels(), g.height(), g.width(), g.pad(), k);
        Plan inGrad = null;
        if (dx != null) {
            inGrad = ws.inputGradient;
            inGrad.geometry(g.channels(), filters * k * k, filters, g.outH(), g.outW(), k - 1 - g.pad(), k);
            packFlipped(weight, filters, g.channels(), k, inGrad.packed);
        }
        int batch = g.batch();
        int tasks = Math.min(Parallel.threads(), batch);
        int oc = (filters + NR - 1) / NR * NR;           // OC rounded up to whole strips
        int weightLength = (patch + MR - 1) / MR * MR * oc;   // dW^T in whole panels of patch rows
        ws.sums.ensure(tasks, weightLength, filters);
        float[][] weightSums = ws.sums.weight, biasSums = ws.sums.bias;
        Plan inputPlan = inGrad;
        if (tasks <= 1) {
            backwardImages(g, fwd, inputPlan, 0, batch, x, dOut, weightSums[0], biasSums[0], dBias != null, dx);
        } else {
            Parallel.forEach(tasks, t -> backwardImages(g, fwd, inputPlan, split(batch, tasks, t), split(batch, tasks, t + 1),
                    x, dOut, weightSums[t], biasSums[t], dBias != null, dx));
        }
        // dW[oc][p] += sum over tasks, in task order, of dW^T[p][oc]
        for (int p = 0; p < patch; p++) {
            for (int f = 0; f < filters; f++) {
                float sum = weightSums[0][p * oc + f];
                for (int t = 1; t < tasks; t++) sum += weightSums[t][p * oc + f];
                dWeight[f * patch + p] += sum;
            }
        }
        if (dBias != null) {
            for (int f = 0; f < filters; f++) {
                float sum = biasSums[0][f];
                for (int t = 1; t < tasks; t++) sum += biasSums[t][f];
                dBias[f] += sum;
            }
        }
    }

    /**
     * Packs the flipped, transposed filters as the rows of the input-gradient GEMM:
     * a[c][(oc*K + i)*K + j] = W[oc][(c*K + K-1-i)*K + K-1-j].
     */
    private static void packFlipped(float[] weight, int filters, int channels, int k, float[] packed) {
        int depth = filters * k * k, patch = channels * k * k;
        int panels = (channels + MR - 1) / MR;
        for (int q = 0; q < panels; q++) {
            int base = q * MR * depth;
            for (int r = 0; r < MR; r++) {
                int c = q * MR + r;
                for (int f = 0, p = 0; f < filters; f++) {
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < k; j++, p++) {
                            packed[base + p * MR + r] = c < channels ? weight[f * patch + (c * k + k - 1 - i) * k + k - 1 - j] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** The backward pass of images [b0, b1): weight and bias sums into this task's buffers, dx per image. */
    private static void backwardImages(ConvShape g, Plan fwd, Plan inGrad, int b0, int b1, float[] x, float[] dOut,
                                       float[] weightSum, float[] biasSum, boolean wantBias, float[] dx) {
        Scratch scratch = SCRATCH.get();
        int filters = g.filters(), spatial = g.outputPlane(), outW = g.outW(), outH = g.outH();
        int inImage = g.channels() * g.inputPlane(), outImage = filters * spatial;
        int oc = (filters + NR - 1) / NR * NR;
        int paddedW = fwd.paddedW;
        int columns = (outH - 1) * paddedW + outW;
        java.util.Arrays.fill(biasSum, 0, filters, 0f);
        for (int b = b0; b < b1; b++) {
            int dOff = b * outImage;
            // dOut^T on the padded grid: dOutT[s][oc], zero where ow >= OW or oc >= OC
            float[] dOutT = scratch.dOutT(columns * oc);
            transposeDOut(dOut, dOff, filters, outH, outW, paddedW, columns, oc, dOutT, scratch, wantBias ? biasSum : null);
            float[] image = scratch.image(Math.max(fwd.imageLength, inGrad == null ? 0 : inGrad.imageLength));
            pad(x, b * inImage, g.channels(), g.height(), g.width(), g.pad(), image);
            boolean first = b == b0;
            for (int p0 = 0; p0 < fwd.depth; p0 += MR) {
                for (int j = 0; j < oc; j += NR) {
                    weightKernel(columns, image, fwd.off, p0, fwd.depth, dOutT, j, oc, weightSum, p0 * oc + j, first);
                }
            }
            if (inGrad != null) {
                pad(dOut, dOff, filters, outH, outW, inGrad.pad, image);
                int dxOff = b * inImage;
                for (int s = 0; s < inGrad.strips; s++) {
                    for (int q = 0; q < inGrad.panels; q++) {
                        kernel(inGrad.depth, inGrad.packed, q * MR * inGrad.depth, image, s * NR, inGrad.off, scratch.tile);
                        storeTile(scratch.tile, q * MR, Math.min(MR, inGrad.rows - q * MR), s * NR, null, dx, dxOff,
                                inGrad.outH, inGrad.outW, inGrad.paddedW);
                    }
                }
            }
        }
    }

    /**
     * dOutT[s][f] = dOut[dOff + f*OH*OW + oh*OW + ow] on the padded grid s = oh*Wp + ow (s < columns),
     * zero where ow >= OW or f >= OC; and, when biasSum is not null, biasSum[f] += the sum of image
     * dOut[f], added in (oh, ow) order from 0 as the scalar loop did. One gather per L filters and
     * grid position makes every store a whole vector: the scalar transpose, one float per cache
     * line, cost as much as the first convolution's weight-gradient GEMM (K = 25).
     */
    private static void transposeDOut(float[] dOut, int dOff, int filters, int outH, int outW, int paddedW,
                                      int columns, int oc, float[] dOutT, Scratch scratch, float[] biasSum) {
        int spatial = outH * outW;
        int[] rows = scratch.rows(oc);
        float[] sums = scratch.sums(oc);
        for (int f = 0; f < oc; f++) {
            rows[f] = f < filters ? f * spatial : 0;
            sums[f] = 0f;
        }
        FloatVector zero = FloatVector.zero(S);
        for (int oh = 0; oh < outH; oh++) {
            int src = dOff + oh * outW, row = oh * paddedW;
            for (int ow = 0; ow < outW; ow++) {
                int d = (row + ow) * oc;
                for (int v = 0; v < oc; v += L) {
                    FloatVector g = v + L <= filters
                            ? FloatVector.fromArray(S, dOut, src + ow, rows, v)
                            : FloatVector.fromArray(S, dOut, src + ow, rows, v, S.indexInRange(v, filters));
                    g.intoArray(dOutT, d + v);
                    FloatVector.fromArray(S, sums, v).add(g).intoArray(sums, v);
                }
            }
            int end = Math.min(columns, row + paddedW);           // the dropped columns of this row
            for (int d = (row + outW) * oc; d < end * oc; d += L) zero.intoArray(dOutT, d);
        }
        if (biasSum != null) {
            for (int f = 0; f < filters; f++) biasSum[f] += sums[f];
        }
    }

    /**
     * The weight-gradient micro-kernel: acc[r][0:NR] (+)= sum_s image[off[p0 + r] + s] * dOutT[s][j0 : j0+NR]
     * for 8 patch rows (rows past depth repeat the last one; their sums land in padding rows of acc).
     */
    private static void weightKernel(int columns, float[] image, int[] off, int p0, int depth, float[] dOutT, int j0, int ld,
                                     float[] acc, int accOff, boolean first) {
        int last = depth - 1;
        int a0 = off[p0], a1 = off[Math.min(p0 + 1, last)], a2 = off[Math.min(p0 + 2, last)], a3 = off[Math.min(p0 + 3, last)];
        int a4 = off[Math.min(p0 + 4, last)], a5 = off[Math.min(p0 + 5, last)], a6 = off[Math.min(p0 + 6, last)];
        int a7 = off[Math.min(p0 + 7, last)];
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int s = 0, d = j0; s < columns; s++, d += ld) {
            FloatVector b0 = FloatVector.fromArray(S, dOutT, d);
            FloatVector b1 = FloatVector.fromArray(S, dOutT, d + L);
            FloatVector av = FloatVector.broadcast(S, image[a0 + s]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, image[a1 + s]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, image[a2 + s]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, image[a3 + s]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, image[a4 + s]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, image[a5 + s]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, image[a6 + s]);
            c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, image[a7 + s]);
            c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
        }
        int o = accOff;
        if (first) {
            c00.intoArray(acc, o); c01.intoArray(acc, o + L); o += ld;
            c10.intoArray(acc, o); c11.intoArray(acc, o + L); o += ld;
            c20.intoArray(acc, o); c21.intoArray(acc, o + L); o += ld;
            c30.intoArray(acc, o); c31.intoArray(acc, o + L); o += ld;
            c40.intoArray(acc, o); c41.intoArray(acc, o + L); o += ld;
            c50.intoArray(acc, o); c51.intoArray(acc, o + L); o += ld;
            c60.intoArray(acc, o); c61.intoArray(acc, o + L); o += ld;
            c70.intoArray(acc, o); c71.intoArray(acc, o + L);
        } else {
            FloatVector.fromArray(S, acc, o).add(c00).intoArray(acc, o);
            FloatVector.fromArray(S, acc, o + L).add(c01).intoArray(acc, o + L);
            o += ld;
            FloatVector.fromArray(S, acc, o).add(c10).intoArray(acc, o);
            FloatVector.fromArray(S, acc, o + L).add(c11).intoArray(acc, o + L);
            o += ld;
            FloatVector.fromArray(S, acc, o).add(c20).intoArray(acc, o);
            FloatVector.fromArray(S, acc, o + L).add(c21).intoArray(acc, o + L);
            o += ld;
            FloatVector.fromArray(S, acc, o).add(c30).intoArray(acc, o);
            FloatVector.fromArray(S, acc, o + L).add(c31).intoArray(acc, o + L);
            o += ld;
            FloatVector.fromArray(S, acc, o).add(c40).intoArray(acc, o);
            FloatVector.fromArray(S, acc, o + L).add(c41).intoArray(acc, o + L);
            o += ld;
            FloatVector.fromArray(S, acc, o).add(c50).intoArray(acc, o);
            FloatVector.fromArray(S, acc, o + L).add(c51).intoArray(acc, o + L);
            o += ld;
            FloatVector.fromArray(S, acc, o).add(c60).intoArray(acc, o);
            FloatVector.fromArray(S, acc, o + L).add(c61).intoArray(acc, o + L);
            o += ld;
            FloatVector.fromArray(S, acc, o).add(c70).intoArray(acc, o);
            FloatVector.fromArray(S, acc, o + L).add(c71).intoArray(acc, o + L);
        }
    }

    // ---------------------------------------------------------------- other strides: batched im2col + GEMM

    private static void im2colForward(ConvShape g, float[] x, float[] weight, float[] bias, float[] out) {
        Workspace ws = WORKSPACE.get();
        int k = g.kernel(), patch = g.patch(), columns = g.batch() * g.outputPlane();
        if (ws.col.length < patch * columns) ws.col = new float[patch * columns];
        if (ws.cols.length < g.filters() * columns) ws.cols = new float[g.filters() * columns];
        VectorConv.im2col(x, g.batch(), g.channels(), g.height(), g.width(), k, k, g.stride(), g.pad(), ws.col);
        VectorGemm.gemm(false, false, g.filters(), columns, patch, 1f, weight, 0, patch, ws.col, 0, columns, 0f, ws.cols, 0, columns);
        VectorConv.scatterChannels(ws.cols, g.batch(), g.filters(), g.outputPlane(), bias, out);
    }

    private static void im2colBackward(ConvShape g, float[] x, float[] dOut, float[] weight, float[] dWeight,
                                       float[] dBias, float[] dx) {
        Workspace ws = WORKSPACE.get();
        int k = g.kernel(), patch = g.patch(), columns = g.batch() * g.outputPlane(), filters = g.filters();
        if (ws.col.length < patch * columns) ws.col = new float[patch * columns];
        if (ws.cols.length < filters * columns) ws.cols = new float[filters * columns];
        float[] col = ws.col, dCols = ws.cols;
        VectorConv.im2col(x, g.batch(), g.channels(), g.height(), g.width(), k, k, g.stride(), g.pad(), col);
        VectorConv.gatherChannels(dOut, g.batch(), filters, g.outputPlane(), dCols);
        // dW(OC, CKK) += dCols(OC, cols) * col(CKK, cols)^T
        VectorGemm.gemm(false, true, filters, patch, columns, 1f, dCols, 0, columns, col, 0, columns, 1f, dWeight, 0, patch);
        if (dBias != null) {
            for (int f = 0; f < filters; f++) {
                float sum = 0f;
                for (int j = 0; j < columns; j++) sum += dCols[f * columns + j];
                dBias[f] += sum;
            }
        }
        if (dx == null) return;
        // dCol(CKK, cols) = W(OC, CKK)^T * dCols(OC, cols), overwriting the patches
        VectorGemm.gemm(true, false, patch, columns, filters, 1f, weight, 0, patch, dCols, 0, columns, 0f, col, 0, columns);
        java.util.Arrays.fill(dx, 0, g.batch() * g.channels() * g.inputPlane(), 0f);
        VectorConv.col2im(col, g.batch(), g.channels(), g.height(), g.width(), k, k, g.stride(), g.pad(), dx);
    }
}
