package org.relunet.optim;

import java.util.List;

import org.relunet.nn.Parameter;

/**
 * Updates parameters from their gradients. State (momentum buffers, moment estimates) lives here,
 * not in the layers, one buffer set per parameter in the order of {@link org.relunet.nn.Model#parameters()}.
 */
public sealed interface Optimizer permits Sgd, Adam {

    /** One update of every parameter from its current gradient. */
    void step(List<Parameter> parameters);

    /** The learning rate used by the next step (schedules change it between steps). */
    double learningRate();

    void setLearningRate(double rate);

    /** Steps taken so far. */
    long steps();

    /** The optimiser state as flat buffers (for checkpoints); the arrays are live, not copies. */
    List<float[]> stateBuffers();

    /** Allocates the state for these parameters (done by the first step; call it before loading a checkpoint). */
    void initState(List<Parameter> parameters);

    /** Restores the step count after the state buffers were filled from a checkpoint. */
    void restoreSteps(long steps);

    /** One line, e.g. {@code sgd(lr=0.05, momentum=0.9)}. */
    String describe();

    static void requireRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be a positive finite number, got " + lr);
    }
}
