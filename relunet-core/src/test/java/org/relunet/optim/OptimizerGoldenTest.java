package org.relunet.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.relunet.nn.Parameter;

/**
 * Golden steps computed by hand (gradient checks cannot see optimiser bugs). One weight w = 1 with
 * decay and one bias b = 0.5 without; gradients g = 0.5 then 0.25 then -1 on both.
 */
class OptimizerGoldenTest {
    private static final float[] GRADS = {0.5f, 0.25f, -1f};

    private static List<Parameter> params() {
        Parameter w = Parameter.create("w", true, 1);
        Parameter b = Parameter.create("b", false, 1);
        w.value()[0] = 1f;
        b.value()[0] = 0.5f;
        return List.of(w, b);
    }

    private static double[][] run(Optimizer opt, int steps) {
        List<Parameter> ps = params();
        double[][] trace = new double[steps][2];
        for (int s = 0; s < steps; s++) {
            for (Parameter p : ps) p.grad()[0] = GRADS[s];
            opt.step(ps);
            trace[s][0] = ps.get(0).value()[0];
            trace[s][1] = ps.get(1).value()[0];
        }
        return trace;
    }

    @Test void sgdWithMomentum() {
        // lr 0.1, mu 0.9: v1 = 0.5, w1 = 1 - 0.05 = 0.95; v2 = 0.45 + 0.25 = 0.7, w2 = 0.88;
        // v3 = 0.63 - 1 = -0.37, w3 = 0.917
        double[][] t = run(new Sgd(0.1, 0.9), 3);
        assertEquals(0.95, t[0][0], 1e-6);
        assertEquals(0.88, t[1][0], 1e-6);
        assertEquals(0.917, t[2][0], 1e-6);
        assertEquals(0.45, t[0][1], 1e-6);
        assertEquals(0.38, t[1][1], 1e-6);
        assertEquals(0.417, t[2][1], 1e-6);
    }

    @Test void sgdWithWeightDecayOnlyOnWeights() {
        // lr 0.1, no momentum, wd 0.1: w1 = 1 - 0.1 (0.5 + 0.1) = 0.94; bias b1 = 0.5 - 0.05 = 0.45
        double[][] t = run(new Sgd(0.1, 0, false, 0.1), 2);
        assertEquals(0.94, t[0][0], 1e-6);
        assertEquals(0.45, t[0][1], 1e-6);
        // w2 = 0.94 - 0.1 (0.25 + 0.094) = 0.9056
        assertEquals(0.9056, t[1][0], 1e-6);
    }

    @Test void nesterov() {
        // lr 0.1, mu 0.9: v1 = 0.5, step = 0.5 + 0.45 = 0.95, w1 = 0.905;
        // v2 = 0.45 + 0.25 = 0.7, step = 0.25 + 0.63 = 0.88, w2 = 0.817
        double[][] t = run(new Sgd(0.1, 0.9, true, 0), 2);
        assertEquals(0.905, t[0][0], 1e-6);
        assertEquals(0.817, t[1][0], 1e-6);
    }

    @Test void adam() {
        // lr 0.1, b1 0.9, b2 0.999, eps 1e-8. Step 1: m = 0.05, v = 0.00025, mhat = 0.5, vhat = 0.25,
        // w1 = 1 - 0.1 * 0.5 / 0.5 = 0.9 (Adam's first step is lr * sign(g)).
        // Step 2: m = 0.045 + 0.025 = 0.07, v = 0.00024975 + 0.0000625 = 0.00031225,
        // mhat = 0.07 / 0.19 = 0.368421, vhat = 0.00031225 / 0.001999 = 0.156203, sqrt = 0.395225,
        // w2 = 0.9 - 0.1 * 0.932180 = 0.806782
        double[][] t = run(Adam.adam(0.1), 2);
        assertEquals(0.9, t[0][0], 1e-6);
        assertEquals(0.806782, t[1][0], 2e-6);
        assertEquals(0.4, t[0][1], 1e-6);
    }

    @Test void adamWithL2DecayMovesTheMoments() {
        // wd 0.5 on the weight: g1 = 0.5 + 0.5 * 1 = 1, first step still lr * sign = 0.1 -> 0.9
        // step 2: g2 = 0.25 + 0.45 = 0.7, m = 0.09 + 0.07 = 0.16, v = 0.000999 + 0.00049 = 0.001489,
        // mhat = 0.842105, vhat = 0.744872, sqrt = 0.863059, w2 = 0.9 - 0.1 * 0.975721 = 0.802428
        double[][] t = run(Adam.adam(0.1, 0.9, 0.999, 1e-8, 0.5), 2);
        assertEquals(0.9, t[0][0], 1e-6);
        assertEquals(0.802428, t[1][0], 2e-6);
    }

    @Test void adamWDecouplesTheDecay() {
        // wd 0.5, lr 0.1: w1 = 1 * (1 - 0.05) - 0.1 = 0.85; bias (no decay) 0.4 as in Adam
        // step 2: w2 = 0.85 * 0.95 - 0.1 * 0.932180 = 0.714282
        double[][] t = run(Adam.adamW(0.1, 0.5), 2);
        assertEquals(0.85, t[0][0], 1e-6);
        assertEquals(0.714282, t[1][0], 2e-6);
        assertEquals(0.4, t[0][1], 1e-6);
    }

    @Test void schedules() {
        assertEquals(1.0, new Schedule.Constant().factor(3.5, 10));
        assertEquals(0.01, new Schedule.Step(2, 0.1).factor(4.0, 10), 1e-12);
        assertEquals(0.1, new Schedule.Step(2, 0.1).factor(3.99, 10), 1e-12);
        assertEquals(1.0, new Schedule.Cosine(0).factor(0, 10), 1e-12);
        assertEquals(0.5, new Schedule.Cosine(0).factor(5, 10), 1e-12);
        assertEquals(0.1, new Schedule.Cosine(0.1).factor(10, 10), 1e-12);
        assertEquals(new Schedule.Step(3, 0.5), Schedule.parse("step(every=3,gamma=0.5)"));
        assertEquals(new Schedule.Cosine(0.05), Schedule.parse("cosine(min=0.05)"));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("linear"));
    }

    @Test void nonsenseSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Sgd(Double.NaN, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(-0.1, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 0, true, 0));
        assertThrows(IllegalArgumentException.class, () -> Adam.adamW(0.1, -1));
    }
}
