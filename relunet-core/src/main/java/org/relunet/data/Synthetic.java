package org.relunet.data;

import java.util.SplittableRandom;
import org.relunet.tensor.Tensor;

/**
 * Small two-dimensional classification sets for seeing what a network does: inputs (N, 2) float32
 * points in roughly [-1.5, 1.5]^2, one class label each. Classes are balanced and interleaved
 * (sample {@code i} has label {@code i % classes}), so any prefix is balanced too. {@code noise} is
 * the standard deviation of Gaussian noise added to each coordinate (0 gives the exact shape).
 * Every set is a pure function of its arguments: the same seed gives the same bits, a different
 * seed different noise. Draws come from a {@link SplittableRandom} seeded with {@code seed}.
 */
public final class Synthetic {
    private Synthetic() {}

    /**
     * {@code arms} interleaved spiral arms around the origin (the classic problem a linear model
     * cannot solve). Point {@code j} of {@code n} on arm {@code c} sits at radius
     * {@code r = (j + 0.5) / n} and angle {@code 2 pi c / arms + 3 pi r}, so each arm turns 1.5
     * times around from the centre to radius 1.
     */
    public static Dataset spirals(int samples, int arms, double noise, long seed) {
        check(samples, arms, noise);
        SplittableRandom random = new SplittableRandom(seed);
        float[] points = new float[2 * samples]; // (N, 2)
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            int arm = i % arms;
            double r = (i / arms + 0.5) / perClass(samples, arms, arm);
            double angle = 2 * Math.PI * arm / arms + 3 * Math.PI * r;
            put(points, i, r * Math.cos(angle), r * Math.sin(angle), noise, random);
            labels[i] = arm;
        }
        return new Dataset("spirals", new Tensor(points, samples, 2), labels, arms, names("arm", arms));
    }

    /**
     * {@code rings} concentric circles: ring {@code c} has radius {@code (c + 1) / rings}, and each
     * point has a uniformly random angle. Separable by the radius, which a ReLU net must build from
     * pieces of lines.
     */
    public static Dataset circles(int samples, int rings, double noise, long seed) {
        check(samples, rings, noise);
        SplittableRandom random = new SplittableRandom(seed);
        float[] points = new float[2 * samples]; // (N, 2)
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            int ring = i % rings;
            double r = (ring + 1.0) / rings;
            double angle = 2 * Math.PI * random.nextDouble();
            put(points, i, r * Math.cos(angle), r * Math.sin(angle), noise, random);
            labels[i] = ring;
        }
        return new Dataset("circles", new Tensor(points, samples, 2), labels, rings, names("ring", rings));
    }

    /**
     * Exclusive or: four Gaussian blobs of standard deviation {@code noise} centred at
     * {@code (+-0.5, +-0.5)}; class 0 where the centre's coordinates have the same sign (first and
     * third quadrant), class 1 where they differ. Each class splits evenly over its two quadrants.
     */
    public static Dataset xor(int samples, double noise, long seed) {
        check(samples, 2, noise);
        SplittableRandom random = new SplittableRandom(seed);
        float[] points = new float[2 * samples]; // (N, 2)
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            int label = i % 2;
            double x = (i / 2) % 2 == 0 ? 0.5 : -0.5;
            double y = label == 0 ? x : -x;
            put(points, i, x, y, noise, random);
            labels[i] = label;
        }
        return new Dataset("xor", new Tensor(points, samples, 2), labels, 2, new String[] {"same sign", "opposite sign"});
    }

    /**
     * {@code centres} isotropic Gaussian blobs of standard deviation {@code noise}, their centres
     * evenly spaced on the unit circle at angles {@code 2 pi c / centres}. Linearly separable when
     * the noise is small against the centre spacing {@code 2 sin(pi / centres)}.
     */
    public static Dataset blobs(int samples, int centres, double noise, long seed) {
        check(samples, centres, noise);
        SplittableRandom random = new SplittableRandom(seed);
        float[] points = new float[2 * samples]; // (N, 2)
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            int centre = i % centres;
            double angle = 2 * Math.PI * centre / centres;
            put(points, i, Math.cos(angle), Math.sin(angle), noise, random);
            labels[i] = centre;
        }
        return new Dataset("blobs", new Tensor(points, samples, 2), labels, centres, names("blob", centres));
    }

    /** Number of samples of class {@code c} when {@code i % classes} assigns the labels. */
    private static int perClass(int samples, int classes, int c) {
        return samples / classes + (c < samples % classes ? 1 : 0);
    }

    private static void put(float[] points, int i, double x, double y, double noise, SplittableRandom random) {
        // Always draw both values so the stream, and hence every later point, does not depend on noise == 0.
        double dx = random.nextGaussian();
        double dy = random.nextGaussian();
        points[2 * i] = (float) (x + noise * dx);
        points[2 * i + 1] = (float) (y + noise * dy);
    }

    private static void check(int samples, int classes, double noise) {
        if (classes < 2) throw new IllegalArgumentException("need at least 2 classes, got " + classes);
        if (samples < classes) {
            throw new IllegalArgumentException("need at least one sample per class: " + samples + " samples for " + classes + " classes");
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) throw new IllegalArgumentException("noise must be a finite value >= 0, got " + noise);
    }

    private static String[] names(String prefix, int classes) {
        String[] names = new String[classes];
        for (int c = 0; c < classes; c++) names[c] = prefix + " " + c;
        return names;
    }
}
