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
    void rejectsZeroThreads() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
