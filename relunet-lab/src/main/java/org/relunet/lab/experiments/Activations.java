package org.relunet.lab.experiments;

import java.util.List;

import org.relunet.data.Dataset;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.nn.Presets;

/** The activations the training experiments compare, and how to put one into a network template. */
final class Activations {
    private Activations() {}

    /** Spec tokens of the compared activations, ReLU first. */
    static final List<String> TRAINED = List.of("relu", "tanh", "sigmoid", "leaky_relu", "prelu", "elu", "gelu");

    /** Display names for the tokens. */
    static String label(String key) {
        return switch (key) {
            case "relu" -> "ReLU";
            case "tanh" -> "tanh";
            case "sigmoid" -> "sigmoid";
            case "leaky_relu" -> "Leaky ReLU";
            case "prelu" -> "PReLU";
            case "elu" -> "ELU";
            case "gelu" -> "GELU";
            default -> key;
        };
    }

    /** A template such as {@code "flatten dense(256) ACT dense(10)"} with ACT replaced by the activation's spec token. */
    static String spec(String template, String activation) { return template.replace("ACT", activation); }

    /** A Fashion-MNIST model (1, 28, 28) -> 10 from a template; initialisers are the library's defaults for the activation. */
    static Model model(String template, String activation, long seed) {
        return Model.of(Presets.FASHION_MNIST, LayerSpecParser.parse(spec(template, activation)), seed);
    }

    /** The first {@code perClass} samples of every class, drawn with a fixed seed; all of it when perClass is 0 or too large. */
    static Dataset subset(Dataset d, int perClass, long seed) {
        if (perClass <= 0) return d;
        int smallest = Integer.MAX_VALUE;
        for (int c : d.classCounts()) smallest = Math.min(smallest, c);
        return perClass >= smallest ? d : d.stratifiedSubset(perClass, seed);
    }
}
