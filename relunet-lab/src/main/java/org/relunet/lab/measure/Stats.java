package org.relunet.lab.measure;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Small statistics the experiments share: mean, spread, least-squares line, formatting. */
public final class Stats {
    private Stats() {}

    public static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return a.length == 0 ? Double.NaN : s / a.length;
    }

    /** Sample standard deviation (n - 1); 0 for a single value, NaN for none. */
    public static double sd(double[] a) {
        if (a.length == 0) return Double.NaN;
        if (a.length == 1) return 0;
        double m = mean(a), s = 0;
        for (double v : a) s += (v - m) * (v - m);
        return Math.sqrt(s / (a.length - 1));
    }

    public static double min(double[] a) { return Arrays.stream(a).min().orElse(Double.NaN); }

    public static double max(double[] a) { return Arrays.stream(a).max().orElse(Double.NaN); }

    public static double[] toArray(List<Double> l) { return l.stream().mapToDouble(Double::doubleValue).toArray(); }

    /** The finite values of a, in order. */
    public static double[] finite(double[] a) { return Arrays.stream(a).filter(Double::isFinite).toArray(); }

    /** Least-squares line y = intercept + slope x, with the coefficient of determination r2. */
    public record Line(double slope, double intercept, double r2) {}

    public static Line fit(double[] x, double[] y) {
        int n = x.length;
        double mx = mean(x), my = mean(y), sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        double slope = sxy / sxx;
        double r2 = syy == 0 ? 1 : (sxy * sxy) / (sxx * syy);
        return new Line(slope, my - slope * mx, r2);
    }

    /** L2 norm of a float array, accumulated in double. */
    public static double norm(float[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += (double) a[i] * a[i];
        return Math.sqrt(s);
    }

    public static double norm(float[] a) { return norm(a, 0, a.length); }

    /** {@code String.format} with the root locale, so decimals are always points. */
    public static String f(String format, Object... args) { return String.format(Locale.ROOT, format, args); }

    /** "m ± s" with the given decimals, or "m" when there is one value. */
    public static String pm(double[] a, int decimals) {
        if (a.length == 0) return "n/a";
        String fmt = "%." + decimals + "f";
        return a.length == 1 ? f(fmt, a[0]) : f(fmt + " ± " + fmt, mean(a), sd(a));
    }
}
