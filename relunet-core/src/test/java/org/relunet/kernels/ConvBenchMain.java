package org.relunet.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A quick benchmark of the whole-convolution kernels (not a unit test): GFLOP/s of convForward and
 * convBackward on the W2 shapes at a given batch, on 1 and 2 threads. Reports the best and the
 * median of many short calls: on a shared machine the best is the steadier figure. FLOPs count the
 * useful multiply-adds only (2 * OC * C*K*K * OH*OW per image and GEMM), not the padding columns.
 * <pre>
 * java --add-modules jdk.incubator.vector -cp relunet-core/target/classes:relunet-core/target/test-classes \
 *      org.relunet.kernels.ConvBenchMain [batch] [seconds per figure]
 * </pre>
 */
public final class ConvBenchMain {
    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.5;
        Kernels k = KernelProvider.kernels();
        System.out.println("kernels: " + KernelProvider.choice().reason() + ", batch " + batch);
        ConvShape[] shapes = {new ConvShape(batch, 1, 28, 28, 32, 5, 1, 2), new ConvShape(batch, 32, 14, 14, 64, 5, 1, 2)};
        System.out.printf(Locale.ROOT, "%-34s %8s %18s %18s%n", "", "", "1 thread best/med", "2 threads best/med");
        for (ConvShape g : shapes) {
            SplittableRandom rnd = new SplittableRandom(1);
            float[] x = random(rnd, g.batch() * g.channels() * g.inputPlane());
            float[] w = random(rnd, g.filters() * g.patch()), bias = random(rnd, g.filters());
            float[] out = new float[g.batch() * g.filters() * g.outputPlane()], dOut = random(rnd, out.length);
            float[] dW = new float[w.length], dB = new float[bias.length], dx = new float[x.length];
            double flops = 2.0 * g.batch() * g.filters() * g.patch() * g.outputPlane();
            String name = "C=" + g.channels() + " OC=" + g.filters() + " " + g.height() + "x" + g.width() + " K=" + g.kernel();
            report(name + " forward", flops, seconds, () -> k.convForward(g, x, w, bias, out));
            report(name + " backward dW,db", 1 * flops, seconds, () -> k.convBackward(g, x, dOut, w, dW, dB, null));
            report(name + " backward dW,db,dx", 2 * flops, seconds, () -> k.convBackward(g, x, dOut, w, dW, dB, dx));
        }
    }

    private static void report(String name, double flops, double seconds, Runnable call) {
        double[] r1 = measure(call, 1, flops, seconds), r2 = measure(call, 2, flops, seconds);
        System.out.printf(Locale.ROOT, "%-34s %8.1fM %8.1f %8.1f  %8.1f %8.1f GFLOP/s%n", name, flops / 1e6, r1[0], r1[1], r2[0], r2[1]);
    }

    /** {best, median} GFLOP/s. */
    private static double[] measure(Runnable call, int threads, double flops, double seconds) {
        Parallel.setThreads(threads);
        long end = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < end) call.run();
        double[] times = new double[20000];
        int n = 0;
        end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end && n < times.length) {
            long t0 = System.nanoTime();
            call.run();
            times[n++] = (System.nanoTime() - t0) * 1e-9;
        }
        double[] t = Arrays.copyOf(times, n);
        Arrays.sort(t);
        return new double[] {flops / t[0] / 1e9, flops / t[n / 2] / 1e9};
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (2 * rnd.nextDouble() - 1);
        return x;
    }
}
