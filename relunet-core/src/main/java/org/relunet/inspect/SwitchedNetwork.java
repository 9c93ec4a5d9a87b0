package org.relunet.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.relunet.nn.Activation;
import org.relunet.nn.Conv2d;
import org.relunet.nn.Dense;
import org.relunet.nn.Dropout;
import org.relunet.nn.Flatten;
import org.relunet.nn.Layer;
import org.relunet.nn.MaxPool2d;
import org.relunet.nn.Model;
import org.relunet.nn.PReLU;
import org.relunet.nn.Softmax;
import org.relunet.nn.activation.ActivationFunction;
import org.relunet.nn.activation.Identity;
import org.relunet.nn.activation.LeakyReLU;
import org.relunet.nn.activation.ReLU;
import org.relunet.tensor.Tensor;

/**
 * A model's layers re-expressed in double precision with the switches made explicit: every
 * rectifier unit is on (slope 1) or off (slope 0 for ReLU, the leak for LeakyReLU, a_c for PReLU),
 * every max-pool output takes the value of one winning input. With the switches fixed the network
 * is affine (Answer 4 of the seed: "a ReLU is a switch"), so it can be applied with or without its
 * biases, and transposed. This is the machinery behind {@link EffectiveLinearMap},
 * {@link LocalJacobian} and {@link LinearRegions}. It reads the model's float weights when it runs
 * and never changes them; do not train the model at the same time.
 *
 * <p>A vector here is one sample flattened in the layer's own order: (F), or (C, H, W) row-major.
 * Flatten and Dropout (inference is the identity) and the Identity activation are no steps at all.
 * Smooth activations and softmax are steps too, linearised at a point (their derivative, or p),
 * which gives the local Jacobian for models that are not piecewise linear.
 */
final class SwitchedNetwork {

    /** Relative tolerance under which a pre-activation counts as "at zero" when switches are decided by value and slope. */
    static final double AT_ZERO = 1e-9;

    /** One step: maps a vector of {@code inSize} values to {@code outSize}; {@code layer} is its index in the model. */
    sealed interface Step permits DenseStep, ConvStep, RectifierStep, PoolStep, SmoothStep, SoftmaxStep {
        int layer();
        int inSize();
        int outSize();
    }

    /** y = W v + b, W (O, I) row-major float. */
    record DenseStep(int layer, float[] weight, float[] bias, int inSize, int outSize) implements Step {}

    /** Cross-correlation of (C, H, W) with W (OC, C*K*K) plus bias, output (OC, OH, OW). */
    record ConvStep(int layer, float[] weight, float[] bias, int channels, int height, int width, int filters,
                    int kernel, int stride, int pad, int outH, int outW) implements Step {
        @Override public int inSize() { return channels * height * width; }
        @Override public int outSize() { return filters * outH * outW; }
    }

    /** y_i = v_i when on, offSlope_i * v_i when off; on means v_i &gt; 0, as in the kernels. */
    record RectifierStep(int layer, double[] offSlope) implements Step {
        @Override public int inSize() { return offSlope.length; }
        @Override public int outSize() { return offSlope.length; }
    }

    /** Max pooling of (C, H, W) planes, square window, no padding; y_o = v[winner_o]. */
    record PoolStep(int layer, int channels, int height, int width, int window, int stride, int outH, int outW) implements Step {
        @Override public int inSize() { return channels * height * width; }
        @Override public int outSize() { return channels * outH * outW; }
    }

    /** A smooth element-wise activation (tanh, sigmoid, GELU, ...), linearised by f'(pre-activation). */
    record SmoothStep(int layer, ActivationFunction function, int size) implements Step {
        @Override public int inSize() { return size; }
        @Override public int outSize() { return size; }
    }

    /** Softmax over a vector, linearised by its Jacobian diag(p) - p p^T. */
    record SoftmaxStep(int layer, int size) implements Step {
        @Override public int inSize() { return size; }
        @Override public int outSize() { return size; }
    }

    /**
     * The state that makes every step linear at one input, indexed by step: {@code on} for
     * rectifier steps, {@code winners} (flat indices into the step's input) for pool steps,
     * {@code derivative} for smooth steps, {@code probabilities} for softmax steps; null elsewhere.
     */
    record Linearization(boolean[][] on, int[][] winners, double[][] derivative, double[][] probabilities) {}

    /**
     * Switches decided at x(t) for the direction d = dx/dt, with the pre-activations there:
     * {@code value[k]} and {@code slope[k]} are the input of step k and its derivative along d
     * (for rectifier and pool steps only).
     */
    record Local(Linearization linearization, double[][] value, double[][] slope, double[] output) {}

    /** The model's float forward output at x and the switches that pass used. */
    record Trace(float[] output, Linearization linearization) {}

    private final Model model;
    private final List<Step> steps;
    private final int inputs, outputs;

    private SwitchedNetwork(Model model, List<Step> steps) {
        this.model = model;
        this.steps = List.copyOf(steps);
        this.inputs = model.inputShape().size();
        this.outputs = model.outputShape().size();
    }

    /** Reads the layer list of a model (the weights are read when the network runs). */
    static SwitchedNetwork of(Model model) {
        List<Step> steps = new ArrayList<>();
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            int size = layer.inputShape().size();
            switch (layer) {
                case Dense d -> steps.add(new DenseStep(i, d.weight().value(), d.bias().value(), size, layer.outputShape().size()));
                case Conv2d c -> {
                    var s = (org.relunet.nn.LayerSpec.Conv2dSpec) c.spec();
                    var in = c.inputShape();
                    var out = c.outputShape();
                    steps.add(new ConvStep(i, c.weight().value(), c.bias().value(), in.dim(0), in.dim(1), in.dim(2),
                            s.filters(), s.kernel(), s.stride(), s.pad(), out.dim(1), out.dim(2)));
                }
                case MaxPool2d p -> {
                    var s = (org.relunet.nn.LayerSpec.MaxPool2dSpec) p.spec();
                    var in = p.inputShape();
                    var out = p.outputShape();
                    steps.add(new PoolStep(i, in.dim(0), in.dim(1), in.dim(2), s.window(), s.stride(), out.dim(1), out.dim(2)));
                }
                case Flatten _ -> { }
                case Dropout _ -> { }
                case Activation a -> {
                    ActivationFunction f = a.function();
                    switch (f) {
                        case Identity _ -> { }
                        case ReLU _ -> steps.add(new RectifierStep(i, new double[size]));
                        case LeakyReLU l -> {
                            double[] slope = new double[size];
                            java.util.Arrays.fill(slope, l.slope());
                            steps.add(new RectifierStep(i, slope));
                        }
                        default -> steps.add(new SmoothStep(i, f, size));
                    }
                }
                case PReLU p -> steps.add(new RectifierStep(i, preluSlopes(p)));
                case Softmax _ -> steps.add(new SoftmaxStep(i, size));
                // the fixed filter-bank layers (Hadamard, signs, diagonals, circulant, fastfood, switchnet)
                // are linear or switched too, but have no step here yet
                default -> throw new IllegalArgumentException("layer " + i + " (" + layer.spec().text()
                        + "): fixed filter-bank layers are not supported by the effective linear map, region count or"
                        + " local Jacobian yet; inspect a model built from dense, conv, maxpool and activations");
            }
        }
        return new SwitchedNetwork(model, steps);
    }

    /** PReLU's per-channel slope a_c spread over the units of each channel (read now: slopes are learned). */
    private static double[] preluSlopes(PReLU p) {
        float[] a = p.slope().value();
        int size = p.inputShape().size(), channels = a.length, spatial = size / channels;
        double[] slope = new double[size];
        for (int c = 0; c < channels; c++) java.util.Arrays.fill(slope, c * spatial, (c + 1) * spatial, a[c]);
        return slope;
    }

    Model model() { return model; }

    List<Step> steps() { return steps; }

    int inputs() { return inputs; }

    int outputs() { return outputs; }

    /** The first step that is not piecewise linear (a smooth activation or softmax), if any. */
    Optional<Step> firstSmoothStep() {
        return steps.stream().filter(s -> s instanceof SmoothStep || s instanceof SoftmaxStep).findFirst();
    }

    /**
     * Why the model is not one linear map per activation pattern, naming the first layer that
     * prevents it, or empty when it is piecewise linear.
     */
    Optional<String> obstacle() {
        return firstSmoothStep().map(s -> {
            Layer l = model.layers().get(s.layer());
            String what = s instanceof SoftmaxStep ? "softmax is not piecewise linear"
                    : l.spec().text() + " is not piecewise linear";
            return "layer " + s.layer() + " (" + l.spec().text() + "): " + what
                    + ", so the network is not one linear map per activation pattern; use LocalJacobian.at(model, x)"
                    + " for the Jacobian at x instead";
        });
    }

    void requirePiecewiseLinear() {
        obstacle().ifPresent(reason -> { throw new IllegalArgumentException(reason); });
    }

    // ------------------------------------------------------------------ the model's own float forward pass

    /**
     * Runs the model's float forward pass (inference mode) on one sample and records the switches
     * it used: on = pre-activation &gt; 0 (as the kernels decide), the max-pool argmax, and f'(pre)
     * and p for smooth steps. This is the pattern the model really ran with.
     */
    Trace trace(float[] x) {
        if (x.length != inputs) {
            throw new IllegalArgumentException("model expects " + model.inputShape() + " = " + inputs
                    + " values per sample but the input has " + x.length);
        }
        int n = steps.size();
        Linearization lin = new Linearization(new boolean[n][], new int[n][], new double[n][], new double[n][]);
        int[] stepOfLayer = new int[model.layers().size()];
        java.util.Arrays.fill(stepOfLayer, -1);
        for (int k = 0; k < n; k++) stepOfLayer[steps.get(k).layer()] = k;
        Tensor t = new Tensor(x.clone(), model.inputShape().withBatch(1));
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            int k = stepOfLayer[i];
            Step step = k >= 0 ? steps.get(k) : null;
            if (step instanceof RectifierStep) {
                boolean[] on = new boolean[t.size()];
                for (int j = 0; j < on.length; j++) on[j] = t.data[j] > 0f;
                lin.on()[k] = on;
            } else if (step instanceof SmoothStep s) {
                double[] d = new double[t.size()];
                for (int j = 0; j < d.length; j++) d[j] = s.function().derivative(t.data[j]);
                lin.derivative()[k] = d;
            }
            t = layer.forward(t, false);
            if (layer instanceof MaxPool2d p) lin.winners()[k] = p.switches().clone();
            if (step instanceof SoftmaxStep) {
                double[] p = new double[t.size()];
                for (int j = 0; j < p.length; j++) p[j] = t.data[j];
                lin.probabilities()[k] = p;
            }
        }
        return new Trace(t.data.clone(), lin);
    }

    // ------------------------------------------------------------------ switches decided in double precision

    /**
     * Decides the switches at x in double precision. With a direction d (may be null) the switches
     * are those just after x along d, the right limit: a unit whose pre-activation is at zero
     * (|v| &lt;= {@link #AT_ZERO} times the largest |v| of its layer) is decided by the sign of
     * its slope along d, and a max-pool tie by the larger slope. Without d, on means v &gt; 0 and
     * the first maximum of a window wins, as in the kernels.
     */
    Local decide(double[] x, double[] d) {
        int n = steps.size();
        Linearization lin = new Linearization(new boolean[n][], new int[n][], new double[n][], new double[n][]);
        double[][] values = new double[n][], slopes = new double[n][];
        double[] v = x.clone();
        double[] s = d == null ? null : d.clone();
        for (int k = 0; k < n; k++) {
            Step step = steps.get(k);
            switch (step) {
                case RectifierStep _ -> {
                    values[k] = v.clone();
                    if (s != null) slopes[k] = s.clone();
                    double tol = s == null ? 0 : AT_ZERO * maxAbs(v);
                    boolean[] on = new boolean[v.length];
                    for (int i = 0; i < v.length; i++) {
                        if (s == null || Math.abs(v[i]) > tol) on[i] = v[i] > 0;
                        else on[i] = s[i] > 0 || (s[i] == 0 && v[i] > 0);
                    }
                    lin.on()[k] = on;
                }
                case PoolStep p -> {
                    values[k] = v.clone();
                    if (s != null) slopes[k] = s.clone();
                    lin.winners()[k] = poolWinners(p, v, s, s == null ? 0 : AT_ZERO * maxAbs(v));
                }
                case SmoothStep _ -> throw new IllegalArgumentException(obstacle().orElseThrow());
                case SoftmaxStep _ -> throw new IllegalArgumentException(obstacle().orElseThrow());
                default -> { }
            }
            v = applyStep(step, v, lin, k, true);
            if (s != null) s = applyStep(step, s, lin, k, false);
        }
        return new Local(lin, values, slopes, v);
    }

    private static int[] poolWinners(PoolStep p, double[] v, double[] s, double tol) {
        int[] winners = new int[p.outSize()];
        int[] window = new int[p.window() * p.window()];
        for (int o = 0; o < winners.length; o++) {
            windowOf(p, o, window);
            int best = window[0];
            for (int idx : window) {
                if (s == null) {
                    if (v[idx] > v[best]) best = idx;
                } else if (v[idx] > v[best] + tol || (Math.abs(v[idx] - v[best]) <= tol && s[idx] > s[best])) {
                    best = idx;
                }
            }
            winners[o] = best;
        }
        return winners;
    }

    /** The flat input indices of the window of pool output o, in row-major window order. */
    static void windowOf(PoolStep p, int o, int[] window) {
        int ow = o % p.outW(), oh = (o / p.outW()) % p.outH(), c = o / (p.outW() * p.outH());
        int corner = c * p.height() * p.width() + oh * p.stride() * p.width() + ow * p.stride();
        for (int i = 0, n = 0; i < p.window(); i++) {
            for (int j = 0; j < p.window(); j++) window[n++] = corner + i * p.width() + j;
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double a : v) m = Math.max(m, Math.abs(a));
        return m;
    }

    // ------------------------------------------------------------------ the affine map with fixed switches

    /** f(v) with the switches of lin: the affine map (withBias) or its linear part. */
    double[] apply(double[] v, Linearization lin, boolean withBias) {
        double[] y = v;
        for (int k = 0; k < steps.size(); k++) y = applyStep(steps.get(k), y, lin, k, withBias);
        return y;
    }

    /** The transpose of the linear part: g (outputs) to J^T g (inputs). */
    double[] applyTranspose(double[] g, Linearization lin) {
        double[] y = g;
        for (int k = steps.size() - 1; k >= 0; k--) y = transposeStep(steps.get(k), y, lin, k);
        return y;
    }

    /**
     * The Jacobian of the linearised network, (outputs, inputs) row-major: row by row through the
     * transpose when there are fewer outputs than inputs (a classifier), else column by column.
     */
    double[] jacobian(Linearization lin) {
        double[] j = new double[outputs * inputs];
        if (outputs <= inputs) {
            for (int o = 0; o < outputs; o++) {
                double[] e = new double[outputs];
                e[o] = 1;
                System.arraycopy(applyTranspose(e, lin), 0, j, o * inputs, inputs);
            }
        } else {
            for (int i = 0; i < inputs; i++) {
                double[] e = new double[inputs];
                e[i] = 1;
                double[] col = apply(e, lin, false);
                for (int o = 0; o < outputs; o++) j[o * inputs + i] = col[o];
            }
        }
        return j;
    }

    /** The same Jacobian, always column by column (forward mode); for tests of the transpose. */
    double[] jacobianByColumns(Linearization lin) {
        double[] j = new double[outputs * inputs];
        for (int i = 0; i < inputs; i++) {
            double[] e = new double[inputs];
            e[i] = 1;
            double[] col = apply(e, lin, false);
            for (int o = 0; o < outputs; o++) j[o * inputs + i] = col[o];
        }
        return j;
    }

    private static double[] applyStep(Step step, double[] v, Linearization lin, int k, boolean withBias) {
        switch (step) {
            case DenseStep d -> {
                int in = d.inSize(), out = d.outSize();
                float[] w = d.weight();
                double[] y = new double[out];
                for (int o = 0; o < out; o++) {
                    double sum = withBias ? d.bias()[o] : 0;
                    int row = o * in;
                    for (int i = 0; i < in; i++) sum += w[row + i] * v[i];
                    y[o] = sum;
                }
                return y;
            }
            case ConvStep c -> {
                double[] y = new double[c.outSize()];
                int outPlane = c.outH() * c.outW();
                if (withBias) for (int oc = 0; oc < c.filters(); oc++) java.util.Arrays.fill(y, oc * outPlane, (oc + 1) * outPlane, c.bias()[oc]);
                convolve(c, v, y, false);
                return y;
            }
            case RectifierStep r -> {
                boolean[] on = lin.on()[k];
                double[] y = new double[v.length];
                for (int i = 0; i < v.length; i++) y[i] = on[i] ? v[i] : r.offSlope()[i] * v[i];
                return y;
            }
            case PoolStep p -> {
                int[] win = lin.winners()[k];
                double[] y = new double[win.length];
                for (int o = 0; o < win.length; o++) y[o] = v[win[o]];
                return y;
            }
            case SmoothStep _ -> {
                double[] y = new double[v.length];
                double[] d = lin.derivative()[k];
                for (int i = 0; i < v.length; i++) y[i] = d[i] * v[i];
                return y;
            }
            case SoftmaxStep _ -> {
                return softmaxJacobianTimes(lin.probabilities()[k], v);
            }
        }
    }

    private static double[] transposeStep(Step step, double[] g, Linearization lin, int k) {
        switch (step) {
            case DenseStep d -> {
                int in = d.inSize(), out = d.outSize();
                float[] w = d.weight();
                double[] y = new double[in];
                for (int o = 0; o < out; o++) {
                    double go = g[o];
                    if (go == 0) continue;
                    int row = o * in;
                    for (int i = 0; i < in; i++) y[i] += w[row + i] * go;
                }
                return y;
            }
            case ConvStep c -> {
                double[] y = new double[c.inSize()];
                convolve(c, y, g, true);
                return y;
            }
            case PoolStep p -> {
                int[] win = lin.winners()[k];
                double[] y = new double[p.inSize()];
                for (int o = 0; o < win.length; o++) y[win[o]] += g[o];
                return y;
            }
            // element-wise steps and softmax are symmetric
            default -> { return applyStep(step, g, lin, k, false); }
        }
    }

    /**
     * The linear part of a convolution, weight-stationary: for every weight w[oc][ch][i][j], add
     * w * in[ch][oh*stride + i - pad][ow*stride + j - pad] into out[oc][oh][ow] over the (oh, ow)
     * where the input index is inside the image, so the inner loop has no bounds test. With
     * {@code transpose} the same pairs run the other way: in[...] += w * out[...].
     */
    private static void convolve(ConvStep c, double[] in, double[] out, boolean transpose) {
        int k = c.kernel(), k2 = k * k, patch = c.channels() * k2, s = c.stride(), pad = c.pad();
        int h = c.height(), w = c.width(), oh1 = c.outH(), ow1 = c.outW(), plane = h * w, outPlane = oh1 * ow1;
        float[] weight = c.weight();
        for (int i = 0; i < k; i++) {
            int ohFrom = firstInside(i, pad, s), ohTo = Math.min(oh1, lastInside(i, pad, s, h) + 1);
            for (int j = 0; j < k; j++) {
                int owFrom = firstInside(j, pad, s), owTo = Math.min(ow1, lastInside(j, pad, s, w) + 1);
                if (ohFrom >= ohTo || owFrom >= owTo) continue;
                for (int oc = 0; oc < c.filters(); oc++) {
                    for (int ch = 0; ch < c.channels(); ch++) {
                        double wv = weight[oc * patch + ch * k2 + i * k + j];
                        if (wv == 0) continue;
                        for (int oh = ohFrom; oh < ohTo; oh++) {
                            int o = oc * outPlane + oh * ow1, x = ch * plane + (oh * s + i - pad) * w + j - pad;
                            if (transpose) {
                                for (int ow = owFrom; ow < owTo; ow++) in[x + ow * s] += wv * out[o + ow];
                            } else {
                                for (int ow = owFrom; ow < owTo; ow++) out[o + ow] += wv * in[x + ow * s];
                            }
                        }
                    }
                }
            }
        }
    }

    /** The first output index o with o*stride + offset - pad >= 0. */
    private static int firstInside(int offset, int pad, int stride) {
        int need = pad - offset;
        return need <= 0 ? 0 : (need + stride - 1) / stride;
    }

    /** The last output index o with o*stride + offset - pad <= size - 1 (negative when there is none). */
    private static int lastInside(int offset, int pad, int stride, int size) {
        int room = size - 1 + pad - offset;
        return room < 0 ? -1 : room / stride;
    }

    /** (diag(p) - p p^T) v = p * (v - p.v), symmetric. */
    private static double[] softmaxJacobianTimes(double[] p, double[] v) {
        double dot = 0;
        for (int i = 0; i < p.length; i++) dot += p[i] * v[i];
        double[] y = new double[p.length];
        for (int i = 0; i < p.length; i++) y[i] = p[i] * (v[i] - dot);
        return y;
    }

    /** The switch pattern of a linearisation of this (piecewise-linear) network. */
    ActivationPattern pattern(Linearization lin) {
        List<Integer> layers = new ArrayList<>();
        List<boolean[]> on = new ArrayList<>();
        List<int[]> winners = new ArrayList<>();
        for (int k = 0; k < steps.size(); k++) {
            Step s = steps.get(k);
            if (s instanceof RectifierStep || s instanceof PoolStep) {
                layers.add(s.layer());
                on.add(lin.on()[k]);
                winners.add(lin.winners()[k]);
            }
        }
        return new ActivationPattern(layers.stream().mapToInt(Integer::intValue).toArray(),
                on.toArray(boolean[][]::new), winners.toArray(int[][]::new));
    }
}
