package org.relunet.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a cache line takes to go from one thread to another and back: two threads pass a counter
 * back and forth (no pause in the spin, so the figure is the hardware's, not the pause's). On a
 * machine where the two threads run on cores that share a cache this is ~50 ns; on the 2-vCPU VM of
 * the reference runs it moves between ~50 and ~330 ns for periods of seconds, as the host places
 * the vCPUs, and the fine-grained two-thread workloads (W1, batch-1 latency) run up to 2x slower in
 * the slow periods. The bench measures it before and after its runs so a reader can tell.
 */
final class CoreLink {
    private CoreLink() {}

    /** Round trips above this many nanoseconds mark the reference VM's slow periods (fast ones read 50-80). */
    static final double SLOW_NANOS = 150;

    /** Median round trip in nanoseconds over {@code samples} bursts of 20,000 round trips; NaN on one processor. */
    static double roundTripNanos(int samples) {
        if (Runtime.getRuntime().availableProcessors() < 2) return Double.NaN;
        AtomicLong ball = new AtomicLong();
        Thread partner = new Thread(() -> {
            long v;
            while (true) {
                for (int spins = 1; ((v = ball.get()) & 1) == 0; spins++) {
                    if ((spins & 4095) == 0) Thread.yield();   // only when descheduled: a trip takes < 1000 spins
                }
                if (v < 0) return;                          // told to stop
                ball.set(v + 1);
            }
        }, "relunet-bench-corelink");
        partner.setDaemon(true);
        partner.start();
        double[] nanos = new double[samples];
        try {
            for (int s = 0; s < samples; s++) {
                int trips = 20_000;
                long t0 = System.nanoTime();
                for (int i = 0; i < trips; i++) {
                    ball.incrementAndGet();                  // odd: the partner's turn
                    for (int spins = 1; (ball.get() & 1) == 1; spins++) {
                        if ((spins & 4095) == 0) Thread.yield();
                    }
                }
                nanos[s] = (System.nanoTime() - t0) / (double) trips;
            }
        } finally {
            ball.set(-1);                                   // negative: the partner returns
        }
        Arrays.sort(nanos);
        return nanos[samples / 2];
    }
}
