package org.relunet.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API fast Walsh-Hadamard transform behind {@link VectorKernels#wht}. It performs the
 * butterflies of {@link ScalarKernels#wht}, the reference it must equal bit for bit, in a
 * cache- and register-friendly order:
 * <ol>
 *   <li>Strides h < V (V = lanes per vector) inside one vector: with y = x rearranged by
 *       lane i <- lane i ^ h and sign = -1 on the lanes whose bit h is set, one
 *       {@code x.fma(sign, y)} gives x[i] + x[i+h] on the low lanes and x[i-h] - x[i] on the high
 *       lanes: the reference's a + b and a - b, rounded once, so the same bits.</li>
 *   <li>Strides h >= V on whole vectors, two stages per pass (radix 4: four loads and stores for
 *       two stages instead of eight), a last radix-2 pass when log2(L/V) is odd.</li>
 *   <li>Rows longer than {@link #BLOCK} are transformed depth-first: every stage below BLOCK runs on
 *       one L1-sized block at a time, the remaining stages over the whole row.</li>
 * </ol>
 * Each element still sees the same butterflies with the same operands as in the reference; only
 * the order between independent butterflies changes. Rows shorter than V are transformed several
 * per vector (the pairing i ^ h never leaves a row of L >= 2h elements that starts at a multiple of L).
 * Rows are split across threads; rows are independent, so the bits do not depend on the split.
 * Legend: see {@link Kernels}.
 */
final class VectorTransforms {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    /**
     * Stages with stride below BLOCK run block by block (8 KiB of floats: well inside L1). Measured
     * on a loaded 2-core machine, block sizes 1024 to 65536 were within the noise at L = 65536
     * (256 KiB, inside L2); the blocking is for rows that outgrow L2.
     */
    static final int BLOCK = 2048;

    /** Split rows across threads when a task gets at least this many elements. */
    private static final int PARALLEL_MIN = 1 << 15;

    // In-register stages h = 1, 2, 4, 8 (the last only for 512-bit vectors); wider vectors take the
    // generic loop in registerStage.
    private static final VectorShuffle<Float> SWAP1 = swap(1), SWAP2 = swap(2), SWAP4 = swap(4), SWAP8 = V >= 16 ? swap(8) : null;
    private static final FloatVector SIGN1 = sign(1), SIGN2 = sign(2), SIGN4 = sign(4), SIGN8 = V >= 16 ? sign(8) : null;

    private VectorTransforms() {}

    private static VectorShuffle<Float> swap(int h) { return VectorShuffle.fromOp(S, i -> i ^ h); }

    private static FloatVector sign(int h) {
        float[] s = new float[V];
        for (int i = 0; i < V; i++) s[i] = (i & h) == 0 ? 1f : -1f;
        return FloatVector.fromArray(S, s, 0);
    }

    static void wht(float[] x, int off, int rows, int cols, boolean normalised) {
        ScalarKernels.requirePowerOfTwo(cols);
        float scale = ScalarKernels.whtScale(cols, normalised);
        if (cols == 1) return;   // H_1 = [1] and the scale is 1
        VectorConv.ranges(rows, Math.max(1, PARALLEL_MIN / cols), (r0, r1) -> {
            if (cols <= V) {
                // every stage fits in a vector: all rows of this task as one flat run
                registerStages(x, off + r0 * cols, (r1 - r0) * cols, cols, scale);
                return;
            }
            for (int r = r0; r < r1; r++) row(x, off + r * cols, cols, scale);
        });
    }

    /** One row of L > V elements at x[o]. */
    private static void row(float[] x, int o, int cols, float scale) {
        int block = Math.min(cols, BLOCK);
        float blockScale = block == cols ? scale : 1f;
        for (int b = o; b < o + cols; b += block) {
            registerStages(x, b, block, V, 1f);
            vectorStages(x, b, block, V, block, blockScale);
        }
        if (block < cols) vectorStages(x, o, cols, block, cols, scale);
    }

    /**
     * Stages h = 1, 2, ..., width/2 over count elements at x[from] (count a multiple of width,
     * width a power of two <= V), then the scale. The scalar tail holds whole rows of width < V.
     */
    private static void registerStages(float[] x, int from, int count, int width, float scale) {
        int i = 0;
        for (int bound = S.loopBound(count); i < bound; i += V) {
            FloatVector v = FloatVector.fromArray(S, x, from + i);
            v = v.fma(SIGN1, v.rearrange(SWAP1));
            if (width >= 4) v = v.fma(SIGN2, v.rearrange(SWAP2));
            if (width >= 8) v = v.fma(SIGN4, v.rearrange(SWAP4));
            if (V >= 16 && width >= 16) v = v.fma(SIGN8, v.rearrange(SWAP8));
            for (int h = 16; h < width; h *= 2) v = registerStage(v, h);   // vectors wider than 512 bits
            v.mul(scale).intoArray(x, from + i);        // x * 1 is exact
        }
        for (int h = 1; h < width; h *= 2) {
            for (int block = from + i; block < from + count; block += 2 * h) {
                for (int j = block; j < block + h; j++) {
                    float a = x[j], b = x[j + h];
                    x[j] = a + b;
                    x[j + h] = a - b;
                }
            }
        }
        if (scale != 1f) {
            for (int j = from + i; j < from + count; j++) x[j] *= scale;
        }
    }

    /** An in-register stage for strides 16 and up (only vectors of more than 512 bits have them). */
    private static FloatVector registerStage(FloatVector v, int h) {
        return v.fma(sign(h), v.rearrange(swap(h)));
    }

    /**
     * Stages h = hFrom, 2 hFrom, ..., hTo/2 (all >= V) on whole vectors over len elements at x[o]
     * (len a multiple of hTo); the last stage multiplies by scale.
     */
    private static void vectorStages(float[] x, int o, int len, int hFrom, int hTo, float scale) {
        for (int h = hFrom; h < hTo; ) {
            if (4 * h <= hTo) {
                radix4(x, o, len, h, 4 * h == hTo ? scale : 1f);
                h *= 4;
            } else {
                radix2(x, o, len, h, scale);
                h *= 2;
            }
        }
    }

    /** Stages h and 2h in one pass: (a0, a1, a2, a3) at j, j+h, j+2h, j+3h. */
    private static void radix4(float[] x, int o, int len, int h, float scale) {
        for (int block = o; block < o + len; block += 4 * h) {
            for (int j = block; j < block + h; j += V) {
                FloatVector a0 = FloatVector.fromArray(S, x, j);
                FloatVector a1 = FloatVector.fromArray(S, x, j + h);
                FloatVector a2 = FloatVector.fromArray(S, x, j + 2 * h);
                FloatVector a3 = FloatVector.fromArray(S, x, j + 3 * h);
                FloatVector s01 = a0.add(a1), d01 = a0.sub(a1), s23 = a2.add(a3), d23 = a2.sub(a3);
                FloatVector y0 = s01.add(s23), y2 = s01.sub(s23), y1 = d01.add(d23), y3 = d01.sub(d23);
                // times scale always (x * 1 is exact): a vector assigned in an if is a phi C2 may box
                y0.mul(scale).intoArray(x, j);
                y1.mul(scale).intoArray(x, j + h);
                y2.mul(scale).intoArray(x, j + 2 * h);
                y3.mul(scale).intoArray(x, j + 3 * h);
            }
        }
    }

    /** Stage h alone: (a, b) at j, j+h. */
    private static void radix2(float[] x, int o, int len, int h, float scale) {
        for (int block = o; block < o + len; block += 2 * h) {
            for (int j = block; j < block + h; j += V) {
                FloatVector a = FloatVector.fromArray(S, x, j);
                FloatVector b = FloatVector.fromArray(S, x, j + h);
                a.add(b).mul(scale).intoArray(x, j);     // times scale always: x * 1 is exact
                a.sub(b).mul(scale).intoArray(x, j + h);
            }
        }
    }
}
