package org.relunet.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Vector API kernels for a parity test, or the test is skipped when the module or the hardware lacks them. */
final class VectorOrSkip {
    private VectorOrSkip() {}

    static Kernels kernels() {
        Kernels v = orNull();
        assumeTrue(v != null, KernelProvider.vectorModulePresent() ? "Vector API kernels unavailable on this hardware"
                : "jdk.incubator.vector not loaded");
        return v;
    }

    /** Whether the Vector API kernels can run here (for tests that check the reference either way). */
    static boolean available() { return orNull() != null; }

    private static Kernels orNull() {
        if (!KernelProvider.vectorModulePresent()) return null;
        try {
            return KernelProvider.choose("vector").kernels();
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
