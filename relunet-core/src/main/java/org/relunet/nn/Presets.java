package org.relunet.nn;

import java.util.List;

import org.relunet.tensor.Shape;

/**
 * The reference networks of WORKLOADS.md, for 28x28 grey images and 10 classes.
 * <ul>
 *   <li>{@code mlp} (W1): 784 -> 256 -> ReLU -> 256 -> ReLU -> 10.</li>
 *   <li>{@code cnn} (W2), the seed's forward pass input -> conv -> ReLU -> pool -> conv -> ReLU -> pool -> FC -> softmax:
 *       conv 5x5 1->32 pad 2, ReLU, maxpool 2, conv 5x5 32->64 pad 2, ReLU, maxpool 2, flatten (3136), FC 3136->10.</li>
 * </ul>
 * Both use He-normal weights and zero biases; softmax is fused into the training loss.
 */
public final class Presets {
    public static final Shape FASHION_MNIST = Shape.image(1, 28, 28);
    public static final String MLP = "flatten dense(256) relu dense(256) relu dense(10)";
    public static final String CNN = "conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(10)";

    private Presets() {}

    /** Names accepted by {@link #spec(String)}. */
    public static List<String> names() { return List.of("mlp", "cnn"); }

    /** The spec text of a preset, or an error listing the presets. */
    public static String spec(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "mlp", "w1" -> MLP;
            case "cnn", "w2" -> CNN;
            default -> throw new IllegalArgumentException("unknown preset '" + name + "'; use one of " + names());
        };
    }

    /** The W1 MLP for (1, 28, 28) input. */
    public static Model mlp(long seed) { return Model.of(FASHION_MNIST, LayerSpecParser.parse(MLP), seed); }

    /** The W2 CNN, the seed's forward pass, for (1, 28, 28) input. */
    public static Model cnn(long seed) { return Model.of(FASHION_MNIST, LayerSpecParser.parse(CNN), seed); }
}
