package org.relunet.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.XYChart;
import org.relunet.inspect.LayerStats;
import org.relunet.lab.report.ReportWriter;

/**
 * Draws what a {@link org.relunet.inspect.TrainingMonitor} measured, one line per layer against the
 * epoch: gradient norm (log10), fraction of dead units, fraction of exact zeros, and the
 * update:parameter ratio (log10). Written as PNG and SVG beside monitor.csv.
 */
public final class MonitorFigures {
    private MonitorFigures() {}

    /** The figure names written, without extension. */
    public static final List<String> NAMES = List.of("monitor-gradient-norm", "monitor-dead-units", "monitor-zeros", "monitor-update-ratio");

    /** Writes the four figures into dir; returns their PNG paths. Nothing is drawn for an empty history. */
    public static List<Path> write(List<LayerStats> history, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Path> written = new ArrayList<>();
        if (history.isEmpty()) return written;
        // log10 on a linear axis: XChart labels a log axis only at whole decades, often none here
        written.add(draw(history, dir, NAMES.get(0), "Gradient norm of each layer's weights", "log10 ||dL/dW||",
                s -> s.gradientNorm() > 0 ? Math.log10(s.gradientNorm()) : Double.NaN));
        written.add(draw(history, dir, NAMES.get(1), "Dead units (never positive on the probe set)", "fraction of units",
                LayerStats::deadFraction));
        written.add(draw(history, dir, NAMES.get(2), "Exact zeros in each layer's output", "fraction of activations",
                LayerStats::zeroFraction));
        written.add(draw(history, dir, NAMES.get(3), "Update : parameter ratio per step", "log10(mean |update| / mean |w|)",
                LayerStats::updateRatio));
        return written;
    }

    private static Path draw(List<LayerStats> history, Path dir, String name, String title, String yTitle,
                             ToDoubleFunction<LayerStats> value) throws IOException {
        Map<Integer, List<LayerStats>> byLayer = new TreeMap<>();
        for (LayerStats s : history) {
            double v = value.applyAsDouble(s);
            if (!Double.isFinite(v)) continue;
            byLayer.computeIfAbsent(s.layer(), k -> new ArrayList<>()).add(s);
        }
        XYChart chart = Charts.xy(title, "epoch", yTitle);
        int i = 0;
        for (Map.Entry<Integer, List<LayerStats>> e : byLayer.entrySet()) {
            List<LayerStats> rows = e.getValue();
            double[] x = new double[rows.size()], y = new double[rows.size()];
            for (int k = 0; k < rows.size(); k++) {
                x[k] = rows.get(k).epoch();
                y[k] = value.applyAsDouble(rows.get(k));
            }
            Charts.markedLine(chart, "layer " + e.getKey() + " " + rows.get(0).name(), null, x, y);
            i++;
        }
        if (i == 0) chart.addSeries("no data", new double[] {1}, new double[] {0});
        ReportWriter.saveChart(dir, name, chart);
        return dir.resolve(name + ".png");
    }
}
