package org.relunet.inspect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.relunet.nn.Model;

/**
 * Exact counts of the activation regions of a piecewise-linear network (Dense, Conv2d, MaxPool2d,
 * Flatten, Dropout; ReLU, LeakyReLU, PReLU, Identity), found from the breakpoints of the
 * pre-activations rather than by sampling.
 *
 * <p>Along the segment x(t) = a + t (b - a), t in [0, 1]: inside a region every pre-activation
 * z_i(t) = z_i(t0) + (t - t0) dz_i is affine in t (the switches fix one linear map), and so is the
 * gap between a max-pool winner and its rivals. The walk starts at t = 0 with the switches just
 * after a, finds the nearest t where one of those affine functions reaches zero, steps there,
 * decides the switches just after it (a unit at zero takes the sign of its slope, layer by layer,
 * so downstream units see the flip), and repeats until t = 1. Each region is convex (it is cut out
 * by linear inequalities), so a segment meets it once and the count is the number of distinct
 * patterns met. Everything runs in double on the model's float weights.
 *
 * <p>Hanin and Rolnick (2019), "Deep ReLU networks have surprisingly few activation patterns":
 * the number of regions met along a line grows with the number of neurons, not with depth.
 */
public final class LinearRegions {
    /** Steps of the walk before it gives up: far beyond any count a line through a real network meets. */
    static final int MAX_STEPS = 10_000_000;

    private LinearRegions() {}

    /**
     * The activation regions met along a segment.
     *
     * @param regions          distinct activation patterns met for t in [0, 1] (at least 1)
     * @param breakpoints      the t in (0, 1) where the pattern changes, ascending (regions - 1 of them)
     * @param breakpointLayers for each breakpoint, the first model layer whose switches change there
     */
    public record Segment(int regions, double[] breakpoints, int[] breakpointLayers) {}

    /**
     * Counts the regions crossed on the segment from a to b (two samples, inputShape.size() values each).
     *
     * @throws IllegalArgumentException naming the first layer that is not piecewise linear
     */
    public static Segment alongSegment(Model model, float[] a, float[] b) {
        SwitchedNetwork net = SwitchedNetwork.of(model);
        net.requirePiecewiseLinear();
        int n = net.inputs();
        if (a.length != n || b.length != n) {
            throw new IllegalArgumentException("model expects " + model.inputShape() + " = " + n + " values per point but got "
                    + a.length + " and " + b.length);
        }
        double[] start = new double[n], dir = new double[n];
        for (int i = 0; i < n; i++) {
            start[i] = a[i];
            dir[i] = (double) b[i] - a[i];
        }
        List<Double> breaks = new ArrayList<>();
        List<Integer> layers = new ArrayList<>();
        ActivationPattern current = null;
        double t = 0;
        for (int step = 0; ; step++) {
            if (step == MAX_STEPS) throw new IllegalStateException("region walk did not finish after " + MAX_STEPS + " steps at t = " + t);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = start[i] + t * dir[i];
            SwitchedNetwork.Local local = net.decide(x, dir);
            ActivationPattern p = net.pattern(local.linearization());
            if (current == null) {
                current = p;
            } else if (!p.equals(current)) {
                breaks.add(t);
                layers.add(p.firstDifference(current));
                current = p;
            }
            double dt = nextCrossing(net, local);
            if (!(t + dt < 1)) break;
            t = Math.max(t + dt, Math.nextUp(t));
        }
        return new Segment(breaks.size() + 1, breaks.stream().mapToDouble(Double::doubleValue).toArray(),
                layers.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The smallest dt &gt; 0 at which a switch of the current region flips, or +infinity. */
    private static double nextCrossing(SwitchedNetwork net, SwitchedNetwork.Local local) {
        double best = Double.POSITIVE_INFINITY;
        List<SwitchedNetwork.Step> steps = net.steps();
        SwitchedNetwork.Linearization lin = local.linearization();
        for (int k = 0; k < steps.size(); k++) {
            double[] v = local.value()[k], s = local.slope()[k];
            switch (steps.get(k)) {
                case SwitchedNetwork.RectifierStep r -> {
                    boolean[] on = lin.on()[k];
                    for (int i = 0; i < v.length; i++) {
                        // an on unit falls to zero, or an off unit rises to it
                        if (on[i] && s[i] < 0 && v[i] > 0) best = Math.min(best, v[i] / -s[i]);
                        else if (!on[i] && s[i] > 0 && v[i] < 0) best = Math.min(best, -v[i] / s[i]);
                    }
                }
                case SwitchedNetwork.PoolStep p -> {
                    int[] winners = lin.winners()[k];
                    int[] window = new int[p.window() * p.window()];
                    for (int o = 0; o < winners.length; o++) {
                        SwitchedNetwork.windowOf(p, o, window);
                        int w = winners[o];
                        for (int j : window) {
                            // a rival catches up with the winner
                            double gap = v[w] - v[j], rate = s[w] - s[j];
                            if (j != w && rate < 0 && gap > 0) best = Math.min(best, gap / -rate);
                        }
                    }
                }
                default -> { }
            }
        }
        return best;
    }

    /**
     * The regions of a network with two inputs (the synthetic data sets) over the rectangle
     * [xMin, xMax] x [yMin, yMax], one pattern per pixel centre; row 0 is the top (y = yMax).
     */
    public static RegionMap map(Model model, double xMin, double xMax, double yMin, double yMax, int width, int height) {
        if (model.inputShape().size() != 2) {
            throw new IllegalArgumentException("a region map of the input plane needs a model with 2 inputs but this one takes "
                    + model.inputShape() + "; use mapPlane with two directions");
        }
        return mapPlane(model, new float[2], new float[] {1, 0}, new float[] {0, 1}, xMin, xMax, yMin, yMax, width, height);
    }

    /**
     * The regions on the plane origin + u U + v V through the input space (e.g. through three
     * images), for u in [uMin, uMax] and v in [vMin, vMax]; pixel (row, col) is the pattern at its
     * centre, row 0 at v = vMax. Region ids are numbered in the order pixels are met.
     */
    public static RegionMap mapPlane(Model model, float[] origin, float[] dirU, float[] dirV,
                                     double uMin, double uMax, double vMin, double vMax, int width, int height) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("map size must be at least 1x1, got " + width + "x" + height);
        if (!(uMax > uMin) || !(vMax > vMin)) throw new IllegalArgumentException("empty range: u [" + uMin + ", " + uMax + "], v [" + vMin + ", " + vMax + "]");
        SwitchedNetwork net = SwitchedNetwork.of(model);
        net.requirePiecewiseLinear();
        int n = net.inputs();
        if (origin.length != n || dirU.length != n || dirV.length != n) {
            throw new IllegalArgumentException("origin and directions need " + n + " values each");
        }
        int[][] ids = new int[height][width], predicted = new int[height][width];
        Map<ActivationPattern, Integer> known = new HashMap<>();
        double[] x = new double[n];
        for (int row = 0; row < height; row++) {
            double v = vMax - (row + 0.5) * (vMax - vMin) / height;
            for (int col = 0; col < width; col++) {
                double u = uMin + (col + 0.5) * (uMax - uMin) / width;
                for (int i = 0; i < n; i++) x[i] = origin[i] + u * dirU[i] + v * dirV[i];
                SwitchedNetwork.Local local = net.decide(x, null);
                ActivationPattern p = net.pattern(local.linearization());
                Integer id = known.get(p);
                if (id == null) {
                    id = known.size();
                    known.put(p, id);
                }
                ids[row][col] = id;
                predicted[row][col] = argmax(local.output());
            }
        }
        return new RegionMap(ids, predicted, known.size(), uMin, uMax, vMin, vMax);
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
