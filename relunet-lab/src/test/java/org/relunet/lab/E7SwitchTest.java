package org.relunet.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** e7 in its tiny configuration: the facts that hold at any size (exact maps, no jumps, the sawtooth's 2^k). */
class E7SwitchTest {
    @TempDir Path dir;

    @Test void exactFactsHoldEvenInTheTinyRun() {
        LabRun run = Lab.execute(new LabOptions(LabOptions.Mode.TINY, dir, Set.of("e7"), null, null, 2),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        ExperimentResult r = run.results().get(0);
        assertEquals("e7", r.id());
        for (String key : new String[] {"mlp_reconstruction_errors", "cnn_reconstruction_errors"}) {
            for (double e : (double[]) r.data().get(key)) assertTrue(e <= 1e-5, key + " " + e);
        }
        assertTrue((Double) r.data().get("continuity_max_jump") <= 1e-5);
        assertTrue((Double) r.data().get("continuity_median_slope_change") > 0);
        assertArrayEquals(new int[] {2, 4, 8, 16, 32, 64}, (int[]) r.data().get("sawtooth_regions"));
        assertTrue((Integer) r.data().get("spiral_map_regions") > 1);
        for (Verdict.Finding f : r.verdict().findings()) {
            if (f.claim().contains("single linear map") || f.claim().contains("no sudden jump")) {
                assertEquals(Verdict.Outcome.HELD, f.outcome(), f.claim() + ": " + f.measured());
            }
        }
        assertEquals(6, r.figures().size());
    }
}
