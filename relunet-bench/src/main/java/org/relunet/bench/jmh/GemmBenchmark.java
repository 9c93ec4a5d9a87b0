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
 * sgemm GFLOP/s on 1024^3 and on the layer shapes of W1 (MLP, batch 128) and W2 (CNN, batch 64),
 * each as its layer calls it (transposes included). The {@code gflops} counter is the figure to
 * read; {@code kernels=scalar} gives the reference for scale (slow on the big shapes).
 *
 * <pre>
 * ./mvnw -q -B install -DskipTests
 * ./mvnw -q -B -pl relunet-bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java --add-modules jdk.incubator.vector -cp "relunet-bench/target/classes:$(cat relunet-bench/target/classpath.txt)" \
 *      org.openjdk.jmh.Main GemmBenchmark -p threads=1,2      (ConvBenchmark likewise)
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** name:transA:transB:M:N:K. */
    @Param({
        "sgemm1024:N:N:1024:1024:1024",
        "W1.fc1.fwd:N:T:128:256:784", "W1.fc1.dW:T:N:256:784:128", "W1.fc1.dX:N:N:128:784:256",
        "W1.fc2.fwd:N:T:128:256:256", "W1.fc3.fwd:N:T:128:10:256",
        "W2.conv1.fwd:N:N:32:50176:25", "W2.conv1.dW:N:T:32:25:50176",
        "W2.conv2.fwd:N:N:64:12544:800", "W2.conv2.dW:N:T:64:800:12544", "W2.conv2.dCol:T:N:800:12544:64",
        "W2.fc.fwd:N:T:64:10:3136", "W2.fc.dW:T:N:10:3136:64", "W2.fc.dX:N:N:64:3136:10",
    })
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"auto"})
    public String kernels;

    private Kernels k;
    private boolean transA, transB;
    private int m, n, kk, lda, ldb;
    private float[] a, b, c;
    double flops;

    /** Reports GFLOP/s: JMH divides the counter by the measured time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflops;

        @Setup(Level.Iteration)
        public void reset() { gflops = 0; }
    }

    @Setup
    public void setUp() {
        String[] f = shape.split(":");
        transA = f[1].equals("T");
        transB = f[2].equals("T");
        m = Integer.parseInt(f[3]);
        n = Integer.parseInt(f[4]);
        kk = Integer.parseInt(f[5]);
        lda = transA ? m : kk;
        ldb = transB ? kk : n;
        k = KernelProvider.choose(kernels).kernels();
        Parallel.setThreads(threads);
        SplittableRandom rnd = new SplittableRandom(1);
        a = new float[m * kk];
        b = new float[kk * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextDouble(-1, 1);
        flops = 2.0 * m * n * kk;
    }

    @Benchmark
    public float[] gemm(Flops counter) {
        k.gemm(transA, transB, m, n, kk, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        counter.gflops += flops * 1e-9;
        return c;
    }
}
