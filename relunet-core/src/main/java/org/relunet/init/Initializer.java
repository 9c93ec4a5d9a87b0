package org.relunet.init;

/**
 * Weight initialisers. Each draws fanIn/fanOut-scaled values from an explicit {@link Rng}; biases
 * are always zero. For a Dense layer fanIn = inputs, fanOut = outputs; for a Conv2d
 * fanIn = C*KH*KW, fanOut = OC*KH*KW.
 */
public enum Initializer {
    /** He/Kaiming normal (He et al. 2015): std = sqrt(2 / fanIn). Keeps the second moment of ReLU layers constant with depth; the default for ReLU-family layers. */
    HE_NORMAL("he_normal"),
    /** He uniform: U(-b, b) with b = sqrt(6 / fanIn), the same variance 2 / fanIn. */
    HE_UNIFORM("he_uniform"),
    /** Xavier/Glorot normal (Glorot and Bengio 2010): std = sqrt(2 / (fanIn + fanOut)); the default before sigmoid and tanh. */
    XAVIER_NORMAL("xavier_normal"),
    /** Xavier/Glorot uniform: U(-b, b) with b = sqrt(6 / (fanIn + fanOut)). */
    XAVIER_UNIFORM("xavier_uniform"),
    /** LeCun normal (LeCun et al. 1998): std = sqrt(1 / fanIn); for SELU-like and linear units. */
    LECUN_NORMAL("lecun_normal"),
    /** LeCun uniform: U(-b, b) with b = sqrt(3 / fanIn). */
    LECUN_UNIFORM("lecun_uniform");

    private final String specName;

    Initializer(String specName) { this.specName = specName; }

    /** The lower-case name used in layer specs and model files, e.g. {@code he_normal}. */
    public String specName() { return specName; }

    /** Parses a spec name such as {@code he_normal} or {@code xavier_uniform}. */
    public static Initializer parse(String name) {
        for (Initializer i : values()) if (i.specName.equalsIgnoreCase(name)) return i;
        throw new IllegalArgumentException("unknown initialiser '" + name + "'; use one of "
                + java.util.Arrays.stream(values()).map(Initializer::specName).toList());
    }

    /** The standard deviation this initialiser gives a weight. */
    public double std(int fanIn, int fanOut) {
        return switch (this) {
            case HE_NORMAL, HE_UNIFORM -> Math.sqrt(2.0 / fanIn);
            case XAVIER_NORMAL, XAVIER_UNIFORM -> Math.sqrt(2.0 / (fanIn + fanOut));
            case LECUN_NORMAL, LECUN_UNIFORM -> Math.sqrt(1.0 / fanIn);
        };
    }

    /** Fills weights with draws from rng; a uniform U(-b, b) has std b / sqrt(3). */
    public void fill(float[] weights, int fanIn, int fanOut, Rng rng) {
        double std = std(fanIn, fanOut);
        boolean uniform = this == HE_UNIFORM || this == XAVIER_UNIFORM || this == LECUN_UNIFORM;
        double bound = std * Math.sqrt(3.0);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (uniform ? (2.0 * rng.nextDouble() - 1.0) * bound : std * rng.nextGaussian());
        }
    }
}
