package org.relunet.train;

import org.relunet.optim.Schedule;

/**
 * How to train: epochs, batch size, shuffling seed and learning-rate schedule.
 *
 * @param epochs    passes over the training set (>= 1)
 * @param batchSize samples per step (>= 1); the last, smaller batch of an epoch is kept
 * @param seed      seed of the shuffling generator (the model's initial weights have their own seed)
 * @param shuffle   reshuffle the training set at the start of every epoch
 * @param schedule  the learning-rate schedule
 */
public record TrainingConfig(int epochs, int batchSize, long seed, boolean shuffle, Schedule schedule) {
    public TrainingConfig {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (schedule == null) schedule = new Schedule.Constant();
    }

    public TrainingConfig(int epochs, int batchSize, long seed) { this(epochs, batchSize, seed, true, new Schedule.Constant()); }
}
