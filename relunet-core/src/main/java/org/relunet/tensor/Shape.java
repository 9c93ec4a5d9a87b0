package org.relunet.tensor;

import java.util.Arrays;

/**
 * The shape of one sample, without the batch dimension: {@code (F)} for a feature vector,
 * {@code (C, H, W)} for an image. A batch of such samples is a {@link Tensor} of shape
 * {@code (N, ...dims)}.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        if (dims.length == 0) throw new IllegalArgumentException("a shape needs at least one dimension");
        for (int d : dims) {
            if (d <= 0) throw new IllegalArgumentException("shape dimensions must be positive, got " + Arrays.toString(dims));
        }
        this.dims = dims;
    }

    public static Shape of(int... dims) { return new Shape(dims.clone()); }

    /** A feature vector of {@code features} elements. */
    public static Shape vector(int features) { return new Shape(new int[] {features}); }

    /** An image of {@code channels} planes of {@code height x width}. */
    public static Shape image(int channels, int height, int width) { return new Shape(new int[] {channels, height, width}); }

    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i]; }

    public int[] dims() { return dims.clone(); }

    /** Number of elements of one sample. */
    public int size() {
        int n = 1;
        for (int d : dims) n = Math.multiplyExact(n, d);
        return n;
    }

    public boolean isImage() { return dims.length == 3; }

    public boolean isVector() { return dims.length == 1; }

    /** The batch shape {@code (batch, ...dims)}. */
    public int[] withBatch(int batch) {
        int[] s = new int[dims.length + 1];
        s[0] = batch;
        System.arraycopy(dims, 0, s, 1, dims.length);
        return s;
    }

    @Override public boolean equals(Object o) { return o instanceof Shape s && Arrays.equals(dims, s.dims); }

    @Override public int hashCode() { return Arrays.hashCode(dims); }

    /** {@code (1, 28, 28)} or {@code (784)}. */
    @Override public String toString() {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) b.append(", ");
            b.append(dims[i]);
        }
        return b.append(')').toString();
    }
}
