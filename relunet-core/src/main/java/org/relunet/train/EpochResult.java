package org.relunet.train;

/**
 * What one epoch did.
 *
 * @param epoch          1-based epoch number
 * @param seconds        wall time of the training part (shuffle, batches, steps), excluding evaluation
 * @param trainLoss      mean loss over the epoch's batches (weighted by batch size)
 * @param trainAccuracy  fraction of training samples classified correctly during the epoch
 * @param testLoss       mean loss on the evaluation set, NaN when there is none
 * @param testAccuracy   accuracy on the evaluation set, NaN when there is none
 * @param learningRate   the rate at the end of the epoch
 */
public record EpochResult(int epoch, double seconds, double trainLoss, double trainAccuracy,
                          double testLoss, double testAccuracy, double learningRate) {}
