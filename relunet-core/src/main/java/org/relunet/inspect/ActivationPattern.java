package org.relunet.inspect;

import java.util.Arrays;

/**
 * The state of every switch of a piecewise-linear network at one input: which units of each
 * rectifier layer (ReLU, LeakyReLU, PReLU) are on (pre-activation &gt; 0), and which input of each
 * max-pool window won. Inputs with the same pattern lie in the same activation region, a convex
 * polytope on which the network is one affine map (Hanin and Rolnick 2019). Patterns compare by
 * value, so they can key a map of regions.
 *
 * <p>Layers are named by their index in {@code model.layers()}; layers without switches (Dense,
 * Conv2d, Flatten, Dropout, Identity) do not appear.
 */
public final class ActivationPattern {
    private final int[] layers;        // model layer index of each switch layer, ascending
    private final boolean[][] on;      // per switch layer: units on (rectifiers), null for pools
    private final int[][] winners;     // per switch layer: winning input of each output (pools), null for rectifiers
    private final int hash;

    ActivationPattern(int[] layers, boolean[][] on, int[][] winners) {
        this.layers = layers;
        this.on = on;
        this.winners = winners;
        int h = Arrays.hashCode(layers);
        for (boolean[] o : on) h = 31 * h + Arrays.hashCode(o);
        for (int[] w : winners) h = 31 * h + Arrays.hashCode(w);
        this.hash = h;
    }

    /**
     * The pattern the model's own float forward pass (inference mode) uses at one sample x: a unit
     * is on when its pre-activation is &gt; 0, a pool window's winner is its first maximum. Cheaper
     * than {@link EffectiveLinearMap#at}, which also builds W_eff.
     */
    public static ActivationPattern of(org.relunet.nn.Model model, float[] x) {
        SwitchedNetwork net = SwitchedNetwork.of(model);
        return net.pattern(net.trace(x).linearization());
    }

    /** Model layer indices that carry switches: rectifier activations, PReLU and max-pool layers. */
    public int[] switchLayers() { return layers.clone(); }

    /** Whether a model layer is a rectifier (its units are on or off) rather than a pool. */
    public boolean isRectifier(int layer) { return on[position(layer)] != null; }

    /** Units of a rectifier layer, or outputs of a pool layer. */
    public int units(int layer) {
        int p = position(layer);
        return on[p] != null ? on[p].length : winners[p].length;
    }

    /** Units of a rectifier layer that are on (pass their input with slope 1). */
    public int activeUnits(int layer) {
        boolean[] o = rectifier(layer);
        int n = 0;
        for (boolean b : o) if (b) n++;
        return n;
    }

    /** Whether unit {@code unit} of a rectifier layer is on. */
    public boolean isOn(int layer, int unit) { return rectifier(layer)[unit]; }

    /** For a max-pool layer: the flat index into the layer's input (C, H, W) of each output's winner. */
    public int[] winners(int layer) {
        int p = position(layer);
        if (winners[p] == null) throw new IllegalArgumentException("layer " + layer + " is a rectifier, not a max-pool layer");
        return winners[p].clone();
    }

    /** Total rectifier units that are on, over all layers. */
    public int activeUnits() {
        int n = 0;
        for (int layer : layers) if (isRectifier(layer)) n += activeUnits(layer);
        return n;
    }

    /** The first switch layer (model index) where two patterns of the same network differ, or -1. */
    public int firstDifference(ActivationPattern other) {
        for (int p = 0; p < layers.length; p++) {
            if (!Arrays.equals(on[p], other.on[p]) || !Arrays.equals(winners[p], other.winners[p])) return layers[p];
        }
        return -1;
    }

    /** Units (rectifier units and pool outputs) whose switch differs between two patterns of the same network. */
    public int hammingDistance(ActivationPattern other) {
        int d = 0;
        for (int p = 0; p < layers.length; p++) {
            if (on[p] != null) {
                for (int i = 0; i < on[p].length; i++) if (on[p][i] != other.on[p][i]) d++;
            } else {
                for (int i = 0; i < winners[p].length; i++) if (winners[p][i] != other.winners[p][i]) d++;
            }
        }
        return d;
    }

    private boolean[] rectifier(int layer) {
        int p = position(layer);
        if (on[p] == null) throw new IllegalArgumentException("layer " + layer + " is a max-pool layer, not a rectifier");
        return on[p];
    }

    private int position(int layer) {
        int p = Arrays.binarySearch(layers, layer);
        if (p < 0) throw new IllegalArgumentException("layer " + layer + " has no switches; switch layers are " + Arrays.toString(layers));
        return p;
    }

    @Override public boolean equals(Object o) {
        return o instanceof ActivationPattern a && hash == a.hash && Arrays.equals(layers, a.layers)
                && Arrays.deepEquals(on, a.on) && Arrays.deepEquals(winners, a.winners);
    }

    @Override public int hashCode() { return hash; }

    /** E.g. {@code pattern[1: 130/256 on, 3: 97/256 on, 5: pool 196]}. */
    @Override public String toString() {
        StringBuilder b = new StringBuilder("pattern[");
        for (int p = 0; p < layers.length; p++) {
            if (p > 0) b.append(", ");
            b.append(layers[p]).append(": ");
            if (on[p] != null) b.append(activeUnits(layers[p])).append('/').append(on[p].length).append(" on");
            else b.append("pool ").append(winners[p].length);
        }
        return b.append(']').toString();
    }
}
