package org.relunet.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The cache-line probe returns a finite positive figure and leaves no thread behind (no timing is asserted). */
class CoreLinkTest {
    @Test
    void roundTripIsPositiveAndThePartnerStops() throws InterruptedException {
        double ns = CoreLink.roundTripNanos(3);
        if (Runtime.getRuntime().availableProcessors() < 2) {
            assertTrue(Double.isNaN(ns), "one processor: no figure");
            return;
        }
        assertTrue(ns > 0 && Double.isFinite(ns), "round trip " + ns);
        for (int i = 0; i < 200 && partnerAlive(); i++) Thread.sleep(10);
        assertFalse(partnerAlive(), "the partner thread ends when the probe returns");
    }

    private static boolean partnerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("relunet-bench-corelink") && t.isAlive());
    }
}
