package org.relunet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole-convolution kernels (convForward, convBackward) of VectorKernels against the scalar
 * reference, element by element, on awkward geometries (1x1 kernels, odd sizes, filters that are
 * not a multiple of the register tile, the W2 shapes, strides and pads the implicit path does not
 * take), with one, two and three threads; and the same bits twice for a given thread count.
 * Each element's tolerance scales with its reduction length and the sum of its terms' magnitudes,
 * which the reference computes on absolute values.
 */
@ExtendWith(RestoresThreads.class)
class ConvKernelParityTest {
    private static final double U = 0x1p-24;

    /** (B, C, H, W, OC, K, stride, pad). */
    private static final int[][] SHAPES = {
        {1, 1, 5, 5, 1, 1, 1, 0}, {2, 3, 7, 9, 5, 3, 1, 1}, {3, 1, 28, 28, 32, 5, 1, 2}, {2, 32, 14, 14, 64, 5, 1, 2},
        {1, 2, 6, 7, 13, 3, 2, 0}, {2, 2, 5, 5, 33, 3, 3, 2}, {5, 4, 9, 4, 9, 3, 1, 2}, {1, 1, 3, 3, 3, 1, 1, 2},
        {3, 5, 11, 6, 17, 4, 1, 3}, {4, 3, 13, 13, 8, 1, 1, 0}, {1, 7, 2, 3, 40, 2, 1, 1},
        // fewer images than threads and enough work: the forward pass splits filter panels (8, 5, 3 panels)
        {1, 32, 14, 14, 64, 5, 1, 2}, {1, 5, 23, 19, 37, 3, 1, 1}, {2, 4, 20, 20, 19, 3, 1, 1},
    };

    private final Kernels scalar = new ScalarKernels();
    private Kernels vector;

    @BeforeEach
    void setUp() {
        vector = VectorOrSkip.kernels();
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * rnd.nextDouble() - 1);
        return x;
    }

    static float[] abs(float[] x) {
        float[] a = new float[x.length];
        for (int i = 0; i < x.length; i++) a[i] = Math.abs(x[i]);
        return a;
    }

    static float[] nans(int n) {
        float[] x = new float[n];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    static void assertClose(float[] expected, float[] actual, float[] magnitude, int terms, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = 2 * (terms + 2) * U * magnitude[i] + 1e-30;
            if (expected[i] != actual[i] && !(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i] + " (tolerance " + tolerance + ")");
            }
        }
    }

    @Test
    void convForwardAndBackwardMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int[] s : SHAPES) {
                ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
                String what = g + " threads=" + threads;
                int inSize = g.batch() * g.channels() * g.inputPlane(), outSize = g.batch() * g.filters() * g.outputPlane();
                float[] x = random(rnd, inSize), weight = random(rnd, g.filters() * g.patch()), bias = random(rnd, g.filters());
                for (float[] b : new float[][] {bias, null}) {
                    float[] os = nans(outSize), ov = nans(outSize), mag = new float[outSize];
                    scalar.convForward(g, x, weight, b, os);
                    vector.convForward(g, x, weight, b, ov);
                    scalar.convForward(g, abs(x), abs(weight), b == null ? null : abs(b), mag);
                    assertClose(os, ov, mag, g.patch(), "convForward " + what + (b == null ? " no bias" : ""));
                }

                float[] dOut = random(rnd, outSize);
                float[] dW0 = random(rnd, weight.length), dB0 = random(rnd, bias.length);
                float[] dWs = dW0.clone(), dWv = dW0.clone(), dBs = dB0.clone(), dBv = dB0.clone();
                float[] dxs = nans(inSize), dxv = nans(inSize);
                scalar.convBackward(g, x, dOut, weight, dWs, dBs, dxs);
                vector.convBackward(g, x, dOut, weight, dWv, dBv, dxv);
                float[] dWm = abs(dW0), dBm = abs(dB0), dxm = new float[inSize];
                scalar.convBackward(g, abs(x), abs(dOut), abs(weight), dWm, dBm, dxm);
                int reduction = g.batch() * g.outputPlane() + threads;
                assertClose(dWs, dWv, dWm, reduction, "convBackward dWeight " + what);
                assertClose(dBs, dBv, dBm, reduction, "convBackward dBias " + what);
                assertClose(dxs, dxv, dxm, g.filters() * g.kernel() * g.kernel(), "convBackward dx " + what);

                // without dBias and dx: dWeight alone, the first layer's case
                float[] dWv2 = dW0.clone();
                vector.convBackward(g, x, dOut, weight, dWv2, null, null);
                assertClose(dWs, dWv2, dWm, reduction, "convBackward dWeight only " + what);
            }
        }
    }

    @Test
    void theReferenceEqualsIm2colGemmAndScatter() {
        // The definition in Kernels: convForward = im2col, GEMM, scatterChannels + bias; the
        // backward pass = gatherChannels, dW += dCols col^T, row sums, col2im(W^T dCols).
        SplittableRandom rnd = new SplittableRandom(31);
        for (int[] s : SHAPES) {
            ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
            int patch = g.patch(), columns = g.batch() * g.outputPlane(), k = g.kernel();
            int inSize = g.batch() * g.channels() * g.inputPlane(), outSize = g.filters() * columns;
            float[] x = random(rnd, inSize), weight = random(rnd, g.filters() * patch), bias = random(rnd, g.filters());
            float[] col = new float[patch * columns], cols = new float[outSize], expected = new float[outSize];
            scalar.im2col(x, g.batch(), g.channels(), g.height(), g.width(), k, k, g.stride(), g.pad(), col);
            scalar.gemm(false, false, g.filters(), columns, patch, 1f, weight, 0, patch, col, 0, columns, 0f, cols, 0, columns);
            scalar.scatterChannels(cols, g.batch(), g.filters(), g.outputPlane(), bias, expected);
            float[] out = nans(outSize), mag = new float[outSize];
            scalar.convForward(g, x, weight, bias, out);
            scalar.convForward(g, abs(x), abs(weight), abs(bias), mag);
            assertClose(expected, out, mag, patch, "reference convForward " + g);

            float[] dOut = random(rnd, outSize), dCols = new float[outSize];
            scalar.gatherChannels(dOut, g.batch(), g.filters(), g.outputPlane(), dCols);
            float[] dWExpected = new float[weight.length], dBExpected = new float[bias.length], dxExpected = new float[inSize];
            scalar.gemm(false, true, g.filters(), patch, columns, 1f, dCols, 0, columns, col, 0, columns, 1f, dWExpected, 0, patch);
            scalar.addRowSums(dCols, g.filters(), columns, dBExpected);
            float[] dCol = new float[col.length];
            scalar.gemm(true, false, patch, columns, g.filters(), 1f, weight, 0, patch, dCols, 0, columns, 0f, dCol, 0, columns);
            scalar.col2im(dCol, g.batch(), g.channels(), g.height(), g.width(), k, k, g.stride(), g.pad(), dxExpected);
            float[] dW = new float[weight.length], dB = new float[bias.length], dx = nans(inSize);
            scalar.convBackward(g, x, dOut, weight, dW, dB, dx);
            float[] dWm = new float[weight.length], dBm = new float[bias.length], dxm = new float[inSize];
            scalar.convBackward(g, abs(x), abs(dOut), abs(weight), dWm, dBm, dxm);
            assertClose(dWExpected, dW, dWm, columns, "reference dWeight " + g);
            assertClose(dBExpected, dB, dBm, columns, "reference dBias " + g);
            assertClose(dxExpected, dx, dxm, g.filters() * k * k, "reference dx " + g);
        }
    }

    @Test
    void convGivesTheSameBitsTwiceForAGivenThreadCount() {
        SplittableRandom rnd = new SplittableRandom(29);
        ConvShape g = new ConvShape(5, 6, 14, 14, 20, 5, 1, 2);
        int inSize = g.batch() * g.channels() * g.inputPlane(), outSize = g.batch() * g.filters() * g.outputPlane();
        float[] x = random(rnd, inSize), weight = random(rnd, g.filters() * g.patch()), bias = random(rnd, g.filters());
        float[] dOut = random(rnd, outSize);
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            float[][] results = new float[2][];
            for (int rep = 0; rep < 2; rep++) {
                float[] out = new float[outSize], dW = new float[weight.length], dB = new float[bias.length], dx = new float[inSize];
                vector.convForward(g, x, weight, bias, out);
                vector.convBackward(g, x, dOut, weight, dW, dB, dx);
                float[] all = new float[outSize + dW.length + dB.length + inSize];
                System.arraycopy(out, 0, all, 0, outSize);
                System.arraycopy(dW, 0, all, outSize, dW.length);
                System.arraycopy(dB, 0, all, outSize + dW.length, dB.length);
                System.arraycopy(dx, 0, all, outSize + dW.length + dB.length, inSize);
                results[rep] = all;
            }
            Bits.assertSameBits(results[0], results[1], "threads " + threads + ", second run against the first");
        }
    }
}
