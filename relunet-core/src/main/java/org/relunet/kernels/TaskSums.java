package org.relunet.kernels;

import java.util.Arrays;

/**
 * Per-task partial sums of a convolution's weight and bias gradients: each task adds into its own
 * buffers, and the caller adds the task buffers in task order, so the same task split gives the same
 * bits. Buffers grow to a high-water mark and are reused (no allocation in a steady state).
 */
final class TaskSums {
    float[][] weight = new float[0][];   // per task
    float[][] bias = new float[0][];     // per task

    /** At least {@code tasks} buffers of at least the given lengths (contents unspecified). */
    void ensure(int tasks, int weightLength, int biasLength) {
        if (weight.length < tasks) {
            weight = Arrays.copyOf(weight, tasks);
            bias = Arrays.copyOf(bias, tasks);
        }
        for (int t = 0; t < tasks; t++) {
            if (weight[t] == null || weight[t].length < weightLength) weight[t] = new float[weightLength];
            if (bias[t] == null || bias[t].length < biasLength) bias[t] = new float[biasLength];
        }
    }
}
