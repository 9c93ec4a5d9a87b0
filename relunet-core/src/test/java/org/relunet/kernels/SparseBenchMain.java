package org.relunet.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A quick benchmark (not a unit test) of the zero-skipping GEMM against the dense GEMM on the W1
 * layer shapes, at several densities of the left operand: milliseconds per call (median after a
 * warm-up), and the transpose of the weights that the sparse forward needs. Used to pick the density
 * below which {@code Dense} takes the sparse path.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp relunet-core/target/classes:relunet-core/target/test-classes \
 *      org.relunet.kernels.SparseBenchMain [threads]
 * </pre>
 */
public final class SparseBenchMain {
    /** C(M,N) = op(A)(M,K) * B(K,N) as Dense calls it; the sparse operand is A. */
    record Shape(String name, boolean transA, int m, int n, int k) {}

    static final Shape[] SHAPES = {
        new Shape("fc1 fwd X*W^T", false, 128, 256, 784),
        new Shape("fc1 dW dOut^T*X", true, 256, 784, 128),
        new Shape("fc2 fwd X*W^T", false, 128, 256, 256),
        new Shape("fc2 dW dOut^T*X", true, 256, 256, 128),
        new Shape("fc2 dX dOut*W", false, 128, 256, 256),
        new Shape("fc3 fwd X*W^T", false, 128, 10, 256),
    };
    static final double[] DENSITIES = {0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0};

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Parallel.setThreads(threads);
        Kernels kernels = KernelProvider.kernels();
        System.out.println("kernels: " + KernelProvider.choice().reason() + ", " + threads + " threads");
        System.out.printf(Locale.ROOT, "%-18s %14s %8s", "shape", "MxNxK", "dense");
        for (double d : DENSITIES) System.out.printf(Locale.ROOT, " %7s", "d=" + d);
        System.out.println("   (ms per call)");
        SplittableRandom rnd = new SplittableRandom(3);
        for (Shape s : SHAPES) {
            float[] a = new float[s.m() * s.k()], b = new float[s.k() * s.n()], c = new float[s.m() * s.n()];
            for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
            fill(a, 1.0, rnd);
            // the dense path as Dense calls it: forward reads W (O, I) transposed
            Runnable dense = s.name().contains("fwd")
                    ? () -> kernels.gemm(false, true, s.m(), s.n(), s.k(), 1f, a, 0, s.k(), b, 0, s.k(), 0f, c, 0, s.n())
                    : () -> kernels.gemm(s.transA(), false, s.m(), s.n(), s.k(), 1f, a, 0, s.transA() ? s.m() : s.k(),
                                         b, 0, s.n(), 0f, c, 0, s.n());
            System.out.printf(Locale.ROOT, "%-18s %14s %8.4f", s.name(), s.m() + "x" + s.n() + "x" + s.k(), time(dense));
            for (double d : DENSITIES) {
                fill(a, d, rnd);
                int lda = s.transA() ? s.m() : s.k();
                System.out.printf(Locale.ROOT, " %7.4f", time(() -> kernels.sparseGemm(s.transA(), s.m(), s.n(), s.k(),
                        a, 0, lda, b, 0, s.n(), 0f, c, 0, s.n())));
            }
            System.out.println();
        }
        float[] w = new float[256 * 784], wt = new float[784 * 256];
        System.out.printf(Locale.ROOT, "transpose 256x784 %8.4f ms, countNonzero 128x784 %8.4f ms%n",
                time(() -> kernels.transpose(w, 256, 784, wt)), time(() -> kernels.countNonzero(wt, 0, 128 * 784)));
    }

    /** Gaussian values with a fraction 1 - density of exact zeros. */
    static void fill(float[] a, double density, SplittableRandom rnd) {
        for (int i = 0; i < a.length; i++) a[i] = rnd.nextDouble() < density ? (float) rnd.nextGaussian() : 0f;
    }

    /** Median milliseconds per call over 0.3 s after 0.2 s of warm-up. */
    static double time(Runnable r) {
        long end = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < end) r.run();
        double[] t = new double[4000];
        int n = 0;
        end = System.nanoTime() + 300_000_000L;
        while (n < t.length && System.nanoTime() < end) {
            long t0 = System.nanoTime();
            r.run();
            t[n++] = (System.nanoTime() - t0) / 1e6;
        }
        double[] s = Arrays.copyOf(t, n);
        Arrays.sort(s);
        return s[n / 2];
    }
}
