package org.relunet.data;

import java.util.Arrays;

/**
 * The contents of an IDX file of unsigned bytes (type 0x08): its dimensions, outermost first, and
 * its values in row-major order, each a byte to be read as {@code values[i] & 0xFF} (0..255).
 * An images file is {@code (N, H, W)}, a labels file {@code (N)}.
 *
 * @param dims   the dimensions from the header, all positive
 * @param values {@code dims[0] * dims[1] * ...} bytes
 */
public record IdxArray(int[] dims, byte[] values) {
    public IdxArray {
        if (dims.length == 0 || dims.length > 255) {
            throw new IllegalArgumentException("an IDX array has 1 to 255 dimensions, got " + dims.length);
        }
        long n = 1;
        for (int d : dims) {
            if (d <= 0) throw new IllegalArgumentException("IDX dimensions must be positive, got " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("IDX array too large for one Java array: " + Arrays.toString(dims));
        }
        if (n != values.length) {
            throw new IllegalArgumentException("dimensions " + Arrays.toString(dims) + " hold " + n
                    + " values but " + values.length + " were given");
        }
        dims = dims.clone();
    }

    /** The value at flat index {@code i} as an unsigned number, 0..255. */
    public int unsigned(int i) { return values[i] & 0xFF; }

    /** The dimensions, outermost first; a copy. */
    @Override public int[] dims() { return dims.clone(); }

    /** Number of items: the outermost dimension (images or labels). */
    public int count() { return dims[0]; }

    @Override public String toString() { return "IdxArray" + Arrays.toString(dims); }
}
