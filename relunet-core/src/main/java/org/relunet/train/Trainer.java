package org.relunet.train;

import java.util.ArrayList;
import java.util.List;

import org.relunet.data.Dataset;
import org.relunet.init.Rng;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.nn.Layer;
import org.relunet.nn.Model;
import org.relunet.nn.Parameter;
import org.relunet.optim.Optimizer;
import org.relunet.tensor.Tensor;

/**
 * Mini-batch training of a {@link Model} with softmax cross-entropy. One step:
 * gather a shuffled batch, forward, fused softmax + loss, zero gradients, backward, optimiser step.
 * The same model seed, training seed and thread count give the same bits. Training can be stopped
 * after any epoch and resumed from {@link #state()} with exactly the same result.
 */
public final class Trainer {
    private final Model model;
    private final Optimizer optimizer;
    private final TrainingConfig config;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final Rng shuffleRng;
    private final double baseRate;
    private final List<EpochResult> history = new ArrayList<>();
    private int epochsDone = 0;
    private volatile boolean stopRequested;

    public Trainer(Model model, Optimizer optimizer, TrainingConfig config) {
        this.model = model;
        this.optimizer = optimizer;
        this.config = config;
        this.shuffleRng = new Rng(config.seed());
        this.baseRate = optimizer.learningRate();
    }

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    public Model model() { return model; }

    public Optimizer optimizer() { return optimizer; }

    public TrainingConfig config() { return config; }

    /** Results of the epochs done so far (including epochs restored from a checkpoint). */
    public List<EpochResult> history() { return List.copyOf(history); }

    /** Epochs completed so far. */
    public int epochsDone() { return epochsDone; }

    /** Asks training to stop after the current epoch (for listeners and signal handlers). */
    public void requestStop() { stopRequested = true; }

    /**
     * Where training stands between epochs: what a checkpoint needs besides the parameters and the
     * optimiser buffers.
     */
    public record State(int epochsDone, long shuffleRngState, long optimizerSteps, List<EpochResult> history) {}

    public State state() { return new State(epochsDone, shuffleRng.state(), optimizer.steps(), List.copyOf(history)); }

    /** Restores a state saved by {@link #state()} (parameters and optimiser buffers are restored by the caller). */
    public void restore(State s) {
        if (s.epochsDone() < 0 || s.epochsDone() > config.epochs()) {
            throw new IllegalArgumentException("checkpoint is at epoch " + s.epochsDone() + " but this run has " + config.epochs() + " epochs");
        }
        epochsDone = s.epochsDone();
        shuffleRng.setState(s.shuffleRngState());
        optimizer.restoreSteps(s.optimizerSteps());
        history.clear();
        history.addAll(s.history());
    }

    /**
     * Trains for the remaining epochs of the config; evaluates on {@code test} after each epoch when
     * it is not null. Returns the whole history.
     *
     * @throws NonFiniteException when the loss becomes NaN or infinite
     */
    public List<EpochResult> fit(Dataset train, Dataset test) {
        if (!train.sampleShape().equals(model.inputShape())) {
            throw new IllegalArgumentException(train.name() + " has samples of shape " + train.sampleShape()
                    + " but the model expects " + model.inputShape());
        }
        if (model.outputShape().size() != train.classes()) {
            throw new IllegalArgumentException("model has " + model.outputShape().size() + " outputs but "
                    + train.name() + " has " + train.classes() + " classes; end the spec with dense(" + train.classes() + ")");
        }
        int n = train.size(), batchSize = Math.min(config.batchSize(), n);
        int batches = (n + batchSize - 1) / batchSize;
        int[] order = new int[n];
        Tensor x = Tensor.zeros(batchSize, model.inputShape());
        int[] y = new int[batchSize];
        Tensor lastX = null;
        int[] lastY = null;
        List<Parameter> params = model.parameters();
        for (TrainingListener l : listeners) l.onTrainStart(this, epochsDone, config.epochs(), batches);
        while (epochsDone < config.epochs() && !stopRequested) {
            int epoch = epochsDone;
            for (TrainingListener l : listeners) l.onEpochStart(this, epoch);
            long start = System.nanoTime();
            newOrder(order);
            double lossSum = 0;
            long correct = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * batchSize, count = Math.min(batchSize, n - from);
                Tensor bx = x;
                int[] by = y;
                if (count != batchSize) {   // the last, smaller batch of the epoch
                    if (lastX == null || lastX.batch() != count) {
                        lastX = Tensor.zeros(count, model.inputShape());
                        lastY = new int[count];
                    }
                    bx = lastX;
                    by = lastY;
                }
                train.gather(order, from, count, bx, by);
                optimizer.setLearningRate(baseRate * config.schedule().factor(epoch + (double) b / batches, config.epochs()));
                Tensor logits = model.forward(bx, true);
                SoftmaxCrossEntropy.Result r = loss.forwardBackward(logits, by);
                if (!Double.isFinite(r.loss())) {
                    throw nonFinite(bx, epoch, b, optimizer.steps() + 1, r.loss());
                }
                model.zeroGrad();
                model.backward(r.dLogits());
                optimizer.step(params);
                lossSum += r.loss() * count;
                correct += r.correct();
                for (TrainingListener l : listeners) l.onBatchEnd(this, epoch, b, batches, r.loss(), r.correct(), count);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double testLoss = Double.NaN, testAcc = Double.NaN;
            if (test != null) {
                Evaluation e = Evaluation.of(model, test, Math.max(batchSize, 256));
                testLoss = e.loss();
                testAcc = e.accuracy();
            }
            EpochResult result = new EpochResult(epoch + 1, seconds, lossSum / n, (double) correct / n, testLoss, testAcc, optimizer.learningRate());
            history.add(result);
            epochsDone++;
            for (TrainingListener l : listeners) l.onEpochEnd(this, result);
        }
        for (TrainingListener l : listeners) l.onTrainEnd(this);
        return history();
    }

    /**
     * order = 0 .. n-1, shuffled when the config says so. A method of its own: as a loop inside
     * {@link #fit} its 60000 iterations an epoch made the JIT compile fit on-stack (OSR), inlining
     * the whole training step, a 0.26 s compilation that took one of two cores in W1's epoch 3.
     */
    private void newOrder(int[] order) {
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (config.shuffle()) shuffleRng.shuffle(order);
    }

    /** Finds the first layer whose output (or a parameter) is not finite, for the error message. */
    private NonFiniteException nonFinite(Tensor x, int epoch, int batch, long step, double lossValue) {
        String where = "the loss";
        List<Parameter> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            if (!allFinite(params.get(i).value())) {
                where = "parameter " + model.parameterNames().get(i);
                break;
            }
        }
        if (where.equals("the loss")) {
            if (!allFinite(x.data)) {
                where = "the input batch (the data holds NaN or infinity)";
            } else {
                Tensor t = x;
                List<Layer> layers = model.layers();
                for (int i = 0; i < layers.size(); i++) {
                    t = layers.get(i).forward(t, false);
                    if (!allFinite(t.data)) {
                        where = "the output of layer " + i + " (" + layers.get(i).spec().text() + ")";
                        break;
                    }
                }
            }
        }
        return new NonFiniteException("training diverged at epoch " + (epoch + 1) + ", batch " + batch + " (step " + step
                + "): loss is " + lossValue + ", first non-finite value in " + where
                + "; lower the learning rate (now " + optimizer.learningRate() + ") or check the data", epoch + 1, batch, step);
    }

    private static boolean allFinite(float[] a) {
        for (float v : a) if (!Float.isFinite(v)) return false;
        return true;
    }
}
