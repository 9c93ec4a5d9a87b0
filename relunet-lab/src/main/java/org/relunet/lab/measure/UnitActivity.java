package org.relunet.lab.measure;

import java.util.ArrayList;
import java.util.List;

import org.relunet.nn.Activation;
import org.relunet.nn.Dense;
import org.relunet.nn.Layer;
import org.relunet.nn.Model;
import org.relunet.nn.PReLU;
import org.relunet.tensor.Tensor;

/**
 * Which hidden units fire on a set of inputs. A unit "fires" on an input when its pre-activation
 * (the output of the Dense layer before its activation) is positive; a unit that fires on none of
 * the inputs is dead for that set (for ReLU its output and its gradient are then exactly zero;
 * Leaky ReLU, PReLU and ELU still pass a gradient). Also counts exact zeros in the activation outputs.
 */
public final class UnitActivity {
    private UnitActivity() {}

    /**
     * @param fired      per hidden layer, per unit: positive on at least one input
     * @param exactZeros per hidden layer: fraction of activation outputs that are exactly 0
     */
    public record Snapshot(List<boolean[]> fired, double[] exactZeros) {
        public int units() { return fired.stream().mapToInt(a -> a.length).sum(); }

        public int dead() {
            int d = 0;
            for (boolean[] layer : fired) for (boolean f : layer) if (!f) d++;
            return d;
        }

        public double deadFraction() { return (double) dead() / units(); }

        public double deadFraction(int layer) {
            int d = 0;
            for (boolean f : fired.get(layer)) if (!f) d++;
            return (double) d / fired.get(layer).length;
        }

        /** Fraction of the units dead here that fire in {@code later}: how many came back. NaN when none were dead. */
        public double recoveredIn(Snapshot later) {
            int dead = 0, back = 0;
            for (int l = 0; l < fired.size(); l++) {
                for (int u = 0; u < fired.get(l).length; u++) {
                    if (!fired.get(l)[u]) {
                        dead++;
                        if (later.fired().get(l)[u]) back++;
                    }
                }
            }
            return dead == 0 ? Double.NaN : (double) back / dead;
        }

        /** Exact zeros over all hidden activation outputs. */
        public double exactZeroFraction() {
            double s = 0;
            for (double z : exactZeros) s += z;
            return exactZeros.length == 0 ? Double.NaN : s / exactZeros.length;
        }
    }

    /** Runs x (N, ...) through the model in inference mode, batch by batch, and records the hidden layers. */
    public static Snapshot measure(Model model, Tensor x, int batchSize) {
        List<Layer> layers = model.layers();
        List<Integer> hidden = new ArrayList<>();   // Dense layers followed by an activation
        for (int i = 0; i + 1 < layers.size(); i++) {
            if (layers.get(i) instanceof Dense && (layers.get(i + 1) instanceof Activation || layers.get(i + 1) instanceof PReLU)) hidden.add(i);
        }
        List<boolean[]> fired = new ArrayList<>();
        for (int i : hidden) fired.add(new boolean[layers.get(i).outputShape().size()]);
        long[] zeros = new long[hidden.size()], total = new long[hidden.size()];
        int n = x.batch(), sample = x.sampleSize();
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            int[] shape = x.shape();
            shape[0] = count;
            Tensor batch = Tensor.zeros(shape);
            System.arraycopy(x.data, from * sample, batch.data, 0, count * sample);
            Tensor t = batch;
            int h = -1;
            for (int i = 0; i < layers.size(); i++) {
                t = layers.get(i).forward(t, false);
                if (h + 1 < hidden.size() && hidden.get(h + 1) == i) {
                    h++;
                    boolean[] f = fired.get(h);
                    int u = f.length;
                    for (int r = 0; r < count; r++) for (int j = 0; j < u; j++) if (t.data[r * u + j] > 0f) f[j] = true;
                } else if (h >= 0 && hidden.get(h) == i - 1) {   // the activation right after hidden Dense h
                    for (int k = 0; k < t.size(); k++) if (t.data[k] == 0f) zeros[h]++;
                    total[h] += t.size();
                }
            }
        }
        double[] z = new double[hidden.size()];
        for (int l = 0; l < z.length; l++) z[l] = total[l] == 0 ? Double.NaN : (double) zeros[l] / total[l];
        return new Snapshot(fired, z);
    }
}
