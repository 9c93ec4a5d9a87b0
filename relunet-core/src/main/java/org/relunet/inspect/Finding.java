package org.relunet.inspect;

/**
 * One thing {@link ModelLint} found wrong or doubtful in an architecture.
 *
 * @param rule       the rule's id, e.g. {@code activation-after-softmax}
 * @param severity   how bad it is
 * @param layerIndex the layer it is about (index into the spec list), or -1 for the whole model
 * @param message    what is wrong and why, with the numbers
 * @param fix        what to change
 */
public record Finding(String rule, Severity severity, int layerIndex, String message, String fix) {

    /** ERROR: training will go wrong; WARNING: likely to hurt; INFO: harmless but pointless. */
    public enum Severity {
        ERROR, WARNING, INFO;

        /** Lower-case name for output: {@code error}, {@code warning}, {@code info}. */
        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public Finding {
        if (rule == null || severity == null || message == null || fix == null) throw new IllegalArgumentException("finding fields must not be null");
    }

    /** E.g. {@code error [softmax-in-hidden-layer] layer 2: ... Fix: ...}. */
    @Override public String toString() {
        return severity.label() + " [" + rule + "]" + (layerIndex >= 0 ? " layer " + layerIndex : "") + ": " + message + ". Fix: " + fix;
    }
}
