package org.relunet.train;

/**
 * Training produced NaN or infinity. Says at which step, and which layer first produced a
 * non-finite value (found by re-running the batch layer by layer), so the user can lower the
 * learning rate or fix the data; the parameters of the last completed epoch are still the ones in
 * the last checkpoint.
 */
public final class NonFiniteException extends RuntimeException {
    private final int epoch, batch;
    private final long step;

    public NonFiniteException(String message, int epoch, int batch, long step) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
        this.step = step;
    }

    /** 1-based epoch in which it happened. */
    public int epoch() { return epoch; }

    /** 0-based batch within the epoch. */
    public int batch() { return batch; }

    /** 1-based global optimiser step. */
    public long step() { return step; }
}
