package org.relunet.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LabOptionsTest {

    @Test void defaultsAreAQuickRunOfEverything() {
        LabOptions o = LabOptions.parse();
        assertEquals(LabOptions.Mode.QUICK, o.mode());
        assertEquals(Path.of("lab-report"), o.outDir());
        assertTrue(o.only().isEmpty());
        assertNull(o.seeds());
        assertEquals(2, o.seedCount());
        assertNull(o.dataDir());
        assertTrue(o.threads() >= 1);
    }

    @Test void readsEveryFlagInBothSpellings() {
        LabOptions o = LabOptions.parse("--full", "--out", "r", "--only", "E1,e3", "--seeds=4", "--data", "/d", "--threads", "1");
        assertEquals(LabOptions.Mode.FULL, o.mode());
        assertEquals(Path.of("r"), o.outDir());
        assertEquals(Set.of("e1", "e3"), o.only());
        assertEquals(4, o.seedCount());
        assertEquals(Path.of("/d"), o.dataDir());
        assertEquals(1, o.threads());
        assertEquals(3, LabOptions.parse("--full").seedCount());
        assertEquals(1, LabOptions.parse("--tiny").seedCount());
    }

    @Test void badFlagsAreErrorsThatNameTheFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabOptions.parse("--fast")).getMessage().contains("--fast"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabOptions.parse("--seeds", "x")).getMessage().contains("--seeds"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabOptions.parse("--out")).getMessage().contains("--out"));
        assertThrows(IllegalArgumentException.class, () -> LabOptions.parse("--seeds", "0"));
        assertThrows(IllegalArgumentException.class, () -> LabOptions.parse("--threads", "0"));
    }

    @Test void unknownExperimentIdsAreRejectedWithTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lab.select(Set.of("e99")));
        assertTrue(e.getMessage().contains("e1, e2, e3, e4, e5, e6"), e.getMessage());
        assertEquals(2, Lab.select(Set.of("e2", "e5")).size());
        assertEquals(Lab.experiments().size(), Lab.select(Set.of()).size());
    }
}
