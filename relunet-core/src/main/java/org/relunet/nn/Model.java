package org.relunet.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.relunet.init.Initializer;
import org.relunet.init.Rng;
import org.relunet.nn.activation.ActivationFunction;
import org.relunet.tensor.Shape;
import org.relunet.tensor.Tensor;

/**
 * A sequential network: a list of layers whose shapes were checked when it was built. The forward
 * pass runs the list in order, the backward pass walks the same list in reverse. The model outputs
 * logits; the trainer fuses softmax into the loss, and {@link #predict} applies it for inference.
 *
 * <pre>{@code
 * Model cnn = Model.builder(Shape.image(1, 28, 28))
 *     .conv(32, 5, 1, 2).relu().maxPool(2)
 *     .conv(64, 5, 1, 2).relu().maxPool(2)
 *     .flatten().dense(10)
 *     .seed(42).build();
 * System.out.println(cnn.summary());
 * }</pre>
 */
public final class Model {
    private final Shape inputShape;
    private final List<LayerSpec> specs;
    private final List<Layer> layers;
    private final List<Parameter> parameters;
    private final List<String> parameterNames;
    private final long seed;
    private final List<org.relunet.inspect.Finding> lintFindings;
    private Tensor probabilities;   // (N, classes) workspace for predict
    private Tensor chunkInput;      // (chunk, ...inputShape) workspace of chunked inference
    private Tensor logits;          // (N, ...outputShape) workspace of chunked inference

    private Model(Shape inputShape, List<LayerSpec> specs, long seed) {
        if (specs.isEmpty()) throw new IllegalArgumentException("a model needs at least one layer");
        this.inputShape = inputShape;
        this.specs = List.copyOf(specs);
        this.seed = seed;
        List<Layer> built = new ArrayList<>();
        Shape shape = inputShape;
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec spec = specs.get(i);
            Layer layer;
            try {
                layer = spec.create(shape, defaultInitializer(specs, i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + spec.text() + "): " + e.getMessage(), e);
            }
            built.add(layer);
            shape = layer.outputShape();
        }
        this.layers = Collections.unmodifiableList(built);
        // Nobody needs the input gradient of the first layer with parameters when only
        // parameter-free layers (flatten, dropout, activations) come before it: backward stops there.
        // For the MLP (flatten, dense(256), ...) this skips a 128x784x256 GEMM per step.
        for (Layer layer : built) {
            if (layer instanceof Dense d) d.inputGradient = false;
            if (layer instanceof Conv2d c) c.inputGradient = false;
            if (!layer.parameters().isEmpty()) break;
        }
        // Training passes fuse each ReLU into a neighbour: the forward pass of the Dense before it and
        // the input gradient of the Dense after it (see Dense), or the max pool after it (see MaxPool2d).
        for (int i = 0; i + 1 < built.size(); i++) {
            Layer layer = built.get(i), next = built.get(i + 1);
            if (layer instanceof Dense d && isRelu(next)) d.reluAfter = ((Activation) next).denseBefore = true;
            if (isRelu(layer) && next instanceof Dense d && d.inputGradient) d.reluBefore = ((Activation) layer).denseAfter = true;
            if (isRelu(layer) && next instanceof MaxPool2d pool) pool.reluBefore = ((Activation) layer).poolAfter = true;
        }
        List<Parameter> params = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < built.size(); i++) {
            for (Parameter p : built.get(i).parameters()) {
                params.add(p);
                names.add(i + "." + built.get(i).getClass().getSimpleName().toLowerCase(Locale.ROOT) + "." + p.name());
            }
        }
        this.parameters = List.copyOf(params);
        this.parameterNames = List.copyOf(names);
        Rng rng = new Rng(seed);
        for (Layer layer : built) layer.initialize(rng.split());
        this.lintFindings = org.relunet.inspect.ModelLint.check(this.specs, inputShape);
    }

    private static boolean isRelu(Layer layer) {
        return layer instanceof Activation a && a.function() instanceof org.relunet.nn.activation.ReLU;
    }

    /**
     * The initialiser a linear layer at index i gets when its spec names none: that of the first
     * activation after it (He for the ReLU family, Xavier for sigmoid and tanh), He normal when none
     * follows (the read-out layer, as in the reference workloads).
     */
    static Initializer defaultInitializer(List<LayerSpec> specs, int i) {
        for (int j = i + 1; j < specs.size(); j++) {
            LayerSpec s = specs.get(j);
            if (s instanceof LayerSpec.ActivationSpec a) return a.function().defaultInitializer();
            if (s instanceof LayerSpec.PReLUSpec) return Initializer.HE_NORMAL;
            if (s instanceof LayerSpec.DenseSpec || s instanceof LayerSpec.Conv2dSpec) break;
        }
        return Initializer.HE_NORMAL;
    }

    /** Builds a model from specs (e.g. parsed from text) with parameters drawn from the seed. */
    public static Model of(Shape inputShape, List<LayerSpec> specs, long seed) { return new Model(inputShape, specs, seed); }

    public static Builder builder(Shape inputShape) { return new Builder(inputShape); }

    public Shape inputShape() { return inputShape; }

    public Shape outputShape() { return layers.get(layers.size() - 1).outputShape(); }

    public List<Layer> layers() { return layers; }

    public List<LayerSpec> specs() { return specs; }

    /**
     * What {@link org.relunet.inspect.ModelLint} found in this architecture when the model was built
     * (e.g. ReLU after softmax, a final softmax before the loss); empty when nothing. Never printed
     * by the library: callers decide whether to show, warn or refuse.
     */
    public List<org.relunet.inspect.Finding> lintFindings() { return lintFindings; }

    /** The seed the parameters were first drawn from. */
    public long seed() { return seed; }

    /** All learned parameters, in layer order; optimiser state and model files index them by position. */
    public List<Parameter> parameters() { return parameters; }

    /** Names such as {@code 0.conv2d.weight}, parallel to {@link #parameters()}. */
    public List<String> parameterNames() { return parameterNames; }

    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) n += p.size();
        return n;
    }

    public long flopsPerSample() {
        long f = 0;
        for (Layer l : layers) f += l.flopsPerSample();
        return f;
    }

    /** The layer spec in text form, e.g. {@code conv(32,5,pad=2) relu maxpool(2) ... dense(10)}. */
    public String specText() { return LayerSpecParser.format(specs); }

    /**
     * Forward pass: x (N, ...inputShape) to logits (N, ...outputShape); a workspace, valid until the
     * next call. Every layer keeps what its backward needs, so {@link #backward} may follow.
     */
    public Tensor forward(Tensor x, boolean training) {
        checkInput(x);
        Tensor t = x;
        for (Layer layer : layers) t = layer.forward(t, training);
        return t;
    }

    /**
     * Inference only: logits (N, ...outputShape) for x, the same bits as {@code forward(x, false)}.
     * A batch larger than {@link #INFERENCE_CHUNK} runs through the whole network in equal chunks of
     * at most that many images, the last one padded with zeros: every layer is per-sample at
     * inference, while the activations of a chunk stay in cache instead of streaming through memory
     * (W2's first convolution writes 100 KB per image: 25 MB at batch 256). Each ReLU is fused into
     * its neighbour as in training (the same logits, fewer passes). The layers then hold the last
     * chunk's activations, not all of them the separate layers' values, and max pools keep no
     * switches, so no backward may follow.
     */
    public Tensor infer(Tensor x) {
        checkInput(x);
        fuseInference(true);
        try {
            return inferChunks(x);
        } finally {
            fuseInference(false);
        }
    }

    /**
     * Lets inference passes fuse each ReLU into its neighbour as training passes do (see Dense and
     * MaxPool2d): the logits keep their bits, but the layers' own outputs are then not the separate
     * layers' (a fused ReLU passes its input through), so only {@link #infer} turns it on.
     */
    private void fuseInference(boolean on) {
        for (Layer layer : layers) {
            if (layer instanceof Dense d) d.fuseInference = on;
            if (layer instanceof Activation a) a.fuseInference = on;
            if (layer instanceof MaxPool2d pool) pool.fuseInference = on;
        }
    }

    private Tensor inferChunks(Tensor x) {
        int n = x.batch();
        if (n <= INFERENCE_CHUNK) return forward(x, false);
        int chunks = (n + INFERENCE_CHUNK - 1) / INFERENCE_CHUNK, size = (n + chunks - 1) / chunks;
        int in = x.sampleSize(), out = outputShape().size();
        if (chunkInput == null || chunkInput.batch() != size) chunkInput = Tensor.zeros(size, inputShape);
        if (logits == null || logits.batch() != n) logits = Tensor.zeros(n, outputShape());
        for (int from = 0; from < n; from += size) {
            int count = Math.min(size, n - from);
            System.arraycopy(x.data, from * in, chunkInput.data, 0, count * in);
            if (count < size) java.util.Arrays.fill(chunkInput.data, count * in, size * in, 0f);
            Tensor t = chunkInput;
            for (Layer layer : layers) t = layer.forward(t, false);
            System.arraycopy(t.data, 0, logits.data, from * out, count * out);
        }
        return logits;
    }

    /** The largest number of images inference runs through the network at once (measured on W3). */
    static final int INFERENCE_CHUNK = 16;

    /** Backward pass from dLoss/dOutput through every layer in reverse, adding parameter gradients. */
    public void backward(Tensor dOut) {
        Tensor g = dOut;
        for (int i = layers.size() - 1; i >= 0 && g != null; i--) g = layers.get(i).backward(g);
    }

    /** Sets every parameter gradient to zero (an explicit step before each backward). */
    public void zeroGrad() {
        for (Parameter p : parameters) p.zeroGrad();
    }

    /** Class probabilities (N, classes): softmax of the logits, unless the model already ends in softmax. */
    public Tensor predict(Tensor x) {
        Tensor logits = infer(x);
        if (layers.get(layers.size() - 1) instanceof Softmax) return logits;
        if (probabilities == null || probabilities.size() != logits.size()) probabilities = Tensor.zeros(logits.shape());
        org.relunet.kernels.KernelProvider.kernels().softmaxRows(logits.data, logits.batch(), logits.sampleSize(), probabilities.data);
        return probabilities;
    }

    private void checkInput(Tensor x) {
        if (x.rank() < 2 || !x.sampleShape().equals(inputShape)) {
            throw new IllegalArgumentException("model expects input (N, " + inputShape.toString().substring(1)
                    + " but got " + java.util.Arrays.toString(x.shape()).replace('[', '(').replace(']', ')'));
        }
    }

    /** Copies every parameter value from another model of the same architecture. */
    public void copyParametersFrom(Model other) {
        if (!other.specText().equals(specText()) || !other.inputShape.equals(inputShape)) {
            throw new IllegalArgumentException("architectures differ: " + other.specText() + " vs " + specText());
        }
        for (int i = 0; i < parameters.size(); i++) {
            System.arraycopy(other.parameters.get(i).value(), 0, parameters.get(i).value(), 0, parameters.get(i).size());
        }
    }

    /** The architecture table: layer, output shape, parameters, forward FLOPs per sample. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        String fmt = "%-3s %-28s %-16s %12s %14s%n";
        b.append(String.format(Locale.ROOT, fmt, "#", "layer", "output shape", "parameters", "FLOPs/sample"));
        b.append(String.format(Locale.ROOT, fmt, "", "input", inputShape, "", ""));
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long params = 0;
            for (Parameter p : l.parameters()) params += p.size();
            b.append(String.format(Locale.ROOT, fmt, i, l.spec().text(), l.outputShape(), group(params), group(l.flopsPerSample())));
        }
        b.append(String.format(Locale.ROOT, "total: %s parameters (%s), %s FLOPs per sample forward%n",
                group(parameterCount()), bytes(parameterCount() * 4), group(flopsPerSample())));
        return b.toString();
    }

    private static String group(long n) { return String.format(Locale.ROOT, "%,d", n); }

    private static String bytes(long b) {
        if (b < 1024) return b + " B";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024.0));
    }

    @Override public String toString() { return "Model" + inputShape + " " + specText(); }

    /** Fluent construction; shapes are inferred and checked by {@link #build()}. */
    public static final class Builder {
        private final Shape inputShape;
        private final List<LayerSpec> specs = new ArrayList<>();
        private long seed = 0;

        private Builder(Shape inputShape) { this.inputShape = inputShape; }

        public Builder add(LayerSpec spec) { specs.add(spec); return this; }
        public Builder addAll(List<LayerSpec> more) { specs.addAll(more); return this; }
        public Builder dense(int units) { return add(new LayerSpec.DenseSpec(units)); }
        public Builder dense(int units, Initializer init) { return add(new LayerSpec.DenseSpec(units, init)); }
        public Builder conv(int filters, int kernel, int stride, int pad) { return add(new LayerSpec.Conv2dSpec(filters, kernel, stride, pad)); }
        public Builder maxPool(int window) { return add(new LayerSpec.MaxPool2dSpec(window)); }
        public Builder maxPool(int window, int stride) { return add(new LayerSpec.MaxPool2dSpec(window, stride)); }
        public Builder flatten() { return add(new LayerSpec.FlattenSpec()); }
        public Builder dropout(float rate) { return add(new LayerSpec.DropoutSpec(rate)); }
        public Builder activation(ActivationFunction f) { return add(new LayerSpec.ActivationSpec(f)); }
        public Builder relu() { return activation(new org.relunet.nn.activation.ReLU()); }
        public Builder tanh() { return activation(new org.relunet.nn.activation.Tanh()); }
        public Builder sigmoid() { return activation(new org.relunet.nn.activation.Sigmoid()); }
        public Builder prelu() { return add(new LayerSpec.PReLUSpec()); }
        public Builder softmax() { return add(new LayerSpec.SoftmaxSpec()); }
        /** Seed for the initial parameters (and dropout masks). */
        public Builder seed(long seed) { this.seed = seed; return this; }
        public Model build() { return new Model(inputShape, specs, seed); }
    }
}
