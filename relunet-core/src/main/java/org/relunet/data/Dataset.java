package org.relunet.data;

import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * A labelled data set held in memory: inputs (N, ...sample shape), e.g. (N, 1, 28, 28) images
 * scaled to [0, 1], and one class label in [0, classes) per sample.
 *
 * @param name        where it came from, for messages ("fashion-mnist train", "spirals")
 * @param inputs      (N, ...) float32
 * @param labels      (N) class indices
 * @param classes     number of classes
 * @param classNames  a name per class (length == classes)
 */
public record Dataset(String name, Tensor inputs, int[] labels, int classes, String[] classNames) {
    public Dataset {
        if (inputs.batch() != labels.length) {
            throw new IllegalArgumentException(name + ": " + inputs.batch() + " inputs but " + labels.length + " labels");
        }
        if (classes < 1) throw new IllegalArgumentException(name + ": classes must be >= 1, got " + classes);
        if (classNames == null || classNames.length != classes) {
            throw new IllegalArgumentException(name + ": need " + classes + " class names");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " at index " + i
                        + " is outside [0, " + classes + ")");
            }
        }
    }

    /** Number of samples. */
    public int size() { return labels.length; }

    /** Shape of one input sample. */
    public Shape sampleShape() { return inputs.sampleShape(); }
}
