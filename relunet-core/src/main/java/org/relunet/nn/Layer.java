package org.relunet.nn;

import java.util.List;

import org.relunet.init.Rng;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * One layer of a sequential network, with an explicit forward and backward pass and no hidden
 * autograd graph (as in llm.c and ConvNetJS).
 *
 * <ul>
 *   <li>{@code forward(x)} computes the output for a batch (N, ...inputShape) and keeps exactly what
 *       backward needs (max-pool keeps its argmax switches, activations keep their input).</li>
 *   <li>{@code backward(dOut)} returns dIn = dLoss/dInput and <em>adds</em> into the parameters'
 *       gradients; zeroing gradients is an explicit step of the trainer.</li>
 *   <li>Returned tensors are workspaces owned by the layer, valid until the layer runs again.</li>
 * </ul>
 * Layers are made from a {@link LayerSpec} with a known input shape by {@link Model}.
 */
public sealed interface Layer permits Dense, Conv2d, MaxPool2d, Flatten, Dropout, Activation, PReLU, Softmax,
        Hadamard, RandomSigns, Diagonal, SwitchedDiagonal, Circulant, Fastfood, SwitchNet {

    /** The spec this layer was made from; its text form appears in summaries and model files. */
    LayerSpec spec();

    /** Shape of one input sample. */
    Shape inputShape();

    /** Shape of one output sample. */
    Shape outputShape();

    /** Learned parameters in a fixed order (empty for parameter-free layers). */
    default List<Parameter> parameters() { return List.of(); }

    /** Draws initial parameter values (or layer randomness, for dropout) from rng. */
    default void initialize(Rng rng) {}

    /** Forward pass for a batch x (N, ...inputShape); {@code training} switches dropout on. */
    Tensor forward(Tensor x, boolean training);

    /** Backward pass: returns dIn (N, ...inputShape) and adds parameter gradients. */
    Tensor backward(Tensor dOut);

    /** Approximate floating-point operations of the forward pass for one sample (multiply-add = 2). */
    long flopsPerSample();
}
