package org.relunet.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.relunet.data.Dataset;
import org.relunet.data.FashionMnist;
import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.kernels.Parallel;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Tensor;
import org.relunet.train.EpochResult;
import org.relunet.train.Evaluation;
import org.relunet.train.Trainer;
import org.relunet.train.TrainingConfig;
import org.relunet.train.TrainingListener;

/**
 * The reference workloads of WORKLOADS.md, timed inside the process after data loading:
 * <pre>
 *   W1 mlp   784-256-ReLU-256-ReLU-10, SGD 0.05 momentum 0.9, batch 128, 5 epochs
 *   W2 cnn   conv5x5(32,pad2)-ReLU-pool2-conv5x5(64,pad2)-ReLU-pool2-FC10, SGD 0.02 momentum 0.9, batch 64, 2 epochs
 *   W3 infer W2's network forward only: batch-256 throughput over the test set, batch-1 latency (median of 1000)
 *   W4 sgemm C = A B, M = N = K = 1024, GFLOP/s on 1 and on 2 threads
 * </pre>
 * Training epochs are timed individually (shuffle, gather, forward, backward, step; evaluation
 * excluded), so the first epoch shows the JIT warming up. Results are returned as a nested map
 * whose keys are those of the {@code bench --json} file ({@code W1.epoch_seconds}, ...).
 */
public final class Workloads {
    private final PrintStream log;
    private final int threads;
    private final long seed;
    private final String tag;

    /**
     * @param log     where progress lines go
     * @param threads kernel threads (the reference runs use 2)
     * @param seed    seed of weights and shuffling
     * @param tagSeed whether the training lines name the seed ("W1 seed 3: ..."), for runs over several seeds
     */
    public Workloads(PrintStream log, int threads, long seed, boolean tagSeed) {
        this.log = log;
        this.threads = threads;
        this.seed = seed;
        this.tag = tagSeed ? " seed " + seed : "";
    }

    /** Runs the named workloads (W1..W4) and returns their figures; W3 uses W2's trained network if W2 ran. */
    public Map<String, Object> run(Set<String> which, FashionMnist data) {
        Parallel.setThreads(threads);
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("java", System.getProperty("java.version"));
        meta.put("kernels", KernelProvider.choice().reason());
        meta.put("threads", threads);
        meta.put("data", data.description());
        out.put("meta", meta);
        Dataset train = null, test = null;
        if (which.contains("W1") || which.contains("W2") || which.contains("W3")) {
            train = data.loadTrain();
            test = data.loadTest();
        }
        if (which.contains("W1")) out.put("W1", train(Presets.mlp(seed), 0.05, 128, 5, train, test, "W1"));
        Model cnn = null;
        if (which.contains("W2")) {
            cnn = Presets.cnn(seed);
            out.put("W2", train(cnn, 0.02, 64, 2, train, test, "W2"));
        }
        if (which.contains("W3")) out.put("W3", infer(cnn != null ? cnn : Presets.cnn(seed), test));
        if (which.contains("W4")) out.put("W4", sgemm());
        return out;
    }

    private Map<String, Object> train(Model model, double lr, int batch, int epochs, Dataset train, Dataset test, String workload) {
        String name = workload + tag;
        log.printf(Locale.ROOT, "%s: %s, %d epochs, batch %d, SGD lr %s momentum 0.9, %d threads%n",
                name, model.specText(), epochs, batch, lr, threads);
        Trainer t = new Trainer(model, new Sgd(lr, 0.9), new TrainingConfig(epochs, batch, seed));
        List<Double> roundTrips = new ArrayList<>();
        t.addListener(new TrainingListener() {
            @Override public void onEpochEnd(Trainer tr, EpochResult r) {
                // after the epoch's clock stopped: was the host in a fast or a slow period? (CoreLink)
                double trip = CoreLink.roundTripNanos(3);
                if (!Double.isNaN(trip)) roundTrips.add(trip);
                log.printf(Locale.ROOT, "%s: epoch %d  %.3f s  train loss %.4f  train acc %.4f%s%n",
                        name, r.epoch(), r.seconds(), r.trainLoss(), r.trainAccuracy(),
                        Double.isNaN(trip) ? "" : String.format(Locale.ROOT, "  (cache line round trip %.0f ns)", trip));
            }
        });
        List<EpochResult> history = t.fit(train, null);
        double acc = Evaluation.of(model, test, 1000).accuracy();
        List<Double> seconds = new ArrayList<>();
        for (EpochResult r : history) seconds.add(r.seconds());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch_seconds", seconds);
        if (seconds.size() > 1) m.put("epoch2_plus_median_seconds", median(seconds.subList(1, seconds.size())));
        m.put("test_accuracy", acc);
        m.put("train_loss_last_epoch", history.get(history.size() - 1).trainLoss());
        if (!roundTrips.isEmpty()) m.put("round_trip_ns_after_epoch", roundTrips);
        log.printf(Locale.ROOT, "%s: test accuracy %.4f%n", name, acc);
        return m;
    }

    private Map<String, Object> infer(Model cnn, Dataset test) {
        log.printf(Locale.ROOT, "W3: forward only, batch 256 over %d test images and batch 1 x 1000%n", test.size());
        int n = test.size(), sample = test.inputs().sampleSize();
        Tensor batch = Tensor.zeros(256, cnn.inputShape());
        Tensor last = Tensor.zeros(n % 256 == 0 ? 256 : n % 256, cnn.inputShape());
        Runnable fullPass = () -> {
            for (int from = 0; from < n; from += 256) {
                int count = Math.min(256, n - from);
                Tensor b = count == 256 ? batch : last;
                System.arraycopy(test.inputs().data, from * sample, b.data, 0, count * sample);
                cnn.infer(b);
            }
        };
        warmUp(fullPass, 2, "batch 256");
        List<Double> rates = new ArrayList<>();
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            fullPass.run();
            rates.add(n / ((System.nanoTime() - t0) / 1e9));
        }
        Tensor one = Tensor.zeros(1, cnn.inputShape());
        int[] next = {0};
        // the batch-1 code paths (split by tile or point) need the JIT too
        warmUp(() -> {
            System.arraycopy(test.inputs().data, (next[0]++ % n) * sample, one.data, 0, sample);
            cnn.infer(one);
        }, 3000, "batch 1");
        double tripBefore = CoreLink.roundTripNanos(3);
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            System.arraycopy(test.inputs().data, (i % n) * sample, one.data, 0, sample);
            long t0 = System.nanoTime();
            cnn.infer(one);
            latencies.add((System.nanoTime() - t0) / 1e6);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b256_images_per_second", median(rates));
        m.put("b256_images_per_second_runs", rates);
        m.put("b1_latency_ms", median(latencies));
        double tripAfter = CoreLink.roundTripNanos(3);
        if (!Double.isNaN(tripBefore)) m.put("b1_round_trip_ns", List.of(tripBefore, tripAfter));
        log.printf(Locale.ROOT, "W3: %.0f images/s at batch 256, %.3f ms median at batch 1%n", median(rates), median(latencies));
        return m;
    }

    /**
     * Calls {@code call} at least {@code minCalls} times, then until the JIT has compiled nothing for
     * half a second (at most 20 s): on a 2-core machine a compiler thread still at work would take
     * one of the two cores during the timing. (The batch-1 runs that came out 2x slower kept doing so
     * with this warm-up: they are the host's slow periods, see CoreLink.)
     */
    private void warmUp(Runnable call, int minCalls, String what) {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean monitored = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        for (int i = 0; i < minCalls; i++) call.run();
        if (!monitored) return;
        long compiled = jit.getTotalCompilationTime(), quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < 500_000_000L && System.nanoTime() - start < 20_000_000_000L) {
            call.run();
            long now = jit.getTotalCompilationTime();
            if (now != compiled) {
                compiled = now;
                quietSince = System.nanoTime();
            }
        }
        log.printf(Locale.ROOT, "W3: %s warm-up %.1f s (until the JIT was quiet for 0.5 s)%n", what, (System.nanoTime() - start) / 1e9);
    }

    private Map<String, Object> sgemm() {
        int size = 1024;
        float[] a = new float[size * size], b = new float[size * size], c = new float[size * size];
        Rng rng = new Rng(seed);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
            b[i] = (float) rng.nextGaussian();
        }
        Kernels k = KernelProvider.kernels();
        Map<String, Object> m = new LinkedHashMap<>();
        for (int t : new int[] {1, 2}) {
            Parallel.setThreads(t);
            for (int i = 0; i < 15; i++) k.gemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
            List<Double> gflops = new ArrayList<>();
            for (int rep = 0; rep < 15; rep++) {
                long t0 = System.nanoTime();
                k.gemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
                gflops.add(2.0 * size * size * size / ((System.nanoTime() - t0) / 1e9) / 1e9);
            }
            m.put("gflops_" + t + "t", median(gflops));
            log.printf(Locale.ROOT, "W4: sgemm 1024^3 on %d thread%s: %.1f GFLOP/s (median of 15)%n", t, t == 1 ? "" : "s", median(gflops));
        }
        Parallel.setThreads(threads);
        return m;
    }

    static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
