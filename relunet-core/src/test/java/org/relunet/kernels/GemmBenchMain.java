package org.relunet.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A quick GEMM benchmark (not a unit test): GFLOP/s of the chosen kernels on 1024^3 and the layer
 * shapes of workloads W1 (MLP, batch 128) and W2 (CNN, batch 64), for 1 and 2 threads, with the
 * scalar reference for scale. Warms up first (the JIT needs several calls to settle), then reports
 * the median of timed calls. The JMH benchmarks in relunet-bench are the careful version.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp relunet-core/target/classes:relunet-core/target/test-classes \
 *      org.relunet.kernels.GemmBenchMain [filter] [--no-scalar]
 * </pre>
 */
public final class GemmBenchMain {
    /** A named GEMM as a layer calls it: C(M,N) = op(A) op(B). */
    record Shape(String name, boolean transA, boolean transB, int m, int n, int k) {
        double flops() { return 2.0 * m * n * k; }
    }

    static final Shape[] SHAPES = {
        new Shape("sgemm 1024^3 NN", false, false, 1024, 1024, 1024),
        new Shape("W1 fc1 fwd X*W^T", false, true, 128, 256, 784),
        new Shape("W1 fc2 fwd X*W^T", false, true, 128, 256, 256),
        new Shape("W1 fc3 fwd X*W^T", false, true, 128, 10, 256),
        new Shape("W1 fc1 dW dOut^T*X", true, false, 256, 784, 128),
        new Shape("W1 fc2 dW dOut^T*X", true, false, 256, 256, 128),
        new Shape("W1 fc3 dW dOut^T*X", true, false, 10, 256, 128),
        new Shape("W1 fc2 dX dOut*W", false, false, 128, 256, 256),
        new Shape("W1 fc3 dX dOut*W", false, false, 128, 256, 10),
        new Shape("W2 conv1 fwd W*col", false, false, 32, 50176, 25),
        new Shape("W2 conv1 dW dOut*col^T", false, true, 32, 25, 50176),
        new Shape("W2 conv2 fwd W*col", false, false, 64, 12544, 800),
        new Shape("W2 conv2 dW dOut*col^T", false, true, 64, 800, 12544),
        new Shape("W2 conv2 dCol W^T*dOut", true, false, 800, 12544, 64),
        new Shape("W2 fc fwd X*W^T", false, true, 64, 10, 3136),
        new Shape("W2 fc dW dOut^T*X", true, false, 10, 3136, 64),
        new Shape("W2 fc dX dOut*W", false, false, 64, 3136, 10),
    };

    public static void main(String[] args) {
        String filter = args.length > 0 && !args[0].startsWith("--") ? args[0] : "";
        boolean withScalar = !Arrays.asList(args).contains("--no-scalar");
        Kernels kernels = KernelProvider.kernels();
        System.out.println("kernels: " + KernelProvider.choice().reason());
        System.out.printf(Locale.ROOT, "%-26s %16s %9s %9s %9s%n", "shape", "MxNxK", "1 thread", "2 threads", "scalar");
        for (Shape s : SHAPES) {
            if (!s.name().contains(filter)) continue;
            double g1 = measure(kernels, s, 1, 1.5);
            double g2 = measure(kernels, s, 2, 1.5);
            double gs = withScalar ? measure(new ScalarKernels(), s, 1, 0.3) : Double.NaN;
            System.out.printf(Locale.ROOT, "%-26s %16s %9.1f %9.1f %9.2f%n", s.name(),
                    s.m() + "x" + s.n() + "x" + s.k(), g1, g2, gs);
        }
    }

    /** Median GFLOP/s over timed calls after warming up for about a third of the budget. */
    static double measure(Kernels kernels, Shape s, int threads, double seconds) {
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] a = new float[s.m() * s.k()], b = new float[s.k() * s.n()], c = new float[s.m() * s.n()];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
        int lda = s.transA() ? s.m() : s.k(), ldb = s.transB() ? s.k() : s.n();
        Runnable call = () -> kernels.gemm(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f,
                a, 0, lda, b, 0, ldb, 0f, c, 0, s.n());
        long warmEnd = System.nanoTime() + (long) (seconds / 3 * 1e9);
        do call.run(); while (System.nanoTime() < warmEnd);
        double[] times = new double[4096];
        int count = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            long t0 = System.nanoTime();
            call.run();
            times[count++] = (System.nanoTime() - t0) * 1e-9;
        } while (System.nanoTime() < end && count < times.length);
        Arrays.sort(times, 0, count);
        return s.flops() / times[count / 2] * 1e-9;
    }
}
