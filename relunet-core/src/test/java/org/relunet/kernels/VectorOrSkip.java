package org.relunet.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Vector API kernels for a parity test, or the test is skipped when the module or the hardware lacks them. */
final class VectorOrSkip {
    private VectorOrSkip() {}

    static Kernels kernels() {
        assumeTrue(KernelProvider.vectorModulePresent(), "jdk.incubator.vector not loaded");
        Kernels v;
        try {
            v = KernelProvider.choose("vector").kernels();
        } catch (IllegalStateException e) {
            v = null;
        }
        assumeTrue(v != null, "Vector API kernels unavailable on this hardware");
        return v;
    }
}
