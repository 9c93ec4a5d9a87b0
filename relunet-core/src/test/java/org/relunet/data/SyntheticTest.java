package org.relunet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticTest {
    /** One generator with the class count fixed, so the shared checks can run over all four. */
    private interface Generator { Dataset make(int samples, double noise, long seed); }

    private static final Generator SPIRALS = (n, noise, seed) -> Synthetic.spirals(n, 3, noise, seed);
    private static final Generator CIRCLES = (n, noise, seed) -> Synthetic.circles(n, 4, noise, seed);
    private static final Generator XOR = Synthetic::xor;
    private static final Generator BLOBS = (n, noise, seed) -> Synthetic.blobs(n, 5, noise, seed);
    private static final Generator[] ALL = {SPIRALS, CIRCLES, XOR, BLOBS};

    @Test
    void shapesAndClassBalance() {
        for (Generator g : ALL) {
            Dataset d = g.make(101, 0.1, 1);
            assertArrayEquals(new int[] {101, 2}, d.inputs().shape(), d.name());
            int[] counts = d.classCounts();
            int min = Arrays.stream(counts).min().orElseThrow();
            int max = Arrays.stream(counts).max().orElseThrow();
            assertTrue(max - min <= 1, d.name() + " counts " + Arrays.toString(counts));
            assertEquals(101, Arrays.stream(counts).sum());
            assertEquals(d.classes(), d.classNames().length);
            for (float v : d.inputs().data) assertTrue(Float.isFinite(v) && Math.abs(v) < 3, d.name() + " value " + v);
        }
        assertEquals(3, Synthetic.spirals(30, 3, 0, 0).classes());
        assertEquals(2, Synthetic.xor(30, 0, 0).classes());
    }

    @Test
    void deterministicPerSeedAndDifferentAcrossSeeds() {
        for (Generator g : ALL) {
            Dataset a = g.make(200, 0.1, 42);
            Dataset b = g.make(200, 0.1, 42);
            Dataset c = g.make(200, 0.1, 43);
            assertArrayEquals(a.inputs().data, b.inputs().data, a.name());
            assertArrayEquals(a.labels(), b.labels(), a.name());
            assertFalse(Arrays.equals(a.inputs().data, c.inputs().data), a.name() + " ignores its seed");
        }
    }

    @Test
    void noiselessGeometry() {
        Dataset circles = Synthetic.circles(400, 4, 0, 5);
        for (int i = 0; i < circles.size(); i++) {
            double r = Math.hypot(circles.inputs().data[2 * i], circles.inputs().data[2 * i + 1]);
            assertEquals((circles.labels()[i] + 1) / 4.0, r, 1e-6, "ring radius");
        }
        Dataset xor = Synthetic.xor(100, 0, 5);
        for (int i = 0; i < xor.size(); i++) {
            float x = xor.inputs().data[2 * i];
            float y = xor.inputs().data[2 * i + 1];
            assertEquals(0.5f, Math.abs(x));
            assertEquals(0.5f, Math.abs(y));
            assertEquals((x > 0) == (y > 0) ? 0 : 1, xor.labels()[i], "xor label");
        }
        Dataset blobs = Synthetic.blobs(50, 5, 0, 5);
        for (int i = 0; i < blobs.size(); i++) {
            double angle = 2 * Math.PI * blobs.labels()[i] / 5;
            assertEquals(Math.cos(angle), blobs.inputs().data[2 * i], 1e-6);
            assertEquals(Math.sin(angle), blobs.inputs().data[2 * i + 1], 1e-6);
        }
        Dataset spirals = Synthetic.spirals(300, 3, 0, 5);
        for (int i = 0; i < spirals.size(); i++) {
            double r = Math.hypot(spirals.inputs().data[2 * i], spirals.inputs().data[2 * i + 1]);
            double angle = Math.atan2(spirals.inputs().data[2 * i + 1], spirals.inputs().data[2 * i]);
            double expected = 2 * Math.PI * spirals.labels()[i] / 3 + 3 * Math.PI * r;
            assertTrue(r > 0 && r < 1, "radius " + r);
            assertEquals(0, Math.IEEEremainder(angle - expected, 2 * Math.PI), 1e-4, "point " + i + " off its arm");
        }
    }

    @Test
    void noiseScalesTheSpread() {
        Dataset blobs = Synthetic.blobs(4000, 2, 0.2, 9);
        double sumSquares = 0;
        for (int i = 0; i < blobs.size(); i++) {
            double cx = blobs.labels()[i] == 0 ? 1 : -1;
            double dx = blobs.inputs().data[2 * i] - cx;
            double dy = blobs.inputs().data[2 * i + 1];
            sumSquares += dx * dx + dy * dy;
        }
        double std = Math.sqrt(sumSquares / (2 * blobs.size()));
        assertEquals(0.2, std, 0.01, "per-coordinate standard deviation");
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Synthetic.spirals(10, 1, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.circles(2, 3, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.xor(10, -0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.blobs(10, 2, Double.NaN, 0));
    }
}
