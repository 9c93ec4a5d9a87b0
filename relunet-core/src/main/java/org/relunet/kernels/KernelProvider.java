package org.relunet.kernels;

/**
 * Chooses the kernel implementation once, at first use, from the system property
 * {@code relunet.kernels} = {@code auto} (default) | {@code scalar} | {@code vector}, and remembers
 * why. {@code auto} takes the Vector API kernels when the {@code jdk.incubator.vector} module is
 * present (run with {@code --add-modules jdk.incubator.vector}) and the hardware has at least
 * 256-bit vectors; otherwise the scalar reference. {@code vector} when the module is absent is an
 * error with the fix. The vector class is only ever loaded by name, so the library runs without it.
 */
public final class KernelProvider {
    private static final String VECTOR_CLASS = "org.relunet.kernels.VectorKernels";

    /** The chosen kernels and a one-line reason, e.g. "vector (auto: 512-bit vectors available)". */
    public record Choice(Kernels kernels, String reason) {}

    private KernelProvider() {}

    private static final class Holder {
        static final Choice CHOICE = choose(System.getProperty("relunet.kernels", "auto"));
    }

    /** The kernels chosen for this process. */
    public static Kernels kernels() { return Holder.CHOICE.kernels(); }

    /** The kernels chosen for this process and why. */
    public static Choice choice() { return Holder.CHOICE; }

    /** Chooses kernels for a setting; public so tools and tests can ask without changing the process's choice. */
    public static Choice choose(String setting) {
        String s = setting == null ? "auto" : setting.trim().toLowerCase(java.util.Locale.ROOT);
        switch (s) {
            case "scalar":
                return new Choice(new ScalarKernels(), "scalar (relunet.kernels=scalar)");
            case "vector": {
                Kernels v = loadVector();
                if (v == null) {
                    throw new IllegalStateException("relunet.kernels=vector but the Vector API is unavailable: "
                            + vectorUnavailableReason() + "; run java with --add-modules jdk.incubator.vector");
                }
                return new Choice(v, v.name() + " (relunet.kernels=vector)");
            }
            case "auto": {
                Kernels v = loadVector();
                if (v != null) return new Choice(v, v.name() + " (auto: Vector API present)");
                return new Choice(new ScalarKernels(), "scalar (auto: " + vectorUnavailableReason() + ")");
            }
            default:
                throw new IllegalArgumentException("relunet.kernels must be auto, scalar or vector, got '" + setting + "'");
        }
    }

    /** True when the incubator module is in the boot layer. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static String vectorUnavailableReason() {
        if (!vectorModulePresent()) return "module jdk.incubator.vector not loaded";
        return "Vector API kernels could not start on this hardware";
    }

    private static Kernels loadVector() {
        if (!vectorModulePresent()) return null;
        try {
            Class<?> c = Class.forName(VECTOR_CLASS);
            Object k = c.getDeclaredConstructor().newInstance();
            Kernels kernels = (Kernels) k;
            return kernels;
        } catch (ReflectiveOperationException | LinkageError | ClassCastException | UnsupportedOperationException e) {
            return null;
        }
    }
}
