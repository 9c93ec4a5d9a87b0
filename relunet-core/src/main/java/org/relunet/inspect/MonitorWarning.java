package org.relunet.inspect;

/**
 * A threshold {@link TrainingMonitor} saw crossed: raised the first epoch it happens, and again
 * only after the layer recovered and crossed it once more.
 *
 * @param epoch   1-based epoch
 * @param layer   index in {@code model.layers()}
 * @param rule    {@code dead-units} or {@code vanishing-gradient}
 * @param message what was measured, against which threshold, and what to try
 */
public record MonitorWarning(int epoch, int layer, String rule, String message) {

    public static final String DEAD_UNITS = "dead-units";
    public static final String VANISHING_GRADIENT = "vanishing-gradient";

    /** E.g. {@code epoch 3, layer 2 [dead-units]: ...}. */
    @Override public String toString() { return "epoch " + epoch + ", layer " + layer + " [" + rule + "]: " + message; }

    /** The fields by name, for {@link org.relunet.io.Json}. */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("layer", layer);
        m.put("rule", rule);
        m.put("message", message);
        return m;
    }
}
