package org.relunet.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Bit-for-bit comparison of float arrays for the tests that promise the same bits (kernel parity, fusions, thread counts). */
public final class Bits {
    private Bits() {}

    /** Fails unless {@code actual} holds exactly the bits of {@code expected} (so -0 differs from 0, and NaN equals NaN), naming the first element that differs. */
    public static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + " expected " + expected[i] + " but was " + actual[i]);
            }
        }
    }
}
