package org.relunet.kernels;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The thread count kernels may use, and a persistent pool to run their parallel parts.
 * Kernels split work by a fixed rule that depends only on the sizes and the thread count, so the
 * same thread count always gives the same bits. Default: {@code relunet.threads} system property,
 * else the number of available processors.
 */
public final class Parallel {
    private static volatile int threads = defaultThreads();
    private static ExecutorService pool;

    private Parallel() {}

    private static int defaultThreads() {
        String p = System.getProperty("relunet.threads");
        if (p != null && !p.isBlank()) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) return t;
            } catch (NumberFormatException ignored) {
                // fall through to the processor count
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Threads kernels may use (at least 1). */
    public static int threads() { return threads; }

    /** Sets the thread count kernels may use; results are deterministic for a given count. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        threads = n;
    }

    /**
     * Runs body(0..tasks-1), task 0 on the calling thread and the others on the pool, and waits.
     * Which task does which work is the caller's fixed rule; only the scheduling varies.
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 1) {
            if (tasks == 1) body.accept(0);
            return;
        }
        ExecutorService p = pool();
        Future<?>[] futures = new Future<?>[tasks - 1];
        for (int t = 1; t < tasks; t++) {
            final int task = t;
            futures[t - 1] = p.submit(() -> body.accept(task));
        }
        Throwable failure = null;
        try {
            body.accept(0);
        } catch (Throwable e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (Exception e) {
                if (failure == null) failure = e.getCause() != null ? e.getCause() : e;
            }
        }
        if (failure instanceof RuntimeException r) throw r;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new IllegalStateException(failure);
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "relunet-worker");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }
}
