package org.relunet.lab.report;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.internal.series.AxesChartSeriesCategory;
import org.knowm.xchart.internal.series.AxesChartSeriesNumericalNoErrorBars;
import org.knowm.xchart.internal.series.Series;
import org.relunet.io.Json;
import org.relunet.lab.ExperimentResult;
import org.relunet.lab.Figure;
import org.relunet.lab.LabRun;
import org.relunet.lab.Table;
import org.relunet.lab.Verdict;

/**
 * Writes the report directory:
 * <pre>
 *   index.html                the report (see {@link HtmlReport})
 *   figures/NAME.png, .svg    every figure, PNG at 2x for sharp text, SVG for print
 *   data/ID.json              everything an experiment measured: verdict, findings, figure series, tables, values
 *   data/ID.csv               every plotted point: figure, series, x, y, error
 *   data/TABLE.csv            every table
 * </pre>
 * Each file is written atomically (temporary file and move).
 */
public final class ReportWriter {
    /** Pixel density of the PNGs relative to the chart size. */
    static final int PNG_SCALE = 2;

    private final Path dir;

    public ReportWriter(Path dir) { this.dir = dir; }

    public Path directory() { return dir; }

    public Path index() { return dir.resolve("index.html"); }

    /** Writes an experiment's figures and data files. */
    public void writeExperiment(ExperimentResult r, LabRun run) throws IOException {
        for (Figure f : r.figures()) {
            AtomicFiles.write(dir.resolve("figures").resolve(f.name() + ".png"), png(f.chart()));
            AtomicFiles.write(dir.resolve("figures").resolve(f.name() + ".svg"), svg(f.chart()));
        }
        AtomicFiles.write(dir.resolve("data").resolve(r.id() + ".json"), Json.write(json(r, run)));
        AtomicFiles.write(dir.resolve("data").resolve(r.id() + ".csv"), pointsCsv(r));
        for (Table t : r.tables()) AtomicFiles.write(dir.resolve("data").resolve(t.name() + ".csv"), tableCsv(t));
    }

    /** Writes index.html for the results so far. */
    public Path writeIndex(LabRun run) throws IOException {
        AtomicFiles.write(index(), HtmlReport.render(run));
        return index();
    }

    /** Writes one chart as {@code dir/name.png} and {@code dir/name.svg}, atomically (for figures outside a report). */
    public static void saveChart(Path dir, String name, Chart<?, ?> chart) throws IOException {
        AtomicFiles.write(dir.resolve(name + ".png"), png(chart));
        AtomicFiles.write(dir.resolve(name + ".svg"), svg(chart));
    }

    static byte[] png(Chart<?, ?> chart) throws IOException {
        int w = chart.getWidth(), h = chart.getHeight();
        BufferedImage img = new BufferedImage(w * PNG_SCALE, h * PNG_SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.scale(PNG_SCALE, PNG_SCALE);
            chart.paint(g, w, h);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /**
     * SVG with coordinates cut to two decimals (1/100 of a pixel): XChart draws every glyph as an
     * outline and every line segment as its own element, so full precision triples the file size.
     */
    static byte[] svg(Chart<?, ?> chart) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String text = out.toString(StandardCharsets.UTF_8);
        return LONG_DECIMALS.matcher(text).replaceAll("$1").getBytes(StandardCharsets.UTF_8);
    }

    private static final Pattern LONG_DECIMALS = Pattern.compile("(\\d\\.\\d\\d)\\d+");

    /** The JSON document of one experiment (structure documented in docs/lab.md). */
    public static Map<String, Object> json(ExperimentResult r, LabRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("title", r.title());
        m.put("claim", r.claim());
        m.put("source", r.source());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("mode", run.options().mode().flag());
        meta.put("seeds", run.options().seedCount());
        meta.put("dataset", run.data());
        meta.put("kernels", run.kernels());
        meta.put("threads", run.options().threads());
        meta.put("java", run.java());
        meta.put("started", run.started());
        meta.put("seconds", r.seconds());
        m.put("run", meta);
        m.put("method", r.method());
        m.put("result", r.result());
        Verdict v = r.verdict();
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("outcome", v.outcome().name());
        verdict.put("headline", v.headline());
        List<Object> findings = new ArrayList<>();
        for (Verdict.Finding f : v.findings()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("claim", f.claim());
            fm.put("measured", f.measured());
            fm.put("outcome", f.outcome().name());
            findings.add(fm);
        }
        verdict.put("findings", findings);
        m.put("verdict", verdict);
        List<Object> figures = new ArrayList<>();
        for (Figure f : r.figures()) {
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("name", f.name());
            fm.put("title", f.chart().getTitle());
            fm.put("x_axis", f.chart().getXAxisTitle());
            fm.put("y_axis", f.chart().getYAxisTitle());
            fm.put("caption", f.caption());
            fm.put("png", "figures/" + f.name() + ".png");
            fm.put("svg", "figures/" + f.name() + ".svg");
            List<Object> series = new ArrayList<>();
            for (SeriesData s : series(f.chart())) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("name", s.name());
                sm.put("x", s.x());
                sm.put("y", s.y());
                if (s.error() != null) sm.put("error", s.error());
                series.add(sm);
            }
            fm.put("series", series);
            figures.add(fm);
        }
        m.put("figures", figures);
        List<Object> tables = new ArrayList<>();
        for (Table t : r.tables()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("name", t.name());
            tm.put("title", t.title());
            tm.put("caption", t.caption());
            tm.put("csv", "data/" + t.name() + ".csv");
            tm.put("columns", t.columns());
            tm.put("rows", t.rows());
            tables.add(tm);
        }
        m.put("tables", tables);
        m.put("data", r.data());
        return m;
    }

    /** A series as plotted: x values (numbers, or category names), y values, optional error bars. */
    record SeriesData(String name, List<Object> x, List<Object> y, List<Object> error) {}

    static List<SeriesData> series(Chart<?, ?> chart) {
        List<SeriesData> out = new ArrayList<>();
        for (Map.Entry<String, ? extends Series> e : chart.getSeriesMap().entrySet()) {
            Series s = e.getValue();
            if (s instanceof AxesChartSeriesNumericalNoErrorBars n) {
                out.add(new SeriesData(e.getKey(), numbers(n.getXData()), numbers(n.getYData()),
                        n.getExtraValues() == null ? null : numbers(n.getExtraValues())));
            } else if (s instanceof AxesChartSeriesCategory c) {
                out.add(new SeriesData(e.getKey(), new ArrayList<>(c.getXData()), new ArrayList<>(c.getYData()),
                        c.getExtraValues() == null ? null : new ArrayList<>(c.getExtraValues())));
            }
        }
        return out;
    }

    private static List<Object> numbers(double[] a) {
        List<Object> l = new ArrayList<>(a.length);
        for (double v : a) l.add(v);
        return l;
    }

    static String pointsCsv(ExperimentResult r) {
        StringBuilder b = new StringBuilder("figure,series,x,y,error\n");
        for (Figure f : r.figures()) {
            for (SeriesData s : series(f.chart())) {
                for (int i = 0; i < s.x().size(); i++) {
                    Object err = s.error() == null || i >= s.error().size() ? null : s.error().get(i);
                    b.append(csv(f.name())).append(',').append(csv(s.name())).append(',').append(cell(s.x().get(i))).append(',')
                            .append(cell(i < s.y().size() ? s.y().get(i) : null)).append(',').append(cell(err)).append('\n');
                }
            }
        }
        return b.toString();
    }

    static String tableCsv(Table t) {
        StringBuilder b = new StringBuilder();
        b.append(String.join(",", t.columns().stream().map(ReportWriter::csv).toList())).append('\n');
        for (List<String> row : t.rows()) b.append(String.join(",", row.stream().map(ReportWriter::csv).toList())).append('\n');
        return b.toString();
    }

    private static String cell(Object v) {
        if (v == null) return "";
        if (v instanceof Double d) return Double.isFinite(d) ? Double.toString(d) : "";
        if (v instanceof Number n) return n.toString();
        return csv(v.toString());
    }

    /** RFC 4180 quoting when a field holds a comma, quote or line break. */
    static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

}
