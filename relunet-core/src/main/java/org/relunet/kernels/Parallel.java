package org.relunet.kernels;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The thread count kernels may use, and a persistent pool to run their parallel parts.
 * Kernels split work by a fixed rule that depends only on the sizes and the thread count, so the
 * same thread count always gives the same bits. Default: {@code relunet.threads} system property,
 * else the number of available processors.
 *
 * <p>The pool's workers spin for a short while after each job before they park: a training step
 * runs many small GEMMs back to back, and handing one to a spinning worker costs well under a
 * microsecond, against about 25 microseconds for an {@code ExecutorService} round trip (issue 4).
 * A call made while the pool is busy (from inside a task, or from a second caller thread) runs its
 * tasks inline on the calling thread, so nesting cannot deadlock.
 */
public final class Parallel {
    private static volatile int threads = defaultThreads();

    /**
     * How long an idle worker spins (yielding now and then) before parking, in nanoseconds. Long
     * enough to span the serial parts of a training step, so a step never pays for an unpark (a futex
     * wake, and the risk of the kernel waking the worker on the waker's CPU). Raised from 200 us in
     * session 2 against slow two-thread runs; most of those later turned out to be the host's slow
     * periods (see the Job comment), so the gain from this change alone is not measured.
     */
    private static final long SPIN_NANOS = 2_000_000;

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
     * Runs body(0..tasks-1) on the calling thread and up to {@code threads() - 1} pool workers, and
     * waits. Which task does which work is the caller's fixed rule; only the scheduling varies.
     * The first exception thrown by a task is rethrown here after all tasks have ended.
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 1 || threads <= 1) {
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        Pool.INSTANCE.run(tasks, Math.min(tasks, threads) - 1, body);
    }

    /**
     * One forEach call. Participant p of P (the caller is 0, worker w is w) first takes its own
     * block of tasks, [p * tasks / P, (p + 1) * tasks / P), then steals what is left from the end.
     * Owning tasks keeps each thread on the same part of the data call after call, so that part
     * stays in that core's L2; contiguous blocks make the parts agree between calls split into
     * different numbers of tasks (the first half of a weight gradient, computed in 8 tasks, is the
     * half the 2-task SGD step gives the same thread). With first-come hand-out the slices wandered
     * between the cores, and the two-thread SGD step's median was 5x its minimum; on this VM a
     * cache line moves between the two vCPUs in 50 ns in some periods and 330 ns in others, so
     * every slice that changes core costs. Stealing keeps a stalled thread from holding up the call.
     */
    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final int participants;
        final AtomicIntegerArray claimed;
        final AtomicInteger remaining;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(IntConsumer body, int tasks, int participants) {
            this.body = body;
            this.tasks = tasks;
            this.participants = participants;
            this.claimed = new AtomicIntegerArray(tasks);
            this.remaining = new AtomicInteger(tasks);
        }

        void work(int self) {
            int first = (int) ((long) tasks * self / participants), end = (int) ((long) tasks * (self + 1) / participants);
            for (int t = first; t < end; t++) runIfFree(t);
            for (int t = tasks - 1; t >= 0; t--) runIfFree(t);
        }

        private void runIfFree(int t) {
            if (claimed.get(t) != 0 || !claimed.compareAndSet(t, 0, 1)) return;
            try {
                body.accept(t);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                remaining.decrementAndGet();
            }
        }
    }

    private static final class Pool {
        static final Pool INSTANCE = new Pool();

        private final AtomicBoolean busy = new AtomicBoolean();
        private Worker[] workers = new Worker[0];        // guarded by busy
        volatile Job current;

        void run(int tasks, int helpers, IntConsumer body) {
            if (!busy.compareAndSet(false, true)) {     // nested or concurrent call: run inline
                for (int t = 0; t < tasks; t++) body.accept(t);
                return;
            }
            Job job = new Job(body, tasks, helpers + 1);
            try {
                if (workers.length < helpers) grow(helpers);
                current = job;
                for (int w = 0; w < helpers; w++) {
                    Worker worker = workers[w];
                    if (worker.parked) LockSupport.unpark(worker);
                }
                job.work(0);
                for (int spins = 1; job.remaining.get() > 0; spins++) spinOrYield(spins);
            } finally {
                current = null;
                busy.set(false);
            }
            Throwable failure = job.failure.get();
            if (failure instanceof RuntimeException r) throw r;
            if (failure instanceof Error err) throw err;
            if (failure != null) throw new IllegalStateException(failure);
        }

        private void grow(int count) {
            Worker[] grown = java.util.Arrays.copyOf(workers, count);
            for (int w = workers.length; w < count; w++) {
                grown[w] = new Worker(this, w + 1);
                grown[w].start();
            }
            workers = grown;
        }
    }

    /**
     * One step of a busy wait: a pause, and every YIELD_EVERY steps a yield. Linux may wake a worker on
     * the waker's CPU (wake-affine), and two threads spinning on one CPU would starve each other for
     * whole time slices while the other CPU idles; the yield hands the CPU over, and costs about a
     * microsecond when nothing else wants it. (The slow two-thread runs first blamed on this showed
     * the threads on different CPUs; they were the host's slow periods, see the Job comment.)
     */
    static void spinOrYield(int spins) {
        if (spins % YIELD_EVERY == 0) {
            Thread.yield();
        } else {
            Thread.onSpinWait();
        }
    }

    private static final int YIELD_EVERY = 64;

    private static final class Worker extends Thread {
        private final Pool pool;
        private final int index;
        volatile boolean parked;

        Worker(Pool pool, int index) {
            super("relunet-worker-" + index);
            this.pool = pool;
            this.index = index;
            setDaemon(true);
        }

        @Override public void run() {
            Job seen = null;
            long idleSince = System.nanoTime();
            int spins = 0;
            while (true) {
                Job job = pool.current;
                if (job != null && job != seen) {
                    seen = job;
                    // a call with fewer tasks than threads has fewer participants than the pool has
                    // workers: the others leave it alone (their block would start past its last task)
                    if (index < job.participants) job.work(index);
                    idleSince = System.nanoTime();
                    continue;
                }
                if ((++spins & 255) != 0 || System.nanoTime() - idleSince < SPIN_NANOS) {
                    spinOrYield(spins);
                    continue;
                }
                // Dekker-style hand-shake with Pool.run: either it sees parked and unparks us, or we
                // see its new job before parking.
                parked = true;
                Job now = pool.current;
                if (now == null || now == seen) LockSupport.park(this);
                parked = false;
                idleSince = System.nanoTime();
            }
        }
    }
}
