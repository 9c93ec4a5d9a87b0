package org.relunet.tensor;

import java.util.Arrays;

/**
 * A dense float32 array with a row-major shape; images are NCHW. The data array is exposed on
 * purpose: kernels work on {@code float[]} with offsets, as in llm.c, and layers reuse tensors as
 * workspaces, so a tensor returned by a layer is only valid until that layer runs again.
 */
public final class Tensor {
    private final int[] shape;
    public final float[] data;

    public Tensor(float[] data, int... shape) {
        this.shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the data array has " + data.length);
        }
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor too large: " + Arrays.toString(shape));
        return new Tensor(new float[(int) n], shape);
    }

    /** A batch of {@code batch} samples of the given per-sample shape. */
    public static Tensor zeros(int batch, Shape sample) { return zeros(sample.withBatch(batch)); }

    public int rank() { return shape.length; }

    public int dim(int i) { return shape[i]; }

    public int[] shape() { return shape.clone(); }

    /** Number of samples: the first dimension. */
    public int batch() { return shape[0]; }

    public int size() { return data.length; }

    /** Elements per sample: the product of all dimensions but the first. */
    public int sampleSize() { return shape[0] == 0 ? 0 : data.length / shape[0]; }

    /** The per-sample shape (all dimensions but the first). */
    public Shape sampleShape() { return Shape.of(Arrays.copyOfRange(shape, 1, shape.length)); }

    /** Same data, another shape with the same number of elements. */
    public Tensor reshape(int... newShape) { return new Tensor(data, newShape); }

    public boolean hasShape(int... s) { return Arrays.equals(shape, s); }

    public Tensor copy() { return new Tensor(data.clone(), shape); }

    public void fill(float v) { Arrays.fill(data, v); }

    @Override public String toString() { return "Tensor" + Arrays.toString(shape); }
}
