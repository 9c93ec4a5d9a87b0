package org.relunet.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FMA peak one Java thread reaches on this machine (not a unit test): 12 independent
 * accumulator chains of vector FMAs, nothing else. The yardstick for GemmBenchMain's figures.
 * <pre>java --add-modules jdk.incubator.vector -cp relunet-core/target/classes:relunet-core/target/test-classes org.relunet.kernels.FmaPeakMain</pre>
 */
public final class FmaPeakMain {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static float run(long iterations, float[] in) {
        FloatVector x = FloatVector.fromArray(S, in, 0), y = FloatVector.fromArray(S, in, 0);
        FloatVector a0 = x, a1 = y, a2 = x, a3 = y, a4 = x, a5 = y, a6 = x, a7 = y, a8 = x, a9 = y, a10 = x, a11 = y;
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
            a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
            a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).lane(0);
    }

    public static void main(String[] args) {
        float[] in = new float[S.length()];
        java.util.Arrays.fill(in, 0.999f);
        for (int r = 0; r < 5; r++) {
            long iterations = 100_000_000L;
            long t0 = System.nanoTime();
            float sink = run(iterations, in);
            double seconds = (System.nanoTime() - t0) * 1e-9;
            System.out.printf("%.1f GFLOP/s on one thread (%d-bit FMA)%s%n",
                    12.0 * 2 * S.length() * iterations / seconds * 1e-9, S.vectorBitSize(), sink == 42f ? " " : "");
        }
    }
}
