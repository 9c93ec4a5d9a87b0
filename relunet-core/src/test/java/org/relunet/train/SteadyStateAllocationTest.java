package org.relunet.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.relunet.kernels.Parallel;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.optim.Sgd;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * A training step (forward, fused softmax + loss, zero gradients, backward, optimiser step, as
 * {@link Trainer} runs it) allocates no buffers once warmed up: workspaces are sized once per
 * batch shape. Counted over every thread, the kernel workers included. The bound is not zero:
 * each parallel kernel call allocates its pool job and its task lambda (about 100-150 bytes; a
 * W2 step makes a dozen such calls), which the JIT cannot remove because they are handed to
 * other threads. One buffer would be kilobytes to megabytes.
 */
class SteadyStateAllocationTest {
    private static final long BOUND_PER_STEP = 4096;
    private int savedThreads;

    @BeforeEach
    void save() { savedThreads = Parallel.threads(); }

    @AfterEach
    void restore() { Parallel.setThreads(savedThreads); }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "flatten dense(64) relu dense(32) relu dense(10)",
        "conv(8,5,pad=2) relu maxpool(2) conv(16,3,pad=1) relu maxpool(2) flatten dense(10)",
    })
    void aWarmTrainingStepAllocatesNoBuffers(String spec) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            Assumptions.abort("per-thread allocation counting is not available");
            return;
        }
        Parallel.setThreads(2);
        Model model = Model.of(Shape.image(1, 16, 16), LayerSpecParser.parse(spec), 1);
        int batch = 16;
        Tensor x = Tensor.zeros(batch, model.inputShape());
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) rnd.nextDouble();
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 10;
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Sgd sgd = new Sgd(0.01, 0.9);
        // Warm up until a window of steps is under the bound: the JIT needs thousands of small
        // steps (longer on a loaded machine) before every kernel path runs compiled code, and
        // code not yet compiled by C2 boxes its vectors. A per-step buffer never gets under.
        long[] ids = null;
        long perStep = Long.MAX_VALUE;
        int steps = 200;
        for (int window = 0; window < 100 && perStep >= BOUND_PER_STEP; window++) {
            if (window % 10 == 0) ids = Thread.getAllStackTraces().keySet().stream().mapToLong(Thread::threadId).toArray();
            long before = allocated(threads, ids);
            for (int i = 0; i < steps; i++) step(model, loss, sgd, x, labels);
            perStep = (allocated(threads, ids) - before) / steps;
        }
        assertTrue(perStep < BOUND_PER_STEP, spec + ": a warm training step allocated " + perStep + " bytes");
    }

    private static void step(Model model, SoftmaxCrossEntropy loss, Sgd sgd, Tensor x, int[] labels) {
        Tensor logits = model.forward(x, true);
        SoftmaxCrossEntropy.Result r = loss.forwardBackward(logits, labels);
        model.zeroGrad();
        model.backward(r.dLogits());
        sgd.step(model.parameters());
    }

    private static long allocated(com.sun.management.ThreadMXBean threads, long[] ids) {
        long sum = 0;
        for (long id : ids) sum += Math.max(0, threads.getThreadAllocatedBytes(id));
        return sum;
    }
}
