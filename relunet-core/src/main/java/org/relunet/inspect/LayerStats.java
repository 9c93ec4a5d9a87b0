package org.relunet.inspect;

/**
 * What {@link TrainingMonitor} measured for one layer at the end of one epoch. Activation figures
 * are over the layer's output on the probe set (inference mode); the gradient is of the mean
 * probe-set loss; NaN where a figure does not apply (no parameters, not a rectifier).
 *
 * @param epoch            1-based epoch, as in {@link org.relunet.train.EpochResult}
 * @param layer            index in {@code model.layers()}
 * @param name             the layer's spec text, e.g. {@code dense(256)} or {@code relu}
 * @param units            output units: features of a vector output, channels of an image output
 * @param gradientNorm     L2 norm of dLoss/dWeights (PReLU: the slopes) on the probe set
 * @param updateRatio      log10(mean |update| / mean |weight|) of the epoch's last optimiser step;
 *                         about -3 is healthy (Karpathy's rule of thumb), much lower is a stalled
 *                         layer, above -1 an unstable one
 * @param epochUpdateRatio the same for the whole epoch's change of the weights
 * @param activationMean   mean of the output
 * @param activationStd    standard deviation of the output
 * @param zeroFraction     fraction of output values that are exactly 0
 * @param deadFraction     for rectifier outputs (ReLU, LeakyReLU, PReLU, ELU): fraction of units
 *                         never positive for any probe sample (for images, a unit is a channel
 *                         never positive at any position)
 */
public record LayerStats(int epoch, int layer, String name, int units, double gradientNorm, double updateRatio,
                         double epochUpdateRatio, double activationMean, double activationStd, double zeroFraction,
                         double deadFraction) {

    /** The CSV header matching {@link #csvRow()}. */
    public static final String CSV_HEADER = "epoch,layer,name,units,grad_norm,update_ratio_log10,epoch_update_ratio_log10,"
            + "act_mean,act_std,zero_fraction,dead_fraction";

    /** One CSV line (no newline); NaN and infinities are left empty. */
    public String csvRow() {
        return epoch + "," + layer + "," + name.replace(',', ';') + "," + units + "," + num(gradientNorm) + "," + num(updateRatio) + ","
                + num(epochUpdateRatio) + "," + num(activationMean) + "," + num(activationStd) + "," + num(zeroFraction) + "," + num(deadFraction);
    }

    /** The fields under their CSV names, in CSV order, for {@link org.relunet.io.Json} (NaN is written as null). */
    public java.util.Map<String, Object> toMap() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("layer", layer);
        m.put("name", name);
        m.put("units", units);
        m.put("grad_norm", gradientNorm);
        m.put("update_ratio_log10", updateRatio);
        m.put("epoch_update_ratio_log10", epochUpdateRatio);
        m.put("act_mean", activationMean);
        m.put("act_std", activationStd);
        m.put("zero_fraction", zeroFraction);
        m.put("dead_fraction", deadFraction);
        return m;
    }

    private static String num(double v) { return Double.isFinite(v) ? Double.toString(v) : ""; }
}
