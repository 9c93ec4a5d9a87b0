package org.relunet.lab;

import java.util.List;
import java.util.Locale;

/**
 * Whether a claim held, decided by findings computed from the measurements: HELD when every
 * finding held, NOT HELD when none did, MIXED otherwise.
 *
 * @param outcome  the overall outcome
 * @param headline one line for the summary table: the numbers that matter most
 * @param findings the sub-claims checked, each with its measured numbers and outcome
 */
public record Verdict(Outcome outcome, String headline, List<Finding> findings) {

    public enum Outcome {
        HELD, NOT_HELD, MIXED,
        /** The experiment crashed; the headline says why. */
        FAILED;

        /** As shown in the report: {@code HELD}, {@code NOT HELD}, {@code MIXED}, {@code FAILED}. */
        public String label() { return name().replace('_', ' '); }

        /** CSS class of the badge. */
        public String cssClass() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }
    }

    /**
     * One checked sub-claim.
     *
     * @param claim    what was expected, e.g. "max sigmoid'(x) = 1/4, at x = 0"
     * @param measured what was measured, with numbers
     * @param outcome  HELD or NOT_HELD (MIXED when the finding itself is split, e.g. one network of two)
     */
    public record Finding(String claim, String measured, Outcome outcome) {
        public Finding {
            if (claim == null || claim.isBlank() || measured == null || outcome == null) {
                throw new IllegalArgumentException("a finding needs a claim, a measurement and an outcome");
            }
        }

        public static Finding check(String claim, String measured, boolean held) {
            return new Finding(claim, measured, held ? Outcome.HELD : Outcome.NOT_HELD);
        }
    }

    public Verdict {
        if (outcome == null || headline == null) throw new IllegalArgumentException("a verdict needs an outcome and a headline");
        findings = List.copyOf(findings);
    }

    /** The overall outcome of the findings: all held, none held, or mixed. */
    public static Verdict of(String headline, List<Finding> findings) {
        if (findings.isEmpty()) throw new IllegalArgumentException("a verdict needs at least one finding");
        long held = findings.stream().filter(f -> f.outcome() == Outcome.HELD).count();
        long notHeld = findings.stream().filter(f -> f.outcome() == Outcome.NOT_HELD).count();
        Outcome o = held == findings.size() ? Outcome.HELD : notHeld == findings.size() ? Outcome.NOT_HELD : Outcome.MIXED;
        return new Verdict(o, headline, findings);
    }

    public static Verdict failed(String why) { return new Verdict(Outcome.FAILED, why, List.of()); }
}
