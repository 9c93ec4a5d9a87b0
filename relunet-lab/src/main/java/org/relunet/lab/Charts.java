package org.relunet.lab;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The house style of the lab's charts: white background, light grid, DejaVu Sans, a legend inside
 * the plot, and one fixed colour per activation (colour-blind-safe Okabe-Ito palette) so that
 * ReLU is the same blue in every figure.
 */
public final class Charts {
    /** Chart size in CSS pixels; PNGs are written at twice this for sharp text. */
    public static final int WIDTH = 760, HEIGHT = 440;

    private static final Color[] CYCLE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7), new Color(0xE69F00),
        new Color(0x56B4E9), new Color(0x000000), new Color(0x8C564B), new Color(0x999999), new Color(0xF0E442),
    };

    /** One colour per activation name, the same in every figure. */
    private static final Map<String, Color> BY_NAME = Map.ofEntries(
            Map.entry("relu", new Color(0x0072B2)),
            Map.entry("tanh", new Color(0xD55E00)),
            Map.entry("sigmoid", new Color(0x009E73)),
            Map.entry("leaky_relu", new Color(0x56B4E9)),
            Map.entry("prelu", new Color(0xCC79A7)),
            Map.entry("elu", new Color(0xE69F00)),
            Map.entry("gelu", new Color(0x000000)),
            Map.entry("silu", new Color(0x8C564B)),
            Map.entry("softplus", new Color(0x999999)),
            Map.entry("identity", new Color(0xBBBBBB)));

    private Charts() {}

    /** The fixed colour of an activation name (e.g. {@code relu}), or colour i of the cycle. */
    public static Color color(String key, int i) {
        Color c = key == null ? null : BY_NAME.get(key.toLowerCase(Locale.ROOT));
        return c != null ? c : CYCLE[Math.floorMod(i, CYCLE.length)];
    }

    /** A line chart; axis titles must carry units (or say "dimensionless"). */
    public static XYChart xy(String title, String xTitle, String yTitle) { return xy(title, xTitle, yTitle, HEIGHT); }

    /** A line chart of another height, e.g. to leave room for a legend below the plot. */
    public static XYChart xy(String title, String xTitle, String yTitle, int height) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return c;
    }

    /**
     * A square chart for pictures drawn as pixels (region maps, weight templates): add scatter
     * series of square markers, one per colour; no legend (the caption explains the colours).
     */
    public static XYChart square(String title, String xTitle, String yTitle, int size) {
        XYChart c = new XYChartBuilder().width(size).height(size).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setLegendVisible(false);
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setPlotGridLinesVisible(false);
        return c;
    }

    /** A bar chart with categories on the x axis. */
    public static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setAvailableSpaceFill(0.7);
        c.getStyler().setOverlapped(false);
        c.getStyler().setErrorBarsColor(Color.DARK_GRAY);
        return c;
    }

    private static void style(AxesChartStyler s) {
        Font base = new Font("DejaVu Sans", Font.PLAIN, 13);
        s.setBaseFont(base);
        s.setChartTitleFont(base.deriveFont(Font.BOLD, 15f));
        s.setAxisTitleFont(base.deriveFont(13f));
        s.setAxisTickLabelsFont(base.deriveFont(12f));
        s.setLegendFont(base.deriveFont(12f));
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0x888888));
        s.setPlotGridLinesColor(new Color(0xE4E4E4));
        s.setLegendBorderColor(new Color(0xCCCCCC));
        s.setLegendBackgroundColor(new Color(255, 255, 255, 220));
        s.setChartTitleBoxVisible(false);
        s.setAntiAlias(true);
        s.setMarkerSize(6);
        s.setChartPadding(8);
        s.setLocale(Locale.ROOT);
    }

    /** A solid line without markers, coloured by {@code colorKey} (an activation name) or by position. */
    public static XYSeries line(XYChart c, String name, String colorKey, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color(colorKey, c.getSeriesMap().size() - 1));
        s.setLineWidth(2f);
        return s;
    }

    /** A line with a marker at each point, for sparse data (depths, epochs). */
    public static XYSeries markedLine(XYChart c, String name, String colorKey, double[] x, double[] y) {
        XYSeries s = line(c, name, colorKey, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(s.getLineColor());
        return s;
    }

    /** A marked line with symmetric error bars (e.g. standard deviation over seeds). */
    public static XYSeries errorLine(XYChart c, String name, String colorKey, double[] x, double[] y, double[] error) {
        XYSeries s = c.addSeries(name, x, y, error);
        Color col = color(colorKey, c.getSeriesMap().size() - 1);
        s.setLineColor(col);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(col);
        s.setLineWidth(2f);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        return s;
    }

    /** A dashed reference line (a threshold, a closed form). */
    public static XYSeries dashed(XYChart c, String name, Color color, double[] x, double[] y) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        s.setLineColor(color);
        return s;
    }

    /** A horizontal dashed line at y from x0 to x1. */
    public static XYSeries hline(XYChart c, String name, Color color, double x0, double x1, double y) {
        return dashed(c, name, color, new double[] {x0, x1}, new double[] {y, y});
    }

    /** Dotted variant of {@link #line}, for a second group of the same activations (e.g. "after training"). */
    public static XYSeries dotted(XYChart c, String name, String colorKey, double[] x, double[] y) {
        XYSeries s = markedLine(c, name, colorKey, x, y);
        s.setLineStyle(SeriesLines.DOT_DOT);
        s.setMarker(SeriesMarkers.DIAMOND);
        return s;
    }

    /** Bars of one series across the chart's categories, with optional error bars (null for none). */
    public static CategorySeries barSeries(CategoryChart c, String name, String colorKey, List<String> categories, List<Double> values, List<Double> errors) {
        CategorySeries s = errors == null ? c.addSeries(name, categories, values) : c.addSeries(name, categories, values, errors);
        s.setFillColor(color(colorKey, c.getSeriesMap().size() - 1));
        return s;
    }

    /** The colour mixed with white: 0 keeps it, 1 gives white (for a second or third variant of one activation). */
    public static Color tint(Color c, double amount) {
        return new Color((int) Math.round(c.getRed() + (255 - c.getRed()) * amount), (int) Math.round(c.getGreen() + (255 - c.getGreen()) * amount),
                (int) Math.round(c.getBlue() + (255 - c.getBlue()) * amount));
    }

    /** Logarithmic y axis; values that are zero, negative or not finite must have been replaced by NaN (see {@link #positive}). */
    public static void logY(XYChart c) {
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmicDecadeOnly(true);
        c.getStyler().setPlotGridHorizontalLinesVisible(false);   // XChart draws a line per minor tick: too busy on a log axis
    }

    /** A copy with every value that cannot sit on a log axis (<= 0, infinite) replaced by NaN, which XChart leaves as a gap. */
    public static double[] positive(double[] y) {
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) if (!(out[i] > 0) || Double.isInfinite(out[i])) out[i] = Double.NaN;
        return out;
    }

    /** Evenly spaced points from a to b inclusive. */
    public static double[] linspace(double a, double b, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = a + (b - a) * i / (n - 1);
        return x;
    }
}
