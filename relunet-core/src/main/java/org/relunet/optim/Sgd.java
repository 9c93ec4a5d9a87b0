package org.relunet.optim;

import java.util.ArrayList;
import java.util.List;

import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.nn.Parameter;

/**
 * Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, with the same
 * update as PyTorch's {@code torch.optim.SGD} (dampening 0):
 * <pre>
 *   g = grad + wd * w                (wd only on parameters with decay: weights)
 *   v = mu * v + g                   (v starts at 0, so the first v = g)
 *   step = nesterov ? g + mu * v : v (without momentum: step = g)
 *   w = w - lr * step
 * </pre>
 */
public final class Sgd implements Optimizer {
    private double lr;
    private final double momentum, weightDecay;
    private final boolean nesterov;
    private final List<float[]> velocity = new ArrayList<>();
    private long steps;
    private final Kernels kernels = KernelProvider.kernels();

    public Sgd(double lr, double momentum, boolean nesterov, double weightDecay) {
        Optimizer.requireRate(lr);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        if (nesterov && momentum == 0) throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        this.lr = lr;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    /** Plain SGD with momentum and no decay. */
    public Sgd(double lr, double momentum) { this(lr, momentum, false, 0); }

    @Override public void step(List<Parameter> parameters) {
        if (velocity.isEmpty() && momentum > 0) for (Parameter p : parameters) velocity.add(new float[p.size()]);
        float rate = (float) lr, mu = (float) momentum;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            float wd = p.decay() ? (float) weightDecay : 0f;
            kernels.sgdStep(p.size(), rate, mu, wd, nesterov, p.value(), p.grad(), momentum == 0 ? null : velocity.get(i));
        }
        steps++;
    }

    @Override public double learningRate() { return lr; }
    @Override public void setLearningRate(double rate) { Optimizer.requireRate(rate); this.lr = rate; }
    @Override public long steps() { return steps; }
    @Override public void restoreSteps(long s) { this.steps = s; }

    @Override public void initState(List<Parameter> parameters) {
        if (velocity.isEmpty() && momentum > 0) for (Parameter p : parameters) velocity.add(new float[p.size()]);
    }

    @Override public List<float[]> stateBuffers() { return velocity; }

    @Override public String describe() {
        return "sgd(lr=" + lr + ", momentum=" + momentum + (nesterov ? ", nesterov" : "")
                + (weightDecay > 0 ? ", weight_decay=" + weightDecay : "") + ")";
    }
}
