package org.relunet.lab.experiments;

import static org.relunet.lab.measure.Stats.f;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.relunet.init.Rng;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Kernels;
import org.relunet.lab.Charts;
import org.relunet.lab.Experiment;
import org.relunet.lab.ExperimentContext;
import org.relunet.lab.ExperimentResult;
import org.relunet.lab.Figure;
import org.relunet.lab.Table;
import org.relunet.lab.Verdict;
import org.relunet.lab.Verdict.Finding;
import org.relunet.lab.measure.Stats;
import org.relunet.nn.activation.ActivationFunction;
import org.relunet.nn.activation.ReLU;
import org.relunet.nn.activation.Sigmoid;
import org.relunet.nn.activation.Tanh;

/**
 * e2: what repeated application does. ReLU is idempotent, so f^n = f exactly. The sigmoid maps
 * everything towards its fixed point x* = σ(x*) = 0.6590, and by the chain rule
 * (f^n)'(x) = prod_{k<n} f'(f^k(x)), whose factors tend to σ'(x*) = x*(1 - x*) = 0.2247: the slope
 * shrinks geometrically with that ratio. tanh's fixed point is 0, where tanh' = 1: its chain
 * decays only polynomially (like n^-3/2, since tanh^n(x)^2 ~ 3/(2n)) and not at all at x = 0.
 */
public final class E2Composition implements Experiment {
    static final int MAX_FOLD = 20;

    @Override public String id() { return "e2"; }

    @Override public String title() { return "Composition: idempotent ReLU, squashing sigmoids"; }

    @Override public String claim() {
        return "ReLU is idempotent: ρ(ρ(x)) = ρ(x), and so is any finite composition. Sigmoid-family functions applied again and again "
                + "squash the input; as the number of applications goes to infinity, the derivative goes to 0.";
    }

    @Override public String source() { return "seed, answer 2"; }

    /** The fixed point of the sigmoid, x = σ(x), by Newton's method on x - σ(x) (derivative 1 - σ'(x) > 3/4). */
    public static double sigmoidFixedPoint() {
        double x = 0.5;
        for (int i = 0; i < 100; i++) {
            double s = Sigmoid.logistic(x), step = (x - s) / (1 - s * (1 - s));
            x -= step;
            if (Math.abs(step) < 1e-16) break;
        }
        return x;
    }

    /** f applied n times. */
    static double iterate(ActivationFunction fn, double x, int n) {
        for (int i = 0; i < n; i++) x = fn.value(x);
        return x;
    }

    /** (f^n)'(x) by the chain rule: the product of f' along the orbit x, f(x), ..., f^{n-1}(x). */
    static double chainSlope(ActivationFunction fn, double x, int n) {
        double d = 1;
        for (int i = 0; i < n; i++) {
            d *= fn.derivative(x);
            x = fn.value(x);
        }
        return d;
    }

    @Override public ExperimentResult run(ExperimentContext ctx) {
        ExperimentResult.Builder out = ExperimentResult.builder(this);
        ActivationFunction relu = new ReLU(), sigmoid = new Sigmoid(), tanh = new Tanh();

        // 1. f, f∘f, f∘f∘f on [-5, 5]: the seed's figure.
        double[] x = Charts.linspace(-5, 5, 101);
        XYChart comp = Charts.xy("f applied 1, 2 and 3 times", "x (input, dimensionless)", "f^n(x) (dimensionless)");
        String[] names = {"ReLU", "sigmoid", "tanh"};
        ActivationFunction[] fns = {relu, sigmoid, tanh};
        String[] keys = {"relu", "sigmoid", "tanh"};
        BasicStroke[] strokes = {SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT};
        double[][] range = new double[3][4];   // width of f^n([-5, 5]) for n = 1..3 per function
        for (int fi = 0; fi < 3; fi++) {
            for (int n = 1; n <= 3; n++) {
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) y[i] = iterate(fns[fi], x[i], n);
                XYSeries s = Charts.line(comp, names[fi] + (n == 1 ? "" : "^" + n), keys[fi], x, y);
                s.setLineStyle(strokes[n - 1]);
                s.setLineColor(Charts.tint(Charts.color(keys[fi], fi), 0.25 * (n - 1)));
                s.setLineWidth(n == 1 ? 2.6f : 2.2f);
                range[fi][n] = Stats.max(y) - Stats.min(y);
            }
        }
        comp.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        comp.getStyler().setYAxisMin(-1.1).setYAxisMax(2.0);
        out.figure(new Figure("e2-compositions", comp, "Each function applied once (solid), twice (dashed) and three times (dotted) to x in [-5, 5]. "
                + "The three ReLU curves lie exactly on top of each other; sigmoid and tanh flatten with every application: "
                + "sigmoid towards its fixed point 0.659, tanh towards 0. The y axis is cut at 2 (ReLU continues to 5)."));

        // 2. ReLU idempotence, exactly: double on a grid and random values, and float through the kernel, for n up to 20.
        Rng rng = new Rng(ctx.seed(0));
        long checked = 0, mismatches = 0;
        for (int i = -50_000; i <= 50_000; i++) {
            double xi = i * 1e-4 * (1 + (i & 7));
            double once = relu.value(xi);
            for (int n = 2; n <= MAX_FOLD; n++) {
                if (Double.doubleToRawLongBits(iterate(relu, xi, n)) != Double.doubleToRawLongBits(once)) mismatches++;
                checked++;
            }
        }
        Kernels k = KernelProvider.kernels();
        int m = 1 << 16;
        float[] a = new float[m], b = new float[m], c = new float[m];
        for (int i = 0; i < m; i++) a[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(9) - 4));
        a[0] = 0f;
        a[1] = -0f;
        a[2] = Float.MIN_VALUE;
        a[3] = -Float.MIN_VALUE;
        k.relu(a, b, m);
        System.arraycopy(b, 0, c, 0, m);
        for (int n = 2; n <= MAX_FOLD; n++) {
            k.relu(c, c, m);
            for (int i = 0; i < m; i++) {
                if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(b[i]) && !(c[i] == 0f && b[i] == 0f)) mismatches++;
                checked++;
            }
        }

        // 3. The derivative of n-fold compositions, n = 1..20: sup over x, and at fixed inputs.
        double[] ns = new double[MAX_FOLD];
        double[] sigSup = new double[MAX_FOLD], sigAt1 = new double[MAX_FOLD], tanhSup = new double[MAX_FOLD], tanhAt1 = new double[MAX_FOLD],
                tanhAt3 = new double[MAX_FOLD], reluAt1 = new double[MAX_FOLD], reluAtMinus1 = new double[MAX_FOLD];
        double[] grid = Charts.linspace(-8, 8, 16001);   // includes 0
        for (int n = 1; n <= MAX_FOLD; n++) {
            ns[n - 1] = n;
            double ss = 0, ts = 0;
            for (double xi : grid) {
                ss = Math.max(ss, chainSlope(sigmoid, xi, n));
                ts = Math.max(ts, chainSlope(tanh, xi, n));
            }
            sigSup[n - 1] = ss;
            tanhSup[n - 1] = ts;
            sigAt1[n - 1] = chainSlope(sigmoid, 1, n);
            tanhAt1[n - 1] = chainSlope(tanh, 1, n);
            tanhAt3[n - 1] = chainSlope(tanh, 3, n);
            reluAt1[n - 1] = chainSlope(relu, 1, n);
            reluAtMinus1[n - 1] = chainSlope(relu, -1, n);
        }
        double xStar = sigmoidFixedPoint();
        double ratioClosed = xStar * (1 - xStar);
        // Geometric fit on the tail n = 5..20: log(slope) = a + n log(ratio).
        int from = 4;
        double[] tailN = java.util.Arrays.copyOfRange(ns, from, MAX_FOLD);
        double[] logSig = new double[tailN.length], logTanh = new double[tailN.length], logN = new double[tailN.length];
        for (int i = 0; i < tailN.length; i++) {
            logSig[i] = Math.log(sigSup[from + i]);
            logTanh[i] = Math.log(tanhAt1[from + i]);
            logN[i] = Math.log(tailN[i]);
        }
        Stats.Line sigFit = Stats.fit(tailN, logSig);
        double ratioFit = Math.exp(sigFit.slope());
        Stats.Line tanhPower = Stats.fit(logN, logTanh);
        Stats.Line tanhGeom = Stats.fit(tailN, logTanh);

        // Iterating σ from 0 also finds the fixed point (a contraction with rate σ'(x*)).
        double orbit = 0;
        int steps = 0;
        while (steps < 1000 && Math.abs(Sigmoid.logistic(orbit) - orbit) > 1e-15) { orbit = Sigmoid.logistic(orbit); steps++; }

        XYChart slopes = Charts.xy("Slope of the n-fold composition", "n (number of applications)", "(f^n)'(x) (dimensionless, log scale)");
        Charts.markedLine(slopes, "sigmoid, max over x", "sigmoid", ns, sigSup);
        Charts.markedLine(slopes, "ReLU at x = 1 (0 at x = -1)", "relu", ns, reluAt1);
        Charts.dashed(slopes, "tanh, max over x (at x = 0)", Charts.color("tanh", 0), ns, tanhSup).setLineWidth(2.4f);
        Charts.dotted(slopes, "tanh at x = 1", "tanh", ns, tanhAt1);
        double[] geometric = new double[MAX_FOLD];
        for (int i = 0; i < MAX_FOLD; i++) geometric[i] = Math.exp(sigFit.intercept() + sigFit.slope() * ns[i]);
        Charts.dashed(slopes, f("fit: ratio %.4f per application", ratioFit), Color.GRAY, ns, geometric);
        Charts.logY(slopes);
        slopes.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        out.figure(new Figure("e2-chain-slopes", slopes, f("(f^n)'(x) = Π f'(f^k(x)) for n = 1..20 (log scale). The sigmoid's largest slope falls "
                + "geometrically by %.4f per application (fit on n = 5..20, dashed), the closed form σ'(x*) = x*(1 - x*) = %.4f at the fixed point "
                + "x* = %.4f. tanh's slope stays exactly 1 at x = 0 (its fixed point) and decays like n^%.2f at x = 1. ReLU's is 1 for positive inputs "
                + "and 0 for negative ones (not drawn on the log scale), whatever n.", ratioFit, ratioClosed, xStar, tanhPower.slope())));

        Table.Builder t = Table.builder("e2-chain", "Slope of the n-fold composition (f^n)'(x)",
                "n", "sigmoid, max over x", "sigmoid at x = 1", "tanh, max over x", "tanh at x = 1", "tanh at x = 3", "ReLU at x = 1", "ReLU at x = -1");
        for (int n : new int[] {1, 2, 3, 5, 10, 15, 20}) {
            int i = n - 1;
            t.row(n, f("%.3e", sigSup[i]), f("%.3e", sigAt1[i]), f("%.4f", tanhSup[i]), f("%.3e", tanhAt1[i]), f("%.3e", tanhAt3[i]),
                    f("%.0f", reluAt1[i]), f("%.0f", reluAtMinus1[i]));
        }
        out.table(t.build("Chain-rule products in double precision; the maximum is over a grid of step 0.001 on [-8, 8], which contains 0."));

        out.method("The library's ReLU, sigmoid and tanh (double-precision value and derivative) are applied 1 to 20 times. Idempotence is checked "
                + "bit for bit: ReLU^n(x) against ReLU(x) for n = 2..20 on 100,001 inputs spread over [-40, 40], and through the float32 ReLU kernel "
                + "on 65,536 random inputs spanning 9 decades (with ±0 and subnormals). The slope of the n-fold composition is the chain-rule "
                + "product along the orbit; its maximum over x is taken on a grid of step 0.001 over [-8, 8]. A line is fitted to log(slope) "
                + "against n for n = 5..20. The sigmoid's fixed point is found by Newton's method on x - σ(x) and, independently, by iterating σ from 0.");
        out.result(f("ReLU applied n times equals ReLU applied once in all %,d comparisons (%d mismatches). The sigmoid squashes: the image of [-5, 5] "
                + "shrinks from width %.3f to %.3f and %.4f after one, two and three applications; tanh's from %.3f to %.3f and %.3f. "
                + "The sigmoid chain's largest slope falls from %.4f (n = 1) to %.2e (n = 20); on n = 5..20 it falls by a factor %.5f per application "
                + "(R² = %.6f), matching the closed form σ'(x*) = x*(1 - x*) = %.5f at the fixed point x* = %.10f (Newton; iterating σ from 0 "
                + "reaches %.10f in %d steps).\n\n"
                + "tanh behaves differently: its fixed point is 0, where tanh' = 1, so the slope at x = 0 stays exactly 1 for every n, "
                + "and elsewhere it decays only polynomially: at x = 1 from %.3f to %.3f at n = 20, close to n^%.2f (a power law fits with R² = %.4f; "
                + "a geometric law with R² = %.4f). The seed's 'the derivative goes to 0' is exact for the sigmoid and holds for tanh at every x ≠ 0, "
                + "but slowly and not uniformly.",
                checked, mismatches, range[1][1], range[1][2], range[1][3], range[2][1], range[2][2], range[2][3],
                sigSup[0], sigSup[MAX_FOLD - 1], ratioFit, sigFit.r2(), ratioClosed, xStar, orbit, steps,
                tanhAt1[0], tanhAt1[MAX_FOLD - 1], tanhPower.slope(), tanhPower.r2(), tanhGeom.r2()));

        boolean squashes = range[1][3] < range[1][2] && range[1][2] < range[1][1] && range[2][3] < range[2][2] && range[2][2] < range[2][1];
        boolean tanhMonotone = true;
        for (int i = 1; i < MAX_FOLD; i++) tanhMonotone &= tanhAt1[i] < tanhAt1[i - 1];
        List<Finding> findings = List.of(
                Finding.check("ReLU is idempotent: ρ(ρ(x)) = ρ(x), and so is any finite composition",
                        f("ReLU^n = ReLU bit for bit for n = 2..%d: %,d comparisons, %d mismatches", MAX_FOLD, checked, mismatches), mismatches == 0),
                Finding.check("sigmoid-family functions squash the input when applied again and again",
                        f("width of f^n([-5, 5]) for n = 1, 2, 3: sigmoid %.3f, %.3f, %.4f; tanh %.3f, %.3f, %.3f",
                                range[1][1], range[1][2], range[1][3], range[2][1], range[2][2], range[2][3]), squashes),
                Finding.check("the n-fold sigmoid's derivative goes to 0",
                        f("max slope %.2e at n = 20; geometric ratio %.5f per application vs σ'(x*) = %.5f", sigSup[MAX_FOLD - 1], ratioFit, ratioClosed),
                        sigSup[MAX_FOLD - 1] < 1e-6 && Math.abs(ratioFit - ratioClosed) < 0.01 * ratioClosed && sigFit.r2() > 0.999),
                new Finding("the n-fold tanh's derivative goes to 0",
                        f("at x = 1: %.3f at n = 20, decaying like n^%.2f; at x = 0: exactly 1 for every n", tanhAt1[MAX_FOLD - 1], tanhPower.slope()),
                        tanhMonotone && tanhSup[MAX_FOLD - 1] >= 1 ? Verdict.Outcome.MIXED
                                : tanhMonotone && tanhAt1[MAX_FOLD - 1] < 0.1 ? Verdict.Outcome.HELD : Verdict.Outcome.NOT_HELD),
                Finding.check("iterated sigmoid converges to a fixed point of about 0.659",
                        f("x* = %.10f (|x* - σ(x*)| = %.1e)", xStar, Math.abs(xStar - Sigmoid.logistic(xStar))), Math.abs(xStar - 0.659) < 1e-3));
        out.verdict(Verdict.of(f("ReLU^n = ReLU exactly; the sigmoid chain's slope shrinks ×%.4f per application (σ'(x*) = %.4f, x* = %.4f); "
                + "tanh's only like n^%.1f, and not at x = 0", ratioFit, ratioClosed, xStar, tanhPower.slope()), findings));

        out.data("n", ns);
        out.data("relu_idempotence_comparisons", checked);
        out.data("relu_idempotence_mismatches", mismatches);
        out.data("image_width_sigmoid_n1_n2_n3", new double[] {range[1][1], range[1][2], range[1][3]});
        out.data("image_width_tanh_n1_n2_n3", new double[] {range[2][1], range[2][2], range[2][3]});
        out.data("sigmoid_chain_slope_max", sigSup);
        out.data("sigmoid_chain_slope_at_1", sigAt1);
        out.data("tanh_chain_slope_max", tanhSup);
        out.data("tanh_chain_slope_at_1", tanhAt1);
        out.data("tanh_chain_slope_at_3", tanhAt3);
        out.data("relu_chain_slope_at_1", reluAt1);
        out.data("relu_chain_slope_at_minus_1", reluAtMinus1);
        out.data("sigmoid_fixed_point", xStar);
        out.data("sigmoid_fixed_point_by_iteration", orbit);
        out.data("sigmoid_fixed_point_iterations", steps);
        out.data("sigmoid_ratio_fit", ratioFit);
        out.data("sigmoid_ratio_fit_r2", sigFit.r2());
        out.data("sigmoid_ratio_closed_form", ratioClosed);
        out.data("tanh_power_law_exponent_at_1", tanhPower.slope());
        out.data("tanh_power_law_r2", tanhPower.r2());
        return out.build();
    }
}
