package org.relunet.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Winograd convolution: the solved transforms against the definition and against the published
 * F(4x4, 3x3) and F(6x6, 3x3) input transforms (the latter is also F(4x4, 5x5)'s); the scalar
 * algorithm and the vector kernels against direct convolution (forward, weight, bias and input
 * gradients) on awkward shapes, with 1, 2 and 3 threads; the same bits twice. Tolerances: Winograd rounds differently from a direct sum (the transforms add terms
 * of up to 5.25x the inputs), so each element may differ by 2e-5 of the largest |value| of its array.
 */
@ExtendWith(RestoresThreads.class)
class WinogradTest {

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * rnd.nextDouble() - 1);
        return x;
    }

    private static void assertNear(float[] expected, float[] actual, String what) {
        double scale = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= 2e-5 * scale + 1e-30)) {
                fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i] + " (scale " + scale + ")");
            }
        }
    }

    @Test
    void transformsComputeOneDimensionalCorrelation() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int kernel : new int[] {3, 5}) {
            Winograd w = Winograd.forKernel(kernel);
            assertNotNull(w);
            assertEquals(4, w.m);
            assertEquals(kernel == 3 ? 6 : 8, w.alpha);
            float[] g = random(rnd, w.r), d = random(rnd, w.alpha);
            float[] gg = new float[w.alpha], bd = new float[w.alpha];
            for (int xi = 0; xi < w.alpha; xi++) {
                for (int k = 0; k < w.r; k++) gg[xi] += w.g[xi * w.r + k] * g[k];
                for (int j = 0; j < w.alpha; j++) bd[xi] += w.bt[xi * w.alpha + j] * d[j];
            }
            for (int i = 0; i < w.m; i++) {
                float y = 0, direct = 0;
                for (int xi = 0; xi < w.alpha; xi++) y += w.at[i * w.alpha + xi] * gg[xi] * bd[xi];
                for (int k = 0; k < w.r; k++) direct += g[k] * d[i + k];
                assertEquals(direct, y, 1e-5, "F(" + w.m + "," + w.r + ") output " + i);
            }
        }
        assertEquals(null, Winograd.forKernel(7));
    }

    @Test
    void inputTransformIsLavinsPublishedMatrix() {
        float[] lavin = {                                  // Lavin and Gray 2016, F(4x4, 3x3) B^T
            4, 0, -5, 0, 1, 0,
            0, -4, -4, 1, 1, 0,
            0, 4, -4, -1, 1, 0,
            0, -2, -1, 2, 1, 0,
            0, 2, -1, -2, 1, 0,
            0, 4, 0, -5, 0, 1};
        assertArrayEquals(lavin, Winograd.forKernel(3).bt);
        float[] eight = {                                  // the usual F(6x6, 3x3) B^T (points 0, +-1, +-2, +-1/2), as in
            -1, 0, 5.25f, 0, -5.25f, 0, 1, 0,              // wincnn and NNPACK except row 0's sign, which follows our
            0, 1, 1, -4.25f, -4.25f, 1, 1, 0,              // G: its row 0 is 1 / prod(0 - p) = -1 (their G has +1)
            0, -1, 1, 4.25f, -4.25f, -1, 1, 0,
            0, 0.5f, 0.25f, -2.5f, -1.25f, 2, 1, 0,
            0, -0.5f, 0.25f, 2.5f, -1.25f, -2, 1, 0,
            0, 2, 4, -2.5f, -5, 0.5f, 1, 0,
            0, -2, 4, 2.5f, -5, -0.5f, 1, 0,
            0, -1, 0, 5.25f, 0, -5.25f, 0, 1};
        assertArrayEquals(eight, Winograd.forKernel(5).bt, "F(4x4, 5x5) has the same alpha and points, so the same B^T");
    }

    @Test
    void appliesOnlyWhereItPays() {
        assertTrue(Winograd.applies(new ConvShape(64, 32, 14, 14, 64, 5, 1, 2)), "W2's second convolution");
        assertFalse(Winograd.applies(new ConvShape(64, 1, 28, 28, 32, 5, 1, 2)), "one input channel");
        assertFalse(Winograd.applies(new ConvShape(2, 32, 14, 14, 64, 5, 2, 2)), "stride 2");
        assertFalse(Winograd.applies(new ConvShape(2, 32, 14, 14, 64, 7, 1, 3)), "7x7");
        assertFalse(Winograd.applies(new ConvShape(2, 32, 14, 14, 8, 3, 1, 1)), "8 filters");
    }

    /** (B, C, H, W, OC, K, pad): ragged channel groups, partial edge tiles, pads 0..4, 1x1 outputs excluded. */
    private static final int[][] SHAPES = {
        {2, 32, 14, 14, 64, 5, 2}, {1, 8, 9, 7, 16, 5, 2}, {3, 9, 13, 11, 17, 3, 1}, {1, 8, 10, 10, 16, 3, 0},
        {2, 8, 6, 6, 16, 5, 4}, {5, 20, 7, 9, 33, 5, 1}, {1, 40, 5, 5, 70, 3, 2}, {4, 16, 3, 4, 16, 3, 1},
        // more than one block of tiles per image (F(4x4, 3x3), 72 tiles: blocks of 36; F(4x4, 5x5), 49 tiles: blocks of 25)
        {1, 16, 30, 34, 16, 3, 1}, {2, 8, 28, 27, 16, 5, 2},
    };

    private static ConvShape shape(int[] s) {
        return new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], 1, s[6]);
    }

    @Test
    void scalarAlgorithmEqualsDirectConvolution() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int[] s : SHAPES) {
            ConvShape g = shape(s);
            float[] x = random(rnd, g.batch() * g.channels() * g.inputPlane()), w = random(rnd, g.filters() * g.patch());
            float[] bias = random(rnd, g.filters());
            int n = g.batch() * g.filters() * g.outputPlane();
            float[] direct = new float[n], wino = new float[n];
            new ScalarKernels().convForward(g, x, w, bias, direct);
            Winograd.forward(g, x, w, bias, wino);
            assertNear(direct, wino, g + " forward");
        }
    }

    @Test
    void vectorKernelsEqualDirectConvolution() {
        Kernels vector = VectorOrSkip.kernels();
        Kernels scalar = new ScalarKernels();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int[] s : SHAPES) {
                ConvShape g = shape(s);
                assertTrue(Winograd.applies(g), g + " should take the Winograd path");
                float[] x = random(rnd, g.batch() * g.channels() * g.inputPlane()), w = random(rnd, g.filters() * g.patch());
                float[] bias = random(rnd, g.filters());
                int n = g.batch() * g.filters() * g.outputPlane();
                String what = g + " threads " + threads;
                float[] expected = new float[n], actual = new float[n];
                scalar.convForward(g, x, w, bias, expected);
                vector.convForward(g, x, w, bias, actual);
                assertNear(expected, actual, what + " forward");
                float[] again = new float[n];
                vector.convForward(g, x, w, bias, again);
                assertArrayEquals(actual, again, what + ": same bits twice");

                float[] dOut = random(rnd, n);
                float[] dw1 = random(rnd, w.length), dw2 = dw1.clone(), db1 = random(rnd, bias.length), db2 = db1.clone();
                float[] dx1 = new float[x.length], dx2 = new float[x.length];
                java.util.Arrays.fill(dx2, Float.NaN);           // dx is overwritten, never read
                scalar.convBackward(g, x, dOut, w, dw1, db1, dx1);
                vector.convBackward(g, x, dOut, w, dw2, db2, dx2);
                assertNear(dw1, dw2, what + " weight gradient (added)");
                assertNear(db1, db2, what + " bias gradient (added)");
                assertNear(dx1, dx2, what + " input gradient");
                float[] dw3 = new float[w.length], dw4 = new float[w.length];
                vector.convBackward(g, x, dOut, w, dw3, null, null);
                vector.convBackward(g, x, dOut, w, dw4, null, null);
                assertArrayEquals(dw3, dw4, what + ": same weight-gradient bits twice, no dx, no bias");
            }
        }
    }

    /**
     * With fewer images than threads the threads split the filters (each transforms the whole image);
     * with at least as many they split the images. Every output gets the same bits either way, for
     * any thread count: each image alone (filter split) against the batch (image split), 1-3 threads.
     * Shapes: W2's second convolution (OCp 64: two panels of filters), 70 filters (three panels, the
     * last mostly padding), channels that do not fill a vector (the scalar layout path), and output
     * widths that are not a whole number of tiles (the scalar output path).
     */
    @Test
    void splittingFiltersOrImagesGivesTheSameBits() {
        Kernels vector = VectorOrSkip.kernels();
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] shapes = {{3, 32, 14, 14, 64, 5, 2}, {3, 40, 5, 5, 70, 3, 2}, {3, 20, 7, 9, 33, 5, 1}, {2, 32, 13, 13, 96, 5, 2}};
        for (int[] s : shapes) {
            ConvShape g = shape(s), one = new ConvShape(1, s[1], s[2], s[3], s[4], s[5], 1, s[6]);
            float[] x = random(rnd, g.batch() * g.channels() * g.inputPlane()), w = random(rnd, g.filters() * g.patch());
            float[] bias = random(rnd, g.filters());
            int n = g.batch() * g.filters() * g.outputPlane(), per = n / g.batch(), in = g.channels() * g.inputPlane();
            Parallel.setThreads(1);
            float[] reference = new float[n];
            vector.convForward(g, x, w, bias, reference);
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                float[] batch = new float[n];
                vector.convForward(g, x, w, bias, batch);
                Bits.assertSameBits(reference, batch, g + " batch, threads " + threads);
                for (int b = 0; b < g.batch(); b++) {
                    float[] image = java.util.Arrays.copyOfRange(x, b * in, (b + 1) * in), out = new float[per];
                    vector.convForward(one, image, w, bias, out);
                    Bits.assertSameBits(java.util.Arrays.copyOfRange(reference, b * per, (b + 1) * per), out,
                            g + " image " + b + " alone, threads " + threads);
                }
            }
        }
    }

    /**
     * Inference reuses the transformed filters while the weights stay the same; threads that split
     * the filters check and refresh their own. A change to one weight, in the first filters, in the
     * last, or to a bias only, shows in the next output, with 1 and 2 threads at batch 1.
     */
    @Test
    void reusedFiltersFollowEveryChangeOfTheWeights() {
        Kernels vector = VectorOrSkip.kernels();
        Kernels scalar = new ScalarKernels();
        SplittableRandom rnd = new SplittableRandom(13);
        ConvShape g = new ConvShape(1, 32, 14, 14, 64, 5, 1, 2);
        float[] x = random(rnd, g.channels() * g.inputPlane()), w = random(rnd, g.filters() * g.patch());
        float[] bias = random(rnd, g.filters());
        int n = g.filters() * g.outputPlane();
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            int[] changed = {3 * g.patch() + 7, 50 * g.patch() + 100, 0, 64 * g.patch() - 1};
            for (int step = 0; step <= changed.length; step++) {
                if (step < changed.length) w[changed[step]] += 3f;
                if (step == changed.length) bias[17] -= 2f;
                float[] expected = new float[n], actual = new float[n];
                scalar.convForward(g, x, w, bias, expected);
                vector.convForward(g, x, w, bias, actual);
                assertNear(expected, actual, "threads " + threads + " after change " + step);
            }
        }
    }

    /**
     * Two layers of the same shape (two weight arrays) called in turn, as a network's Winograd layers
     * are at inference: each keeps its own transformed filters, so after the first call of each no
     * filters are transformed again, and every output keeps its bits. Then a changed weight is seen.
     */
    @Test
    void eachWeightArrayKeepsItsOwnTransformedFilters() {
        Kernels vector = VectorOrSkip.kernels();
        SplittableRandom rnd = new SplittableRandom(17);
        ConvShape g = new ConvShape(1, 32, 14, 14, 64, 5, 1, 2);
        float[] x = random(rnd, g.channels() * g.inputPlane()), bias = random(rnd, g.filters());
        float[] w1 = random(rnd, g.filters() * g.patch()), w2 = random(rnd, g.filters() * g.patch());
        int n = g.filters() * g.outputPlane();
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            float[] first1 = new float[n], first2 = new float[n];
            vector.convForward(g, x, w1, bias, first1);
            vector.convForward(g, x, w2, bias, first2);
            long transforms = VectorWinograd.FORWARD_FILTER_TRANSFORMS.sum();
            for (int call = 0; call < 4; call++) {
                float[] y1 = new float[n], y2 = new float[n];
                vector.convForward(g, x, w1, bias, y1);
                vector.convForward(g, x, w2, bias, y2);
                Bits.assertSameBits(first1, y1, "layer 1, call " + call + ", threads " + threads);
                Bits.assertSameBits(first2, y2, "layer 2, call " + call + ", threads " + threads);
            }
            assertEquals(transforms, VectorWinograd.FORWARD_FILTER_TRANSFORMS.sum(), "no filters transformed again, threads " + threads);
            w2[5] += 1f;
            float[] expected = new float[n], actual = new float[n];
            new ScalarKernels().convForward(g, x, w2, bias, expected);
            vector.convForward(g, x, w2, bias, actual);
            assertNear(expected, actual, "after a change of layer 2's weights, threads " + threads);
            assertTrue(VectorWinograd.FORWARD_FILTER_TRANSFORMS.sum() > transforms, "the changed filters were transformed");
        }
    }
}
