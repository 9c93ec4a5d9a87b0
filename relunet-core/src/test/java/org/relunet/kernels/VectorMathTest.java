package org.relunet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** VectorMath's polynomials against double-precision Math, over sweeps that cross every branch. */
class VectorMathTest {
    @BeforeEach
    void needsVectorApi() {
        assumeTrue(KernelProvider.vectorModulePresent(), "jdk.incubator.vector not loaded");
    }

    /** Worst error over [lo, hi] in units of max(|exact|, floor) * 2^-24 must stay within maxUlps. */
    private static void sweep(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator exact,
                              double lo, double hi, double floor, double maxUlps) {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        int n = 200_000 / s.length() * s.length();
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (lo + (hi - lo) * i / (n - 1));
        for (int i = 0; i < n; i += s.length()) f.apply(FloatVector.fromArray(s, x, i)).intoArray(y, i);
        for (int i = 0; i < n; i++) {
            double e = exact.applyAsDouble(x[i]);
            double ulps = Math.abs(y[i] - e) / (Math.max(Math.abs(e), floor) * 0x1p-24);
            if (!(ulps <= maxUlps)) fail(name + "(" + x[i] + ") = " + y[i] + ", exact " + e + ": " + ulps + " ulp");
        }
    }

    @Test
    void expWithinFourUlps() {
        sweep("exp", VectorMath::exp, Math::exp, -87, 88.72, 0, 4);
    }

    @Test
    void tanhWithinFourUlps() {
        sweep("tanh", VectorMath::tanh, Math::tanh, -12, 12, 1e-30, 4);
        sweep("tanh small", VectorMath::tanh, Math::tanh, -0.7, 0.7, 1e-30, 4);
    }

    @Test
    void log1pWithinFourUlps() {
        sweep("log1p", VectorMath::log1pUnit, Math::log1p, 0, 1, 1e-30, 4);
        sweep("log1p tiny", VectorMath::log1pUnit, Math::log1p, 0, 1e-6, 1e-30, 4);
    }

    @Test
    void expEdges() {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        float[] in = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -200f, 200f, 0f, 89f, -88f};
        float[] x = new float[Math.max(s.length(), in.length)];
        System.arraycopy(in, 0, x, 0, in.length);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += s.length()) VectorMath.exp(FloatVector.fromArray(s, x, i)).intoArray(y, i);
        float[] expected = {Float.NaN, 0f, Float.POSITIVE_INFINITY, 0f, Float.POSITIVE_INFINITY, 1f, Float.POSITIVE_INFINITY, 0f};
        for (int i = 0; i < in.length; i++) assertEquals(expected[i], y[i], "exp(" + in[i] + ")");
    }
}
