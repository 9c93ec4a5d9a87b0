package org.relunet.lab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BornDeadTest {

    /** For one input a ReLU layer of width N is all off with probability 2^-N, so the net survives L layers with (1 - 2^-N)^L. */
    @Test void singleInputDeathFollowsTheClosedForm() {
        int trials = 4000, width = 3, depth = 12;
        double[][] mc = E5DeadUnits.bornDead(width, depth, trials, 8, 99);
        for (int l = 1; l <= depth; l++) {
            double p = 1 - Math.pow(1 - Math.pow(2, -width), l);
            double se = Math.sqrt(p * (1 - p) / trials);
            assertEquals(p, mc[0][l - 1], 4.5 * se, "depth " + l);
            assertTrue(mc[1][l - 1] <= mc[0][l - 1], "dead for all inputs implies dead for the first");
            if (l > 1) assertTrue(mc[1][l - 1] >= mc[1][l - 2], "a dead net stays dead");
        }
    }
}
