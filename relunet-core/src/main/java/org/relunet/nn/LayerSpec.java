package org.relunet.nn;

import org.relunet.init.Initializer;
import org.relunet.nn.activation.ActivationFunction;
import org.relunet.tensor.Shape;

/**
 * What a layer is, without its weights: the configuration records a {@link Model} is built from.
 * Each validates its numbers when constructed and has a text form ({@link #text()}) that
 * {@link LayerSpecParser} reads back, e.g.
 * {@code conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(10)}.
 * Model files store this text as the architecture.
 */
public sealed interface LayerSpec {

    /** The text form, parseable by {@link LayerSpecParser}. */
    String text();

    /**
     * Makes the layer for an input of the given shape.
     *
     * @param defaultInit initialiser for weights when the spec names none (chosen by the model from
     *                    the activation that follows: He for rectifiers, Xavier for sigmoid/tanh)
     * @throws IllegalArgumentException when the input shape does not fit, naming both shapes
     */
    Layer create(Shape input, Initializer defaultInit);

    /**
     * Fully connected layer: y = x W^T + b, W (units, inputs).
     * @param init weight initialiser, or null for the model's default
     */
    record DenseSpec(int units, Initializer init) implements LayerSpec {
        public DenseSpec {
            if (units < 1) throw new IllegalArgumentException("dense units must be >= 1, got " + units);
        }
        public DenseSpec(int units) { this(units, null); }
        @Override public String text() { return "dense(" + units + initText(init) + ")"; }
        @Override public Layer create(Shape input, Initializer defaultInit) {
            if (!input.isVector()) {
                throw new IllegalArgumentException(text() + " needs a vector input but gets " + input
                        + "; put flatten before it");
            }
            return new Dense(this, input.dim(0), init != null ? init : defaultInit);
        }
    }

    /**
     * 2-D convolution with a square kernel, OC filters, stride and zero padding.
     * @param init weight initialiser, or null for the model's default
     */
    record Conv2dSpec(int filters, int kernel, int stride, int pad, Initializer init) implements LayerSpec {
        public Conv2dSpec {
            if (filters < 1) throw new IllegalArgumentException("conv filters must be >= 1, got " + filters);
            if (kernel < 1) throw new IllegalArgumentException("conv kernel must be >= 1, got " + kernel);
            if (stride < 1) throw new IllegalArgumentException("conv stride must be >= 1, got " + stride);
            if (pad < 0) throw new IllegalArgumentException("conv pad must be >= 0, got " + pad);
        }
        public Conv2dSpec(int filters, int kernel, int stride, int pad) { this(filters, kernel, stride, pad, null); }
        @Override public String text() {
            return "conv(" + filters + "," + kernel + (stride != 1 ? ",stride=" + stride : "")
                    + (pad != 0 ? ",pad=" + pad : "") + initText(init) + ")";
        }
        @Override public Layer create(Shape input, Initializer defaultInit) {
            if (!input.isImage()) {
                throw new IllegalArgumentException(text() + " needs an image input (C, H, W) but gets " + input);
            }
            int h = input.dim(1) + 2 * pad - kernel, w = input.dim(2) + 2 * pad - kernel;
            if (h < 0 || w < 0) {
                throw new IllegalArgumentException(text() + ": kernel " + kernel + " with pad " + pad
                        + " does not fit input " + input);
            }
            return new Conv2d(this, input, init != null ? init : defaultInit);
        }
    }

    /** Max pooling with a square window; stride defaults to the window (non-overlapping). */
    record MaxPool2dSpec(int window, int stride) implements LayerSpec {
        public MaxPool2dSpec {
            if (window < 1) throw new IllegalArgumentException("maxpool window must be >= 1, got " + window);
            if (stride < 1) throw new IllegalArgumentException("maxpool stride must be >= 1, got " + stride);
        }
        public MaxPool2dSpec(int window) { this(window, window); }
        @Override public String text() { return "maxpool(" + window + (stride != window ? ",stride=" + stride : "") + ")"; }
        @Override public Layer create(Shape input, Initializer defaultInit) {
            if (!input.isImage()) {
                throw new IllegalArgumentException(text() + " needs an image input (C, H, W) but gets " + input);
            }
            if (input.dim(1) < window || input.dim(2) < window) {
                throw new IllegalArgumentException(text() + ": window " + window + " is larger than input " + input);
            }
            return new MaxPool2d(this, input);
        }
    }

    /** Flattens (C, H, W) to (C*H*W); a view, no copy. */
    record FlattenSpec() implements LayerSpec {
        @Override public String text() { return "flatten"; }
        @Override public Layer create(Shape input, Initializer defaultInit) { return new Flatten(this, input); }
    }

    /** Inverted dropout (Srivastava et al. 2014): zeroes a fraction {@code rate} in training and scales the rest by 1/(1-rate). */
    record DropoutSpec(float rate) implements LayerSpec {
        public DropoutSpec {
            if (!(rate >= 0f && rate < 1f)) throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        @Override public String text() { return "dropout(" + rate + ")"; }
        @Override public Layer create(Shape input, Initializer defaultInit) { return new Dropout(this, input); }
    }

    /** An element-wise activation function. */
    record ActivationSpec(ActivationFunction function) implements LayerSpec {
        public ActivationSpec {
            if (function == null) throw new IllegalArgumentException("activation function is null");
        }
        @Override public String text() { return function.specText(); }
        @Override public Layer create(Shape input, Initializer defaultInit) { return new Activation(this, input); }
    }

    /**
     * Parametric ReLU (He et al. 2015): f(x) = x for x > 0, a_c x otherwise, with a learned slope
     * a_c per channel (images) or per unit (vectors), initialised to {@code initialSlope}.
     */
    record PReLUSpec(float initialSlope) implements LayerSpec {
        public static final float DEFAULT_SLOPE = 0.25f;
        public PReLUSpec {
            if (!Float.isFinite(initialSlope)) throw new IllegalArgumentException("prelu slope must be finite, got " + initialSlope);
        }
        public PReLUSpec() { this(DEFAULT_SLOPE); }
        @Override public String text() { return initialSlope == DEFAULT_SLOPE ? "prelu" : "prelu(" + initialSlope + ")"; }
        @Override public Layer create(Shape input, Initializer defaultInit) { return new PReLU(this, input); }
    }

    /** Softmax over the features of each sample: probabilities for inference (training fuses it into the loss). */
    record SoftmaxSpec() implements LayerSpec {
        @Override public String text() { return "softmax"; }
        @Override public Layer create(Shape input, Initializer defaultInit) {
            if (!input.isVector()) throw new IllegalArgumentException("softmax needs a vector input but gets " + input + "; put flatten before it");
            return new Softmax(this, input);
        }
    }

    // ---------------------------------------------------------------- fixed filter banks (issue 7)
    // Transforms need a power-of-two length: a vector input of F features is zero-padded to
    // L = the smallest power of two >= F (784 -> 1024), and their outputs have L features.
    // The random parts (signs, permutations) come from the seed in the spec, so the spec text
    // alone rebuilds them; learned parts are parameters. See docs/fast-transforms.md.

    /**
     * Fixed Walsh-Hadamard transform of the zero-padded input: y = s H_L pad(x), H_L the
     * Sylvester-ordered Hadamard matrix (symmetric, H H = L I), s = 1/sqrt(L) when normalised
     * (the default: s H is orthonormal, norms are kept) or 1. O(L log L), no parameters.
     */
    record HadamardSpec(boolean normalised) implements LayerSpec {
        public HadamardSpec() { this(true); }
        @Override public String text() { return normalised ? "hadamard" : "hadamard(norm=false)"; }
        @Override public Layer create(Shape input, Initializer defaultInit) {
            requireVector(text(), input);
            return new Hadamard(this, input.size());
        }
    }

    /** Fixed random sign flips: y = d * x element-wise, d in {-1, +1} drawn from the seed. Any input shape. */
    record RandomSignsSpec(long seed) implements LayerSpec {
        @Override public String text() { return "signs(seed=" + seed + ")"; }
        @Override public Layer create(Shape input, Initializer defaultInit) { return new RandomSigns(this, input); }
    }

    /** Learned scale per element: y = d * x, d initialised to 1 (an identity). Any input shape. */
    record DiagonalSpec() implements LayerSpec {
        @Override public String text() { return "diag"; }
        @Override public Layer create(Shape input, Initializer defaultInit) { return new Diagonal(this, input); }
    }

    /**
     * The seed's "switch": two learned weights per element, chosen by the sign of the input,
     * y = x > 0 ? a x : b x. Initialised to a = {@code positive}, b = {@code negative}; the
     * default (1, 0) starts as ReLU. Any input shape.
     */
    record SwitchedDiagonalSpec(float positive, float negative) implements LayerSpec {
        public static final float DEFAULT_POSITIVE = 1f, DEFAULT_NEGATIVE = 0f;
        public SwitchedDiagonalSpec {
            if (!Float.isFinite(positive) || !Float.isFinite(negative)) {
                throw new IllegalArgumentException("switch_diag weights must be finite, got " + positive + ", " + negative);
            }
        }
        public SwitchedDiagonalSpec() { this(DEFAULT_POSITIVE, DEFAULT_NEGATIVE); }
        @Override public String text() {
            if (positive == DEFAULT_POSITIVE && negative == DEFAULT_NEGATIVE) return "switch_diag";
            return "switch_diag(pos=" + positive + ",neg=" + negative + ")";
        }
        @Override public Layer create(Shape input, Initializer defaultInit) { return new SwitchedDiagonal(this, input); }
    }

    /**
     * Learned circulant matrix, applied by FFT: y = c (*) pad(x) + b, circular convolution of the
     * zero-padded input with a learned filter c (L), plus a bias b (L); L parameters replace L^2.
     * @param init filter initialiser (fanIn = F), or null for the model's default
     */
    record CirculantSpec(Initializer init) implements LayerSpec {
        public CirculantSpec() { this(null); }
        @Override public String text() { return init == null ? "circulant" : "circulant(init=" + init.specName() + ")"; }
        @Override public Layer create(Shape input, Initializer defaultInit) {
            requireVector(text(), input);
            return new Circulant(this, input.size(), init != null ? init : defaultInit);
        }
    }

    /**
     * Fastfood block (Le, Sarlos and Smola 2013; learned as in Yang et al. 2015, Deep Fried
     * Convnets): y = S H G P H B u, u the input padded to a power of two and repeated to
     * {@code width}; B fixed random signs, P a fixed random permutation (both from the seed),
     * H normalised Walsh-Hadamard transforms, G learned diagonal (Gaussian init), S learned scale
     * (init 1). 2W parameters instead of W F.
     * @param width output width, a power of two >= the padded input, or 0 for the padded input width
     */
    record FastfoodSpec(int width, long seed) implements LayerSpec {
        public FastfoodSpec {
            requireWidth("fastfood", width);
        }
        @Override public String text() { return "fastfood(" + (width != 0 ? "width=" + width + "," : "") + "seed=" + seed + ")"; }
        @Override public Layer create(Shape input, Initializer defaultInit) {
            requireVector(text(), input);
            return new Fastfood(this, input.size());
        }
    }

    /**
     * Switch-net block: {@code depth} times (fixed random signs, normalised Walsh-Hadamard
     * transform, switched diagonal y = x > 0 ? a x : b x), closed by a last transform. The input is
     * padded to a power of two and repeated to {@code width}. 2 W depth parameters; it is a ReLU-
     * style network whose weighted sums are all fast transforms (the seed's answer 4).
     * @param width output width, a power of two >= the padded input, or 0 for the padded input width
     */
    record SwitchNetSpec(int depth, int width, long seed) implements LayerSpec {
        public SwitchNetSpec {
            if (depth < 1) throw new IllegalArgumentException("switchnet depth must be >= 1, got " + depth);
            requireWidth("switchnet", width);
        }
        @Override public String text() {
            return "switchnet(depth=" + depth + (width != 0 ? ",width=" + width : "") + ",seed=" + seed + ")";
        }
        @Override public Layer create(Shape input, Initializer defaultInit) {
            requireVector(text(), input);
            return new SwitchNet(this, input.size());
        }
    }

    private static void requireVector(String text, Shape input) {
        if (!input.isVector()) {
            throw new IllegalArgumentException(text + " needs a vector input but gets " + input + "; put flatten before it");
        }
    }

    private static void requireWidth(String name, int width) {
        if (width != 0 && (width < 1 || (width & (width - 1)) != 0)) {
            throw new IllegalArgumentException(name + " width must be a power of two (or 0 for the padded input width), got " + width);
        }
    }

    private static String initText(Initializer init) { return init == null ? "" : ",init=" + init.specName(); }
}
