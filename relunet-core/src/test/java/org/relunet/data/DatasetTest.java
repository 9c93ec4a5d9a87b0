package org.relunet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.relunet.tensor.Tensor;

class DatasetTest {
    /**
     * A data set whose sample i is (2, 3) filled with i + k/10, so any copy can be traced back to
     * its source; labels follow the given class sizes in blocks (class 0 first).
     */
    private static Dataset traceable(int... classSizes) {
        int n = Arrays.stream(classSizes).sum();
        float[] data = new float[n * 6];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 6; k++) data[i * 6 + k] = i + k / 10f;
        }
        int[] labels = new int[n];
        int at = 0;
        for (int c = 0; c < classSizes.length; c++) {
            for (int j = 0; j < classSizes[c]; j++) labels[at++] = c;
        }
        String[] names = new String[classSizes.length];
        Arrays.setAll(names, c -> "class " + c);
        return new Dataset("traceable", new Tensor(data, n, 2, 3), labels, classSizes.length, names);
    }

    /** The original index of every sample in a data set derived from {@link #traceable}. */
    private static int[] origins(Dataset d) {
        int[] origins = new int[d.size()];
        for (int i = 0; i < d.size(); i++) {
            origins[i] = Math.round(d.inputs().data[i * 6]);
            for (int k = 0; k < 6; k++) assertEquals(origins[i] + k / 10f, d.inputs().data[i * 6 + k], 1e-4);
        }
        return origins;
    }

    private static boolean ascending(int[] a) {
        for (int i = 1; i < a.length; i++) if (a[i] <= a[i - 1]) return false;
        return true;
    }

    @Test
    void classCounts() {
        assertArrayEquals(new int[] {3, 0, 5}, traceable(3, 0, 5).classCounts());
    }

    @Test
    void stratifiedSplitKeepsProportionsAndCoversEverySampleOnce() {
        Dataset d = traceable(100, 50, 30, 20);
        Dataset.Split split = d.split(0.2, 7);
        assertEquals(40, split.validation().size());
        assertEquals(160, split.train().size());
        assertArrayEquals(new int[] {20, 10, 6, 4}, split.validation().classCounts());
        assertArrayEquals(new int[] {80, 40, 24, 16}, split.train().classCounts());
        int[] train = origins(split.train());
        int[] validation = origins(split.validation());
        assertTrue(ascending(train) && ascending(validation), "both parts keep the original order");
        Set<Integer> seen = new HashSet<>();
        for (int i : train) assertTrue(seen.add(i));
        for (int i : validation) assertTrue(seen.add(i), "sample " + i + " is in both parts");
        assertEquals(200, seen.size());
        for (int i = 0; i < validation.length; i++) assertEquals(d.labels()[validation[i]], split.validation().labels()[i]);
    }

    @Test
    void splitIsDeterministicPerSeedAndDiffersAcrossSeeds() {
        Dataset d = traceable(100, 50, 30, 20);
        assertArrayEquals(origins(d.split(0.25, 1).validation()), origins(d.split(0.25, 1).validation()));
        assertFalse(Arrays.equals(origins(d.split(0.25, 1).validation()), origins(d.split(0.25, 2).validation())));
    }

    @Test
    void splitRoundsByLargestRemainderToTheExactTotal() {
        // 0.5 * (7, 5, 3) = (3.5, 2.5, 1.5): total round(7.5) = 8, floors give 6, the two extra seats go to
        // the tied remainders of the lowest classes.
        Dataset.Split split = traceable(7, 5, 3).split(0.5, 3);
        assertEquals(8, split.validation().size());
        assertArrayEquals(new int[] {4, 3, 1}, split.validation().classCounts());
        assertThrows(IllegalArgumentException.class, () -> traceable(7, 5, 3).split(0.01, 3), "empty validation part");
        assertThrows(IllegalArgumentException.class, () -> traceable(7, 5, 3).split(1.0, 3));
    }

    @Test
    void headTakesTheFirstSamples() {
        Dataset head = traceable(5, 5).head(3);
        assertArrayEquals(new int[] {0, 1, 2}, origins(head));
        assertArrayEquals(new int[] {2, 3}, head.sampleShape().dims());
        assertThrows(IllegalArgumentException.class, () -> traceable(5, 5).head(11));
    }

    @Test
    void stratifiedSubsetTakesExactlyPerClassInOriginalOrder() {
        Dataset d = traceable(10, 40, 25);
        Dataset subset = d.stratifiedSubset(8, 11);
        assertArrayEquals(new int[] {8, 8, 8}, subset.classCounts());
        int[] origins = origins(subset);
        assertTrue(ascending(origins));
        for (int i = 0; i < origins.length; i++) assertEquals(d.labels()[origins[i]], subset.labels()[i]);
        assertArrayEquals(origins, origins(d.stratifiedSubset(8, 11)), "deterministic for a seed");
        assertFalse(Arrays.equals(origins, origins(d.stratifiedSubset(8, 12))), "another seed draws other samples");
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class, () -> d.stratifiedSubset(11, 1));
        assertTrue(tooFew.getMessage().contains("class 0 (class 0) has 10 samples"), tooFew.getMessage());
    }

    @Test
    void gatherCopiesTheIndexedSamplesIntoALargerFlatBatch() {
        Dataset d = traceable(3, 4);
        int[] order = {6, 0, 5, 2, 1, 3, 4};
        Tensor batch = Tensor.zeros(4, 6); // (B, 6): flat rows for a Dense layer, more rows than needed
        batch.fill(-1f);
        int[] labels = new int[4];
        Arrays.fill(labels, -1);
        d.gather(order, 2, 3, batch, labels); // samples 5, 2, 1
        for (int row = 0; row < 3; row++) {
            int sample = order[2 + row];
            assertArrayEquals(Arrays.copyOfRange(d.inputs().data, sample * 6, sample * 6 + 6),
                    Arrays.copyOfRange(batch.data, row * 6, row * 6 + 6));
            assertEquals(d.labels()[sample], labels[row]);
        }
        for (int k = 18; k < 24; k++) assertEquals(-1f, batch.data[k], "row past count is untouched");
        assertEquals(-1, labels[3]);
    }

    @Test
    void gatherRejectsWrongBatchesAndIndices() {
        Dataset d = traceable(3, 4);
        int[] order = {0, 1, 2, 3};
        assertThrows(IllegalArgumentException.class, () -> d.gather(order, 0, 3, Tensor.zeros(2, 6), new int[3]), "too few rows");
        assertThrows(IllegalArgumentException.class, () -> d.gather(order, 0, 2, Tensor.zeros(2, 5), new int[2]), "wrong sample size");
        assertThrows(IllegalArgumentException.class, () -> d.gather(order, 0, 2, Tensor.zeros(2, 6), new int[1]), "too few labels");
        assertThrows(IndexOutOfBoundsException.class, () -> d.gather(order, 3, 2, Tensor.zeros(2, 6), new int[2]), "past the index array");
        assertThrows(IndexOutOfBoundsException.class, () -> d.gather(new int[] {7}, 0, 1, Tensor.zeros(1, 6), new int[1]), "no sample 7");
    }

    @Test
    void gatherAllocatesNothing() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
            Assumptions.abort("per-thread allocation counting is not available");
            return;
        }
        Dataset d = traceable(300, 300);
        int[] order = new int[600];
        Arrays.setAll(order, i -> (i * 7919) % 600);
        Tensor batch = Tensor.zeros(32, 2, 3);
        int[] labels = new int[32];
        for (int i = 0; i < 20_000; i++) d.gather(order, (i * 32) % 576, 32, batch, labels); // warm up
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) d.gather(order, (i * 32) % 576, 32, batch, labels);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // One allocation per call would be at least 160 kB; allow a little for the measurement itself.
        assertTrue(allocated < 1024, "gather allocated " + allocated + " bytes in 10000 calls");
    }
}
