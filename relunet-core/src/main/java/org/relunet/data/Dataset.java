package org.relunet.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.relunet.kernels.Parallel;
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

    /** Samples per class: {@code counts[c]} is the number of labels equal to {@code c}. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : labels) counts[label]++;
        return counts;
    }

    /**
     * Copies the samples at {@code indices}, in that order, into a batch the trainer already owns:
     * sample {@code indices[from + i]} goes to row {@code i} of {@code dst} and its label to
     * {@code dstLabels[i]}, for {@code i < count}. Allocates nothing, so a training loop can call it
     * every step with shuffled indices. {@code dst} may have more rows than {@code count} (the last,
     * short batch of an epoch) and any shape with the same number of elements per sample, so
     * (N, 1, 28, 28) images can be gathered straight into a flat (B, 784) batch.
     *
     * @param indices   sample indices into this data set, e.g. a shuffled permutation of [0, N)
     * @param from      first position in {@code indices} to take
     * @param count     number of samples to copy
     * @param dst       (B, ...) with B >= count and the same elements per sample as {@link #inputs}
     * @param dstLabels length >= count
     */
    public void gather(int[] indices, int from, int count, Tensor dst, int[] dstLabels) {
        Objects.checkFromIndexSize(from, count, indices.length);
        int sampleSize = inputs.sampleSize();
        if (dst.rank() < 1 || count > dst.batch() || (count > 0 && dst.sampleSize() != sampleSize)) {
            throw new IllegalArgumentException(name + ": cannot gather " + count + " samples of " + sampleSize
                    + " elements into " + dst);
        }
        if (count > dstLabels.length) {
            throw new IllegalArgumentException(name + ": cannot gather " + count + " labels into an array of " + dstLabels.length);
        }
        int n = labels.length;
        for (int i = 0; i < count; i++) {
            int sample = indices[from + i];
            if (sample < 0 || sample >= n) {
                throw new IndexOutOfBoundsException(name + ": sample index " + sample + " at position " + (from + i)
                        + " is outside [0, " + n + ")");
            }
            dstLabels[i] = labels[sample];
        }
        // Random rows of a large set miss every cache: with both cores copying, twice the misses are in flight.
        int threads = (long) count * sampleSize < PARALLEL_GATHER ? 1 : Parallel.threads();
        if (threads == 1) {
            copyRows(indices, from, count, dst.data, 0, sampleSize);
            return;
        }
        Parallel.forEach(threads, t -> copyRows(indices, from + (int) ((long) count * t / threads),
                (int) ((long) count * (t + 1) / threads) - (int) ((long) count * t / threads), dst.data,
                (int) ((long) count * t / threads), sampleSize));
    }

    /** Below this many floats a gather runs on the calling thread. */
    private static final int PARALLEL_GATHER = 1 << 16;

    private void copyRows(int[] indices, int from, int count, float[] out, int firstRow, int sampleSize) {
        for (int i = 0; i < count; i++) {
            System.arraycopy(inputs.data, indices[from + i] * sampleSize, out, (firstRow + i) * sampleSize, sampleSize);
        }
    }

    /** A new data set of copies of the samples at {@code indices}, in that order. */
    public Dataset select(int[] indices, String newName) {
        int[] shape = inputs.shape();
        shape[0] = indices.length;
        Tensor selected = Tensor.zeros(shape);
        int[] selectedLabels = new int[indices.length];
        gather(indices, 0, indices.length, selected, selectedLabels);
        return new Dataset(newName, selected, selectedLabels, classes, classNames);
    }

    /** The first {@code n} samples, copied; as balanced as the data set's own order. */
    public Dataset head(int n) {
        if (n < 0 || n > size()) throw new IllegalArgumentException(name + ": cannot take the first " + n + " of " + size() + " samples");
        int[] indices = new int[n];
        Arrays.setAll(indices, i -> i);
        return select(indices, name + " (first " + n + ")");
    }

    /**
     * Exactly {@code perClass} samples of every class, drawn without replacement: each class's
     * indices are shuffled with a {@link SplittableRandom} seeded by {@code seed} (classes in order
     * 0, 1, ...) and the first {@code perClass} taken. The chosen samples keep their original
     * relative order. Deterministic for a seed.
     *
     * @throws IllegalArgumentException if a class has fewer than {@code perClass} samples
     */
    public Dataset stratifiedSubset(int perClass, long seed) {
        if (perClass < 1) throw new IllegalArgumentException(name + ": perClass must be >= 1, got " + perClass);
        int[][] byClass = indicesByClass();
        for (int c = 0; c < classes; c++) {
            if (byClass[c].length < perClass) {
                throw new IllegalArgumentException(name + ": class " + c + " (" + classNames[c] + ") has "
                        + byClass[c].length + " samples, fewer than the " + perClass + " per class asked for");
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] chosen = new int[perClass * classes];
        for (int c = 0; c < classes; c++) {
            shuffleFirst(byClass[c], perClass, random);
            System.arraycopy(byClass[c], 0, chosen, c * perClass, perClass);
        }
        Arrays.sort(chosen);
        return select(chosen, name + " (" + perClass + " per class)");
    }

    /** A training part and a held-out validation part of one data set; they share no sample. */
    public record Split(Dataset train, Dataset validation) {}

    /**
     * A stratified train/validation split: the validation part takes {@code round(fraction * N)}
     * samples with every class in the same proportion as in the whole (per-class counts
     * {@code fraction * n_c} rounded by largest remainder so they add up exactly). Within a class the
     * samples are chosen by a shuffle seeded by {@code seed}; both parts keep the original relative
     * order, so shuffling each epoch stays the trainer's job. Deterministic for a seed.
     *
     * @param validationFraction in (0, 1); both parts must end up non-empty
     */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(name + ": validation fraction must be in (0, 1), got " + validationFraction);
        }
        int[][] byClass = indicesByClass();
        int[] validationPerClass = apportion(byClass, validationFraction);
        int validationSize = Arrays.stream(validationPerClass).sum();
        if (validationSize == 0 || validationSize == size()) {
            throw new IllegalArgumentException(name + ": a validation fraction of " + validationFraction + " of "
                    + size() + " samples leaves one part empty");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] validation = new int[validationSize];
        int[] train = new int[size() - validationSize];
        int v = 0;
        int t = 0;
        for (int c = 0; c < classes; c++) {
            int[] members = byClass[c];
            shuffleFirst(members, validationPerClass[c], random);
            for (int i = 0; i < members.length; i++) {
                if (i < validationPerClass[c]) validation[v++] = members[i];
                else train[t++] = members[i];
            }
        }
        Arrays.sort(validation);
        Arrays.sort(train);
        return new Split(select(train, name + " (training part)"), select(validation, name + " (validation part)"));
    }

    /** {@code result[c]} lists the indices of class {@code c} in ascending order. */
    private int[][] indicesByClass() {
        int[] counts = classCounts();
        int[][] byClass = new int[classes][];
        for (int c = 0; c < classes; c++) byClass[c] = new int[counts[c]];
        int[] filled = new int[classes];
        for (int i = 0; i < labels.length; i++) byClass[labels[i]][filled[labels[i]]++] = i;
        return byClass;
    }

    /**
     * Splits {@code round(fraction * N)} over the classes in proportion to their sizes by the
     * largest-remainder method: every class gets {@code floor(fraction * n_c)}, and the seats left
     * over go to the largest fractional parts (ties to the lower class index).
     */
    private static int[] apportion(int[][] byClass, double fraction) {
        int classes = byClass.length;
        int total = 0;
        for (int[] members : byClass) total += members.length;
        int target = (int) Math.round(fraction * total);
        int[] share = new int[classes];
        double[] remainder = new double[classes];
        int given = 0;
        for (int c = 0; c < classes; c++) {
            double exact = fraction * byClass[c].length;
            share[c] = (int) Math.floor(exact);
            remainder[c] = exact - share[c];
            given += share[c];
        }
        for (; given < target; given++) {
            int best = -1;
            for (int c = 0; c < classes; c++) {
                if (share[c] < byClass[c].length && (best < 0 || remainder[c] > remainder[best])) best = c;
            }
            share[best]++;
            remainder[best] = -1;
        }
        return share;
    }

    /** Partial Fisher-Yates: afterwards {@code a[0..k)} is a uniform random k-subset of {@code a}, in random order. */
    private static void shuffleFirst(int[] a, int k, SplittableRandom random) {
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(a.length - i);
            int swap = a[i];
            a[i] = a[j];
            a[j] = swap;
        }
    }
}
