package org.relunet.kernels;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relunet.kernels.ConvKernelParityTest.abs;
import static org.relunet.kernels.ConvKernelParityTest.assertClose;
import static org.relunet.kernels.ConvKernelParityTest.nans;
import static org.relunet.kernels.ConvKernelParityTest.random;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link VectorDirectConv} (stride 1, few channels) called directly, also on shapes that
 * {@link VectorDirectConv#takes} leaves to the implicit GEMM, against the scalar reference
 * element by element: heights and widths that are not multiples of the vector length (5, 17, 28,
 * 33), pads 0 to 4 (also past K - 1), kernels 1, 3, 5, 1 to 3 channels, 1, 7, 32, 33 filters,
 * batches 1, 3, 64 (fewer images than threads splits the filter groups instead), 1 to 3 threads;
 * and the same bits twice for a given thread count. Tolerances as in {@link ConvKernelParityTest}.
 */
@ExtendWith(RestoresThreads.class)
class DirectConvParityTest {
    private final Kernels scalar = new ScalarKernels();

    @BeforeEach
    void setUp() {
        VectorOrSkip.kernels();
    }

    /** (B, C, H, W, OC, K, pad): W2's first layer, the ragged cases by hand, then a seeded sample of the grid. */
    private static List<int[]> shapes() {
        List<int[]> shapes = new ArrayList<>(List.of(
                new int[] {64, 1, 28, 28, 32, 5, 2}, new int[] {1, 1, 28, 28, 32, 5, 2}, new int[] {3, 3, 33, 17, 33, 5, 4},
                new int[] {1, 1, 5, 5, 1, 1, 0}, new int[] {1, 2, 5, 5, 7, 5, 0}, new int[] {3, 1, 17, 33, 7, 3, 3},
                new int[] {64, 2, 17, 5, 33, 3, 1}, new int[] {1, 3, 5, 17, 32, 1, 4}));
        int[] sizes = {5, 17, 28, 33}, kernels = {1, 3, 5}, filters = {1, 7, 32, 33}, batches = {1, 3};
        SplittableRandom rnd = new SplittableRandom(41);
        while (shapes.size() < 48) {
            int k = kernels[rnd.nextInt(kernels.length)];
            shapes.add(new int[] {batches[rnd.nextInt(batches.length)], 1 + rnd.nextInt(3), sizes[rnd.nextInt(sizes.length)],
                    sizes[rnd.nextInt(sizes.length)], filters[rnd.nextInt(filters.length)], k, rnd.nextInt(5)});
        }
        return shapes;
    }

    @Test
    void theFirstConvolutionOfW2TakesTheDirectPath() {
        assertTrue(VectorDirectConv.takes(new ConvShape(64, 1, 28, 28, 32, 5, 1, 2)));
        assertTrue(VectorDirectConv.takes(new ConvShape(1, 3, 28, 28, 32, 3, 1, 1)));
        assertFalse(VectorDirectConv.takes(new ConvShape(64, 32, 14, 14, 64, 5, 1, 2)));
        assertFalse(VectorDirectConv.takes(new ConvShape(1, 1, 28, 28, 32, 5, 2, 2)));
    }

    @Test
    void directConvolutionMatchesTheReference() {
        SplittableRandom rnd = new SplittableRandom(43);
        for (int[] s : shapes()) {
            ConvShape g = new ConvShape(s[0], s[1], s[2], s[3], s[4], s[5], 1, s[6]);
            int inSize = g.batch() * g.channels() * g.inputPlane(), outSize = g.batch() * g.filters() * g.outputPlane();
            float[] x = random(rnd, inSize), weight = random(rnd, g.filters() * g.patch()), bias = random(rnd, g.filters());
            float[] dOut = random(rnd, outSize);
            float[] expected = nans(outSize), mag = new float[outSize];
            scalar.convForward(g, x, weight, bias, expected);
            scalar.convForward(g, abs(x), abs(weight), abs(bias), mag);
            float[] dW0 = random(rnd, weight.length), dB0 = random(rnd, bias.length);
            float[] dWs = dW0.clone(), dBs = dB0.clone(), dWm = abs(dW0), dBm = abs(dB0);
            scalar.convBackward(g, x, dOut, weight, dWs, dBs, null);
            scalar.convBackward(g, abs(x), abs(dOut), abs(weight), dWm, dBm, null);
            float[] expectedNoBias = nans(outSize), magNoBias = new float[outSize];
            scalar.convForward(g, x, weight, null, expectedNoBias);
            scalar.convForward(g, abs(x), abs(weight), null, magNoBias);
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                String what = g + " threads=" + threads;
                float[] out = nans(outSize);
                VectorDirectConv.forward(g, x, weight, bias, out);
                assertClose(expected, out, mag, g.patch(), "forward " + what);
                out = nans(outSize);
                VectorDirectConv.forward(g, x, weight, null, out);
                assertClose(expectedNoBias, out, magNoBias, g.patch(), "forward no bias " + what);

                int reduction = g.batch() * g.outputPlane() + threads;
                float[] dW = dW0.clone(), dB = dB0.clone();
                VectorDirectConv.backward(g, x, dOut, dW, dB);
                assertClose(dWs, dW, dWm, reduction, "dWeight " + what);
                assertClose(dBs, dB, dBm, reduction, "dBias " + what);
                dW = dW0.clone();
                VectorDirectConv.backward(g, x, dOut, dW, null);
                assertClose(dWs, dW, dWm, reduction, "dWeight without dBias " + what);
            }
        }
    }

    @Test
    void directConvolutionGivesTheSameBitsTwiceForAGivenThreadCount() {
        SplittableRandom rnd = new SplittableRandom(47);
        for (ConvShape g : new ConvShape[] {new ConvShape(7, 2, 17, 28, 33, 5, 1, 2), new ConvShape(1, 1, 28, 28, 32, 5, 1, 2)}) {
            int inSize = g.batch() * g.channels() * g.inputPlane(), outSize = g.batch() * g.filters() * g.outputPlane();
            float[] x = random(rnd, inSize), weight = random(rnd, g.filters() * g.patch()), bias = random(rnd, g.filters());
            float[] dOut = random(rnd, outSize);
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                float[][] results = new float[2][];
                for (int rep = 0; rep < 2; rep++) {
                    float[] out = new float[outSize], dW = new float[weight.length], dB = new float[bias.length];
                    VectorDirectConv.forward(g, x, weight, bias, out);
                    VectorDirectConv.backward(g, x, dOut, dW, dB);
                    float[] all = new float[outSize + dW.length + dB.length];
                    System.arraycopy(out, 0, all, 0, outSize);
                    System.arraycopy(dW, 0, all, outSize, dW.length);
                    System.arraycopy(dB, 0, all, outSize + dW.length, dB.length);
                    results[rep] = all;
                }
                Bits.assertSameBits(results[0], results[1], g + " threads " + threads + ", second run against the first");
            }
        }
    }
}
