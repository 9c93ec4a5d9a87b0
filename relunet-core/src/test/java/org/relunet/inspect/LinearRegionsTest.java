package org.relunet.inspect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.relunet.init.Rng;
import org.relunet.nn.Dense;
import org.relunet.nn.LayerSpecParser;
import org.relunet.nn.Model;
import org.relunet.tensor.Shape;

class LinearRegionsTest {

    private static void set(Model m, int layer, float[] weight, float[] bias) {
        Dense d = (Dense) m.layers().get(layer);
        System.arraycopy(weight, 0, d.weight().value(), 0, weight.length);
        System.arraycopy(bias, 0, d.bias().value(), 0, bias.length);
    }

    @Test void oneLayerBreakpointsAreWhereEachUnitCrossesZero() {
        // x(t) = -1 + 4t; units relu(x - 0.5), relu(-x + 1), relu(2x + 1) switch at x = 0.5, 1, -0.5
        Model m = Model.of(Shape.vector(1), LayerSpecParser.parse("dense(3) relu dense(1)"), 1);
        set(m, 0, new float[] {1, -1, 2}, new float[] {-0.5f, 1, 1});
        LinearRegions.Segment s = LinearRegions.alongSegment(m, new float[] {-1}, new float[] {3});
        assertEquals(4, s.regions());
        assertArrayEquals(new double[] {0.125, 0.375, 0.5}, s.breakpoints(), 1e-15);
        assertArrayEquals(new int[] {1, 1, 1}, s.breakpointLayers());
    }

    /** Telgarsky's sawtooth: the tent map T(y) = 2 relu(y) - 4 relu(y - 1/2) composed k times has 2^k pieces on [0, 1]. */
    static Model sawtooth(int depth) {
        StringBuilder spec = new StringBuilder("dense(2) relu");
        for (int i = 1; i < depth; i++) spec.append(" dense(2) relu");
        Model m = Model.of(Shape.vector(1), LayerSpecParser.parse(spec + " dense(1)"), 1);
        set(m, 0, new float[] {1, 1}, new float[] {0, -0.5f});                         // y, y - 1/2 with y = x
        for (int i = 1; i < depth; i++) set(m, 2 * i, new float[] {2, -4, 2, -4}, new float[] {0, -0.5f});   // T(y), T(y) - 1/2
        set(m, 2 * depth, new float[] {2, -4}, new float[] {0});
        return m;
    }

    @Test void sawtoothDepthKCrosses2ToTheKRegionsAtTheDyadicPoints() {
        for (int k = 1; k <= 8; k++) {
            LinearRegions.Segment s = LinearRegions.alongSegment(sawtooth(k), new float[] {0}, new float[] {1});
            int n = 1 << k;
            assertEquals(n, s.regions(), "depth " + k);
            double[] expected = new double[n - 1];
            for (int j = 1; j < n; j++) expected[j - 1] = (double) j / n;
            assertArrayEquals(expected, s.breakpoints(), 1e-12, "depth " + k);
            // the breakpoint at odd j / 2^i comes from layer i (the unit relu(y - 1/2) of tent i)
            for (int j = 1; j < n; j++) {
                int i = k - Integer.numberOfTrailingZeros(j);
                assertEquals(2 * i - 1, s.breakpointLayers()[j - 1], "depth " + k + " breakpoint " + j + "/" + n);
            }
        }
    }

    @Test void aReversedSegmentMeetsTheSameRegions() {
        LinearRegions.Segment forward = LinearRegions.alongSegment(sawtooth(5), new float[] {-0.25f}, new float[] {1.5f});
        LinearRegions.Segment back = LinearRegions.alongSegment(sawtooth(5), new float[] {1.5f}, new float[] {-0.25f});
        assertEquals(forward.regions(), back.regions());
        for (int i = 0; i < forward.breakpoints().length; i++) {
            assertEquals(forward.breakpoints()[i], 1 - back.breakpoints()[back.breakpoints().length - 1 - i], 1e-12);
        }
    }

    @Test void maxPoolWinnerChangesAreBreakpoints() {
        // window values along t: 4t, 1 - t/2, 2 - t, 4 - 4t: the last wins until t = 1/2, then the first
        Model m = Model.of(Shape.image(1, 2, 2), LayerSpecParser.parse("maxpool(2) flatten"), 1);
        LinearRegions.Segment s = LinearRegions.alongSegment(m, new float[] {0, 1, 2, 4}, new float[] {4, 0.5f, 1, 0});
        assertEquals(2, s.regions());
        assertArrayEquals(new double[] {0.5}, s.breakpoints(), 1e-15);
        assertArrayEquals(new int[] {0}, s.breakpointLayers());
    }

    @Test void aSegmentInsideOneRegionHasOne() {
        Model m = sawtooth(3);
        assertEquals(1, LinearRegions.alongSegment(m, new float[] {0.01f}, new float[] {0.1f}).regions());
        assertEquals(1, LinearRegions.alongSegment(m, new float[] {0.3f}, new float[] {0.3f}).regions());
    }

    /**
     * Regions are convex, so two points on the segment share a pattern exactly when no breakpoint
     * lies between them. Checked against the model's own float forward pass at 1201 points (pairs
     * within 1e-4 of a breakpoint are skipped, where float rounding may decide otherwise).
     */
    @Test void samplingTheModelAgreesWithTheExactBreakpoints() {
        List<EffectiveLinearMapTest.Mix> mixes = List.of(EffectiveLinearMapTest.MIXES.get(0), EffectiveLinearMapTest.MIXES.get(3),
                EffectiveLinearMapTest.MIXES.get(4), EffectiveLinearMapTest.MIXES.get(5), EffectiveLinearMapTest.MIXES.get(6));
        for (EffectiveLinearMapTest.Mix mix : mixes) {
            for (long seed = 1; seed <= 3; seed++) {
                Model m = EffectiveLinearMapTest.randomModel(mix, seed);
                Rng rng = new Rng(seed);
                int n = mix.input().size();
                float[] a = EffectiveLinearMapTest.randomInput(n, rng), b = EffectiveLinearMapTest.randomInput(n, rng);
                LinearRegions.Segment s = LinearRegions.alongSegment(m, a, b);
                assertEquals(s.regions() - 1, s.breakpoints().length);
                for (int i = 1; i < s.breakpoints().length; i++) assertTrue(s.breakpoints()[i] > s.breakpoints()[i - 1]);
                int samples = 1200, checked = 0;
                ActivationPattern previous = null;
                double previousT = 0;
                for (int j = 0; j <= samples; j++) {
                    double t = (double) j / samples;
                    float[] x = new float[n];
                    for (int i = 0; i < n; i++) x[i] = (float) (a[i] + t * ((double) b[i] - a[i]));
                    ActivationPattern p = ActivationPattern.of(m, x);
                    if (previous != null && !nearBreakpoint(s.breakpoints(), previousT, t, 1e-4)) {
                        int between = countBetween(s.breakpoints(), previousT, t);
                        assertEquals(between > 0, !p.equals(previous), mix.spec() + " seed " + seed + " t " + previousT + ".." + t);
                        checked++;
                    }
                    previous = p;
                    previousT = t;
                }
                assertTrue(checked > samples / 2, "too few checked pairs: " + checked);
                assertTrue(s.regions() > 1, mix.spec() + ": a segment between two random points should cross some region");
            }
        }
    }

    private static int countBetween(double[] breaks, double from, double to) {
        int n = 0;
        for (double b : breaks) if (b > from && b <= to) n++;
        return n;
    }

    private static boolean nearBreakpoint(double[] breaks, double t0, double t1, double margin) {
        for (double b : breaks) if (Math.abs(b - t0) < margin || Math.abs(b - t1) < margin) return true;
        return false;
    }

    @Test void smoothModelsAreRefused() {
        Model m = Model.of(Shape.vector(2), LayerSpecParser.parse("dense(4) sigmoid dense(2)"), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinearRegions.alongSegment(m, new float[2], new float[] {1, 1}));
        assertTrue(e.getMessage().contains("layer 1 (sigmoid)"), e.getMessage());
    }

    @Test void quadrantMapHasFourRegionsSplitAtTheAxes() {
        // relu(x), relu(y): four quadrants, one pattern each
        Model m = Model.of(Shape.vector(2), LayerSpecParser.parse("dense(2) relu dense(2)"), 1);
        set(m, 0, new float[] {1, 0, 0, 1}, new float[] {0, 0});
        set(m, 2, new float[] {1, -1, 0, 0}, new float[] {0, 0});
        RegionMap map = LinearRegions.map(m, -1, 1, -1, 1, 8, 6);
        assertEquals(4, map.regions());
        assertEquals(8, map.width());
        assertEquals(6, map.height());
        int topLeft = map.id(0, 0), topRight = map.id(0, 7), bottomLeft = map.id(5, 0), bottomRight = map.id(5, 7);
        assertEquals(4, java.util.Set.of(topLeft, topRight, bottomLeft, bottomRight).size());
        assertEquals(topLeft, map.id(2, 3));
        assertEquals(topRight, map.id(2, 4));
        assertEquals(bottomLeft, map.id(3, 3));
        boolean[][] edges = map.boundaries();
        assertTrue(edges[0][3] && edges[2][0] && !edges[0][0]);
        // output 0 = relu(x) - relu(y): class 0 wins where it is positive (x > 0, and x > y)
        assertEquals(0, map.predicted(5, 7));
        assertEquals(1, map.predicted(0, 0));
    }

    @Test void planeThroughHigherDimensionalInputsAndSizeChecks() {
        Model m = EffectiveLinearMapTest.randomModel(EffectiveLinearMapTest.MIXES.get(0), 2);
        Rng rng = new Rng(3);
        float[] o = EffectiveLinearMapTest.randomInput(7, rng), u = EffectiveLinearMapTest.randomInput(7, rng), v = EffectiveLinearMapTest.randomInput(7, rng);
        RegionMap map = LinearRegions.mapPlane(m, o, u, v, -1, 1, -1, 1, 40, 30);
        assertTrue(map.regions() > 1);
        int max = 0;
        for (int[] row : map.ids()) for (int id : row) max = Math.max(max, id);
        assertEquals(map.regions() - 1, max);
        assertThrows(IllegalArgumentException.class, () -> LinearRegions.map(m, -1, 1, -1, 1, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> LinearRegions.mapPlane(m, o, u, v, 1, -1, -1, 1, 4, 4));
    }

    @Test void paletteColoursSignsAndRegions() {
        int[][] rgb = Palette.diverging(new double[][] {{-2, 0, 2, 1}});
        assertEquals(0x0000ff, rgb[0][0]);
        assertEquals(0xffffff, rgb[0][1]);
        assertEquals(0xff0000, rgb[0][2]);
        assertEquals(0xff8080, rgb[0][3]);
        assertNotEquals(Palette.hue(0), Palette.hue(1));
        Model m = Model.of(Shape.vector(2), LayerSpecParser.parse("dense(2) relu dense(2)"), 1);
        set(m, 0, new float[] {1, 0, 0, 1}, new float[] {0, 0});
        set(m, 2, new float[] {1, 0, 0, 1}, new float[] {0, 0});
        int[][] picture = Palette.regions(LinearRegions.map(m, -1, 1, -1, 1, 4, 4));
        assertEquals(4, picture.length);
        assertEquals(Palette.hue(0), picture[0][0]);
    }
}
