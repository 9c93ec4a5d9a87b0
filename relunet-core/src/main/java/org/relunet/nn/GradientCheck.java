package org.relunet.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

import org.relunet.init.Rng;
import org.relunet.loss.SoftmaxCrossEntropy;
import org.relunet.tensor.Tensor;

/**
 * Checks a backward pass against central differences, as a test oracle and as a tool for anyone
 * writing a layer. For a layer the scalar loss is L = sum(forward(x) * R) for a fixed random R,
 * so dL/dOut = R; for a model it is the softmax cross-entropy of the labels. Each checked entry
 * passes when {@code |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|)}, with
 * numeric = (L(v + h) - L(v - h)) / 2h, the loss summed in double.
 *
 * <p>Keep ReLU inputs farther than h from the kink and max-pool windows free of near-ties; the
 * value exactly at a kink is a matter of convention and is tested separately.
 */
public final class GradientCheck {

    /**
     * @param checked entries compared
     * @param failed  entries outside the tolerance
     * @param maxAbsError largest |analytic - numeric|
     * @param worst   a description of the worst entry
     */
    public record Result(int checked, int failed, double maxAbsError, String worst) {
        public boolean passed() { return failed == 0; }

        @Override public String toString() {
            return String.format(Locale.ROOT, "%d/%d entries within tolerance, max |error| %.3g%s",
                    checked - failed, checked, maxAbsError, failed > 0 ? "; worst: " + worst : "");
        }
    }

    private final double h, atol, rtol;
    private final int maxEntriesPerTensor;

    /**
     * @param h      finite-difference step
     * @param atol   absolute tolerance
     * @param rtol   relative tolerance
     * @param maxEntriesPerTensor check at most this many entries of each tensor (spread evenly), 0 for all
     */
    public GradientCheck(double h, double atol, double rtol, int maxEntriesPerTensor) {
        this.h = h;
        this.atol = atol;
        this.rtol = rtol;
        this.maxEntriesPerTensor = maxEntriesPerTensor;
    }

    /** Defaults for float32 layers: h = 5e-3, atol = 2e-3, rtol = 2e-2, up to 300 entries per tensor. */
    public static GradientCheck defaults() { return new GradientCheck(5e-3, 2e-3, 2e-2, 300); }

    /** Checks dIn and every parameter gradient of a layer at input x with a random R drawn from seed. */
    public Result checkLayer(Layer layer, Tensor x, long seed) {
        Tensor out = layer.forward(x, false);
        float[] r = new float[out.size()];
        Rng rng = new Rng(seed);
        for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
        Tensor rT = new Tensor(r, out.shape());
        for (Parameter p : layer.parameters()) p.zeroGrad();
        Tensor dIn = layer.backward(rT);
        float[] analyticIn = dIn == null ? null : dIn.data.clone();
        List<float[]> analyticParams = new ArrayList<>();
        for (Parameter p : layer.parameters()) analyticParams.add(p.grad().clone());

        DoubleSupplier loss = () -> {
            Tensor o = layer.forward(x, false);
            double s = 0;
            for (int i = 0; i < r.length; i++) s += (double) o.data[i] * r[i];
            return s;
        };
        Tally t = new Tally();
        if (analyticIn != null) compare("input", x.data, analyticIn, loss, t);
        for (int i = 0; i < layer.parameters().size(); i++) {
            Parameter p = layer.parameters().get(i);
            compare(p.name(), p.value(), analyticParams.get(i), loss, t);
        }
        return t.result();
    }

    /** Checks every parameter gradient of a model under softmax cross-entropy (mean over the batch). */
    public Result checkModel(Model model, Tensor x, int[] labels) {
        return checkModel(model, x, labels, false);
    }

    /**
     * As {@link #checkModel(Model, Tensor, int[])}, the analytic gradient taken from a training pass
     * when {@code training} (the path the Trainer takes: ReLUs fused into the Dense layers next to
     * them); the numerical one always from inference passes. Not for models with dropout.
     */
    public Result checkModel(Model model, Tensor x, int[] labels, boolean training) {
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        model.zeroGrad();
        SoftmaxCrossEntropy.Result res = ce.forwardBackward(model.forward(x, training), labels);
        model.backward(res.dLogits());
        List<float[]> analytic = new ArrayList<>();
        for (Parameter p : model.parameters()) analytic.add(p.grad().clone());
        DoubleSupplier loss = () -> SoftmaxCrossEntropy.sumLoss(model.forward(x, false), labels, 0) / x.batch();
        Tally t = new Tally();
        for (int i = 0; i < analytic.size(); i++) {
            compare(model.parameterNames().get(i), model.parameters().get(i).value(), analytic.get(i), loss, t);
        }
        return t.result();
    }

    /**
     * Checks an analytic gradient of any scalar function of {@code values} (which the loss reads),
     * for code outside the layer API.
     */
    public Result check(String what, float[] values, float[] analytic, DoubleSupplier loss) {
        Tally t = new Tally();
        compare(what, values, analytic, loss, t);
        return t.result();
    }

    private final class Tally {
        int checked, failed;
        double maxAbs;
        double worstScore = -1;
        String worst = "";

        void add(String what, int index, double analytic, double numeric) {
            double err = Math.abs(analytic - numeric);
            double allowed = atol + rtol * Math.max(Math.abs(analytic), Math.abs(numeric));
            checked++;
            if (err > allowed) failed++;
            maxAbs = Math.max(maxAbs, err);
            double score = err / allowed;
            if (score > worstScore) {
                worstScore = score;
                worst = String.format(Locale.ROOT, "%s[%d] analytic %.6g numeric %.6g", what, index, analytic, numeric);
            }
        }

        Result result() { return new Result(checked, failed, maxAbs, worst); }
    }

    private void compare(String what, float[] values, float[] analytic, DoubleSupplier loss, Tally t) {
        int n = values.length;
        int stride = maxEntriesPerTensor <= 0 || n <= maxEntriesPerTensor ? 1 : n / maxEntriesPerTensor;
        for (int i = 0; i < n; i += stride) {
            float v = values[i];
            values[i] = (float) (v + h);
            double plus = loss.getAsDouble();
            values[i] = (float) (v - h);
            double minus = loss.getAsDouble();
            values[i] = v;
            double numeric = (plus - minus) / (((double) (float) (v + h)) - ((double) (float) (v - h)));
            t.add(what, i, analytic[i], numeric);
        }
    }
}
