package org.relunet.optim;

import java.util.ArrayList;
import java.util.List;

import org.relunet.nn.Parameter;

/**
 * Adam (Kingma and Ba 2015) and AdamW (Loshchilov and Hutter 2019), as in PyTorch:
 * <pre>
 *   Adam:  g = grad + wd * w                         (L2 decay enters the moments)
 *   AdamW: w = w * (1 - lr * wd),  g = grad          (decoupled decay, applied before the step)
 *   m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2
 *   w = w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 * Decay applies only to parameters marked for it (weights; not biases or PReLU slopes).
 */
public final class Adam implements Optimizer {
    private double lr;
    private final double beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private final List<float[]> moments = new ArrayList<>();   // m0, v0, m1, v1, ...
    private long steps;

    private Adam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        Optimizer.requireRate(lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("Adam eps must be positive, got " + eps);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** Adam with L2 weight decay added to the gradient (PyTorch {@code torch.optim.Adam}). */
    public static Adam adam(double lr, double beta1, double beta2, double eps, double weightDecay) {
        return new Adam(lr, beta1, beta2, eps, weightDecay, false);
    }

    /** Adam with the defaults b1 = 0.9, b2 = 0.999, eps = 1e-8, no decay. */
    public static Adam adam(double lr) { return adam(lr, 0.9, 0.999, 1e-8, 0); }

    /** AdamW: decoupled weight decay (PyTorch {@code torch.optim.AdamW}). */
    public static Adam adamW(double lr, double beta1, double beta2, double eps, double weightDecay) {
        return new Adam(lr, beta1, beta2, eps, weightDecay, true);
    }

    /** AdamW with b1 = 0.9, b2 = 0.999, eps = 1e-8 and the given decay. */
    public static Adam adamW(double lr, double weightDecay) { return adamW(lr, 0.9, 0.999, 1e-8, weightDecay); }

    public boolean decoupled() { return decoupled; }

    @Override public void initState(List<Parameter> parameters) {
        if (!moments.isEmpty()) return;
        for (Parameter p : parameters) {
            moments.add(new float[p.size()]);
            moments.add(new float[p.size()]);
        }
    }

    @Override public void step(List<Parameter> parameters) {
        initState(parameters);
        steps++;
        double bc1 = 1 - Math.pow(beta1, steps), bc2 = 1 - Math.pow(beta2, steps);
        float b1 = (float) beta1, b2 = (float) beta2;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            float[] w = p.value(), g = p.grad(), m = moments.get(2 * i), v = moments.get(2 * i + 1);
            float wd = p.decay() ? (float) weightDecay : 0f;
            float shrink = decoupled ? (float) (1 - lr * wd) : 1f;
            float l2 = decoupled ? 0f : wd;
            for (int j = 0; j < w.length; j++) {
                float gj = g[j] + l2 * w[j];
                m[j] = b1 * m[j] + (1 - b1) * gj;
                v[j] = b2 * v[j] + (1 - b2) * gj * gj;
                double mHat = m[j] / bc1, vHat = v[j] / bc2;
                w[j] = (float) (w[j] * shrink - lr * mHat / (Math.sqrt(vHat) + eps));
            }
        }
    }

    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double rate) { Optimizer.requireRate(rate); this.lr = rate; }
    @Override public long steps() { return steps; }
    @Override public void restoreSteps(long s) { this.steps = s; }
    @Override public List<float[]> stateBuffers() { return moments; }

    @Override public String describe() {
        return (decoupled ? "adamw" : "adam") + "(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps
                + (weightDecay > 0 ? ", weight_decay=" + weightDecay : "") + ")";
    }
}
