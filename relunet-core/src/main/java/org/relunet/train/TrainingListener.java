package org.relunet.train;

/**
 * Hooks into training, for progress bars, metrics files, checkpoints and monitors. Every method
 * has an empty default; a listener implements only what it needs. Listeners run on the training
 * thread, in the order they were added.
 */
public interface TrainingListener {

    /** Before the first epoch (or the first resumed epoch). */
    default void onTrainStart(Trainer trainer, int firstEpoch, int epochs, int batchesPerEpoch) {}

    /** At the start of an epoch (0-based). */
    default void onEpochStart(Trainer trainer, int epoch) {}

    /**
     * After the optimiser step of a batch.
     *
     * @param epoch   0-based epoch
     * @param batch   0-based batch within the epoch
     * @param batches batches per epoch
     * @param loss    mean loss of this batch
     * @param correct correct predictions in this batch
     * @param count   samples in this batch
     */
    default void onBatchEnd(Trainer trainer, int epoch, int batch, int batches, double loss, int correct, int count) {}

    /** After an epoch and its evaluation. */
    default void onEpochEnd(Trainer trainer, EpochResult result) {}

    /** After the last epoch, or after training stopped early. */
    default void onTrainEnd(Trainer trainer) {}
}
