package org.relunet.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.kernels.Parallel;

/**
 * The memory-bound kernels of a W2 step in GB/s (bytes read plus bytes written, counted once):
 * im2col and col2im of conv2 (B=64, C=32, 14x14, 5x5, pad 2), 2x2 max pooling of conv1's output,
 * ReLU forward and backward over conv1's output (64*32*28*28 floats).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    static final int B = 64, C = 32, H = 14, W = 14, K = 5, PAD = 2;
    static final int RELU_N = 64 * 32 * 28 * 28;

    @Param({"1", "2"})
    public int threads;

    @Param({"auto", "scalar"})
    public String kernels;

    private Kernels k;
    private float[] x, col, dx, act, dAct, dIn, pooled;
    private int[] argmax;

    /** Reports GB/s: JMH divides the counter by the measured time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gbytes;

        @Setup(Level.Iteration)
        public void reset() { gbytes = 0; }
    }

    @Setup
    public void setUp() {
        k = KernelProvider.choose(kernels).kernels();
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(2);
        x = new float[B * C * H * W];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextDouble(-1, 1);
        col = new float[C * K * K * B * H * W];
        dx = new float[x.length];
        act = new float[RELU_N];
        for (int i = 0; i < act.length; i++) act[i] = (float) rnd.nextDouble(-1, 1);
        dAct = act.clone();
        dIn = new float[RELU_N];
        pooled = new float[RELU_N / 4];
        argmax = new int[RELU_N / 4];
    }

    @Benchmark
    public float[] im2col(Bytes counter) {
        k.im2col(x, B, C, H, W, K, K, 1, PAD, col);
        counter.gbytes += 4e-9 * (x.length + col.length);
        return col;
    }

    @Benchmark
    public float[] col2im(Bytes counter) {
        k.col2im(col, B, C, H, W, K, K, 1, PAD, dx);
        counter.gbytes += 4e-9 * (col.length + 2.0 * dx.length);
        return dx;
    }

    @Benchmark
    public float[] maxPool2x2(Bytes counter) {
        k.maxPoolForward(act, B * 32, 28, 28, 2, 2, pooled, argmax);
        counter.gbytes += 4e-9 * (act.length + 2.0 * pooled.length);
        return pooled;
    }

    @Benchmark
    public float[] relu(Bytes counter) {
        k.relu(act, dIn, RELU_N);
        counter.gbytes += 4e-9 * 2.0 * RELU_N;
        return dIn;
    }

    @Benchmark
    public float[] reluBackward(Bytes counter) {
        k.reluBackward(act, dAct, dIn, RELU_N);
        counter.gbytes += 4e-9 * 3.0 * RELU_N;
        return dIn;
    }
}
