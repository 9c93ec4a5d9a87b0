package org.relunet.lab.measure;

import java.util.ArrayList;
import java.util.List;

import org.relunet.data.Dataset;
import org.relunet.init.Rng;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.nn.Model;
import org.relunet.optim.Optimizer;
import org.relunet.tensor.Tensor;

/**
 * The lab's training loop: the same step as {@link org.relunet.train.Trainer} (shuffled batch,
 * forward, fused softmax + cross-entropy, zero gradients, backward, optimiser step), plus what the
 * experiments measure and the trainer does not offer: a running training error over the last
 * {@code window} samples, the first time it falls to a threshold (interpolated to the sample, in
 * epochs and in training seconds), stopping mid-epoch once the threshold is passed, and hooks at
 * fixed fractions of an epoch. Time spent in hooks is not counted as training time.
 */
public final class TrainLoop {

    /**
     * @param batchSize       samples per step
     * @param maxEpochs       stop after this many epochs (fractional allowed)
     * @param window          samples in the running training error
     * @param checkpointEvery epochs between curve points and hook calls
     * @param threshold       training error to reach (NaN: none)
     * @param overrun         once reached, keep training until epochs >= overrun * crossing (so curves visibly cross); 1 stops at once
     * @param stallEpochs     stop as STALLED when the running error is still >= stallError after this many epochs (NaN: never)
     * @param stallError      see stallEpochs
     * @param shuffleSeed     seed of the epoch shuffles
     */
    public record Config(int batchSize, double maxEpochs, int window, double checkpointEvery, double threshold, double overrun,
                         double stallEpochs, double stallError, long shuffleSeed) {
        public Config {
            if (batchSize < 1 || !(maxEpochs > 0) || window < 1 || !(checkpointEvery > 0) || !(overrun >= 1)) {
                throw new IllegalArgumentException("bad training loop config " + this);
            }
        }

        /** Fixed-length training: no threshold, no stall detection. */
        public static Config epochs(int batchSize, double epochs, double checkpointEvery, long shuffleSeed) {
            return new Config(batchSize, epochs, 1000, checkpointEvery, Double.NaN, 1, Double.NaN, 1, shuffleSeed);
        }
    }

    /** How a run ended. */
    public enum Status { REACHED, NOT_REACHED, DIVERGED, STALLED }

    /** A point of the training curve: running error and loss over the last {@code window} samples. */
    public record Point(double epochs, double seconds, double error, double loss) {}

    /**
     * @param curve              points every {@code checkpointEvery} epochs (and at the end)
     * @param epochsToThreshold  epochs when the running error first reached the threshold (NaN if never)
     * @param secondsToThreshold training seconds at that moment (NaN if never)
     * @param status             how the run ended
     * @param epochs             epochs trained
     * @param seconds            training seconds (hooks excluded)
     */
    public record Result(List<Point> curve, double epochsToThreshold, double secondsToThreshold, Status status, double epochs, double seconds) {
        public double finalError() { return curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1).error(); }
    }

    /** Called every {@code checkpointEvery} epochs (and at epoch 0, before any step). */
    public interface Hook {
        void checkpoint(double epochs, Model model);
    }

    private TrainLoop() {}

    public static Result run(Model model, Optimizer optimizer, Dataset train, Config c) { return run(model, optimizer, train, c, null); }

    public static Result run(Model model, Optimizer optimizer, Dataset train, Config c, Hook hook) {
        int n = train.size(), batch = Math.min(c.batchSize(), n);
        long total = (long) Math.ceil(c.maxEpochs() * n);
        long checkpointSamples = Math.max(1, Math.round(c.checkpointEvery() * n));
        int[] order = new int[n];
        Tensor x = Tensor.zeros(batch, model.inputShape());
        int[] y = new int[batch];
        Tensor lastX = null;
        int[] lastY = null;
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Rng rng = new Rng(c.shuffleSeed());
        // running window of (wrong, count, loss sum) per batch
        java.util.ArrayDeque<double[]> window = new java.util.ArrayDeque<>();
        double wWrong = 0, wCount = 0, wLoss = 0;
        List<Point> curve = new ArrayList<>();
        long seen = 0, nextCheckpoint = checkpointSamples, stopAt = total;
        double trainNanos = 0, crossEpochs = Double.NaN, crossSeconds = Double.NaN;
        double prevError = Double.NaN, prevEpochs = 0, prevSeconds = 0;
        Status status = Status.NOT_REACHED;
        if (hook != null) hook.checkpoint(0, model);
        outer:
        while (seen < stopAt) {
            for (int i = 0; i < n; i++) order[i] = i;
            rng.shuffle(order);
            for (int from = 0; from < n && seen < stopAt; from += batch) {
                int count = Math.min(batch, n - from);
                Tensor bx = x;
                int[] by = y;
                if (count != batch) {
                    if (lastX == null || lastX.batch() != count) {
                        lastX = Tensor.zeros(count, model.inputShape());
                        lastY = new int[count];
                    }
                    bx = lastX;
                    by = lastY;
                }
                long t0 = System.nanoTime();
                train.gather(order, from, count, bx, by);
                Tensor logits = model.forward(bx, true);
                SoftmaxCrossEntropy.Result r = loss.forwardBackward(logits, by);
                if (!Double.isFinite(r.loss())) {
                    trainNanos += System.nanoTime() - t0;
                    status = Status.DIVERGED;
                    curve.add(new Point((double) seen / n, trainNanos / 1e9, Double.NaN, Double.NaN));
                    break outer;
                }
                model.zeroGrad();
                model.backward(r.dLogits());
                optimizer.step(model.parameters());
                trainNanos += System.nanoTime() - t0;
                seen += count;

                window.add(new double[] {count - r.correct(), count, r.loss() * count});
                wWrong += count - r.correct();
                wCount += count;
                wLoss += r.loss() * count;
                while (wCount - window.peek()[1] >= c.window()) {
                    double[] old = window.poll();
                    wWrong -= old[0];
                    wCount -= old[1];
                    wLoss -= old[2];
                }
                double error = wWrong / wCount, epochs = (double) seen / n, seconds = trainNanos / 1e9;
                boolean full = wCount >= Math.min(c.window(), n);
                if (full && Double.isNaN(crossEpochs) && error <= c.threshold()) {
                    // interpolate between the previous step and this one
                    double f = Double.isNaN(prevError) || prevError <= error ? 1 : (prevError - c.threshold()) / (prevError - error);
                    crossEpochs = prevEpochs + f * (epochs - prevEpochs);
                    crossSeconds = prevSeconds + f * (seconds - prevSeconds);
                    status = Status.REACHED;
                    stopAt = Math.min(total, Math.max(seen + 1, (long) Math.ceil(c.overrun() * crossEpochs * n)));
                }
                if (full) prevError = error;
                prevEpochs = epochs;
                prevSeconds = seconds;
                if (seen >= nextCheckpoint || seen >= stopAt) {
                    curve.add(new Point(epochs, seconds, error, wLoss / wCount));
                    while (nextCheckpoint <= seen) nextCheckpoint += checkpointSamples;
                    if (hook != null) hook.checkpoint(epochs, model);
                    if (!Double.isNaN(c.stallEpochs()) && epochs >= c.stallEpochs() && error >= c.stallError() && status != Status.REACHED) {
                        status = Status.STALLED;
                        break outer;
                    }
                }
            }
        }
        return new Result(List.copyOf(curve), crossEpochs, crossSeconds, status, (double) seen / n, trainNanos / 1e9);
    }
}
