package org.relunet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker pool: every task runs exactly once, nesting runs inline, failures come back. */
@ExtendWith(RestoresThreads.class)
class ParallelTest {
    @Test
    void everyTaskRunsExactlyOnceForManyCalls() {
        for (int threads : new int[] {1, 2, 4}) {
            Parallel.setThreads(threads);
            for (int round = 0; round < 2000; round++) {
                int tasks = 1 + round % 7;
                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                Parallel.forEach(tasks, runs::incrementAndGet);
                for (int t = 0; t < tasks; t++) assertEquals(1, runs.get(t), "task " + t + " round " + round);
            }
        }
    }

    @Test
    void nestedCallsRunInline() {
        Parallel.setThreads(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(9);
        Parallel.forEach(3, outer -> Parallel.forEach(3, inner -> runs.incrementAndGet(outer * 3 + inner)));
        for (int i = 0; i < 9; i++) assertEquals(1, runs.get(i));
    }

    @Test
    void aFailingTaskIsRethrownAndThePoolStaysUsable() {
        Parallel.setThreads(2);
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> Parallel.forEach(2, t -> { if (t == 1) throw boom; }));
        assertSame(boom, thrown);
        AtomicIntegerArray runs = new AtomicIntegerArray(2);
        Parallel.forEach(2, runs::incrementAndGet);
        assertEquals(1, runs.get(0));
        assertEquals(1, runs.get(1));
    }

    @Test
    void workersBeyondACallsParticipantsLeaveItAlone() throws Exception {
        // With 4 threads the pool has 3 workers; a 2-task call has 2 participants. Workers 2 and 3,
        // still spinning after a 4-task call, see the job too: they must not take a block of tasks
        // past its end (which threw in the worker and killed it).
        Parallel.setThreads(4);
        java.util.List<Throwable> died = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> died.add(e));
        try {
            for (int round = 0; round < 20; round++) {
                AtomicIntegerArray wide = new AtomicIntegerArray(4), narrow = new AtomicIntegerArray(2);
                Parallel.forEach(4, wide::incrementAndGet);             // wakes every worker
                Parallel.forEach(2, t -> {
                    narrow.incrementAndGet(t);
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);   // the job stays visible
                });
                for (int t = 0; t < 2; t++) assertEquals(1, narrow.get(t), "task " + t + " of round " + round);
            }
            Thread.sleep(50);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
        assertEquals(java.util.List.of(), died, "a worker died");
    }

    @Test
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
