package org.relunet.lab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.relunet.lab.ExperimentResult;
import org.relunet.lab.Figure;
import org.relunet.lab.LabRun;
import org.relunet.lab.Table;
import org.relunet.lab.Verdict;

/**
 * The report as one static HTML page with inline CSS and no script: a one-screen summary table
 * (claim, measured, verdict) linking to one section per experiment (claim, what was run, result,
 * verdict with its findings, figures, tables, links to the data). Figures are {@code <img>} of the
 * PNGs linking to the SVGs. Every piece of text is HTML-escaped.
 */
public final class HtmlReport {
    private HtmlReport() {}

    static final String CSS = """
            body{font:16px/1.5 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;margin:0;background:#fff}
            main{max-width:1080px;margin:0 auto;padding:20px 24px 64px}
            h1{font-size:28px;margin:0 0 2px}
            h1 .sub{font-weight:normal;color:#555;font-size:18px}
            h2{font-size:22px;margin:48px 0 6px;padding-top:16px;border-top:2px solid #e5e5e5}
            h3{font-size:16px;margin:20px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:#555}
            .meta{color:#555;font-size:13px;margin:4px 0 16px}
            .note{background:#fff8e1;border-left:4px solid #f0b400;padding:6px 12px;font-size:14px;margin:8px 0}
            table{border-collapse:collapse;width:100%;font-size:14px;margin:8px 0 4px}
            th,td{border-bottom:1px solid #e5e5e5;padding:5px 8px;text-align:left;vertical-align:top}
            th{background:#f6f6f6;font-weight:600}
            td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            table.summary td{font-size:13px;line-height:1.35;padding:4px 6px}
            table.summary td.claim{color:#333;font-style:italic;width:40%}
            .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:700;color:#fff;white-space:nowrap}
            .held{background:#1a7f37}.not-held{background:#cf222e}.mixed{background:#bf8700}.failed{background:#6e7781}
            blockquote{margin:8px 0;padding:6px 14px;border-left:4px solid #0072B2;background:#f4f8fb;font-style:italic}
            .source{font-size:13px;color:#555;margin:2px 0 8px}
            figure{margin:18px 0}
            figure img{max-width:100%;height:auto;border:1px solid #eee}
            figcaption{font-size:14px;color:#333;margin-top:4px}
            .caption{font-size:13px;color:#555;margin:2px 0 12px}
            .links{font-size:13px}
            a{color:#0969da;text-decoration:none} a:hover{text-decoration:underline}
            code{font-family:"DejaVu Sans Mono",monospace;font-size:13px;background:#f3f3f3;padding:0 3px}
            ul{margin:4px 0 8px 0;padding-left:22px}
            """;

    /** The whole page for the experiments finished so far. */
    public static String render(LabRun run) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>relunet lab: why rectified linear units work</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        b.append("<h1>relunet lab <span class=\"sub\">&middot; the seed's claims about ReLU, measured</span></h1>\n");
        b.append("<p class=\"meta\">").append(esc(run.options().mode().flag())).append(" run &middot; started ")
                .append(esc(run.started())).append(" &middot; ").append(esc(duration(run.seconds())))
                .append(" &middot; data: ").append(esc(run.data()))
                .append(" &middot; ").append(run.options().seedCount()).append(run.options().seedCount() == 1 ? " seed" : " seeds")
                .append(" &middot; kernels: ").append(esc(run.kernels()))
                .append(" &middot; ").append(run.options().threads()).append(run.options().threads() == 1 ? " thread" : " threads")
                .append(" &middot; Java ").append(esc(run.java())).append("</p>\n");
        if (!run.complete()) {
            b.append("<p class=\"note\">This report is partial: ").append(run.results().size()).append(" of ")
                    .append(run.planned().size()).append(" experiments have finished.</p>\n");
        }
        if (run.dataNotice() != null) b.append("<p class=\"note\">").append(esc(run.dataNotice())).append("</p>\n");
        if (run.options().mode() != org.relunet.lab.LabOptions.Mode.FULL) {
            b.append("<p class=\"note\">A ").append(esc(run.options().mode().flag()))
                    .append(" run: reduced sizes, epochs and seeds so that it finishes in minutes. The verdicts are computed the same way as in a full run, ")
                    .append("but rest on fewer samples; <code>relunet lab --full</code> repeats everything on the full Fashion-MNIST with more seeds.</p>\n");
        }
        summary(b, run);
        for (ExperimentResult r : run.results()) section(b, r);
        b.append("<h2 id=\"reading\">How to read this report</h2>\n<p>Each section quotes a claim from the seed (a question-and-answer thread, "
                + "&ldquo;Why do we use ReLU in neural networks, and how do we use it?&rdquo;) or from the paper behind it, says what was run, "
                + "and lists findings: each is a number measured here against a threshold stated in advance in the experiment's code. "
                + "A claim <span class=\"badge held\">HELD</span> when every finding held, <span class=\"badge not-held\">NOT HELD</span> when none did, "
                + "and is <span class=\"badge mixed\">MIXED</span> otherwise. Every number plotted or quoted is in <code>data/&lt;id&gt;.json</code>, "
                + "every plotted point in <code>data/&lt;id&gt;.csv</code>, every table in <code>data/&lt;table&gt;.csv</code>; "
                + "every figure is also an SVG. Timings come from a shared machine and are noisy; epochs are not.</p>\n");
        b.append("</main>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void summary(StringBuilder b, LabRun run) {
        b.append("<table class=\"summary\" id=\"summary\">\n<thead><tr><th>#</th><th>experiment</th><th>claim</th><th>measured</th><th>held?</th></tr></thead>\n<tbody>\n");
        for (ExperimentResult r : run.results()) {
            Verdict v = r.verdict();
            b.append("<tr><td>").append(esc(r.id())).append("</td><td><a href=\"#").append(esc(r.id())).append("\">").append(esc(r.title()))
                    .append("</a></td><td class=\"claim\">").append(esc(r.claim())).append("</td><td>").append(esc(v.headline()))
                    .append("</td><td>").append(badge(v.outcome())).append("</td></tr>\n");
        }
        for (String id : run.planned().subList(run.results().size(), run.planned().size())) {
            b.append("<tr><td>").append(esc(id)).append("</td><td colspan=\"4\">not finished</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n");
    }

    private static void section(StringBuilder b, ExperimentResult r) {
        String id = esc(r.id());
        b.append("<section id=\"").append(id).append("\">\n<h2>").append(id).append(" &middot; ").append(esc(r.title())).append(' ')
                .append(badge(r.verdict().outcome())).append("</h2>\n");
        b.append("<blockquote>").append(esc(r.claim())).append("</blockquote>\n");
        b.append("<p class=\"source\">Source: ").append(esc(r.source())).append(" &middot; ran in ").append(esc(duration(r.seconds())))
                .append(" &middot; data: <a href=\"data/").append(id).append(".json\">").append(id).append(".json</a>, <a href=\"data/")
                .append(id).append(".csv\">").append(id).append(".csv</a></p>\n");
        if (!r.method().isBlank()) {
            b.append("<h3>What was run</h3>\n");
            prose(b, r.method());
        }
        b.append("<h3>Result</h3>\n");
        prose(b, r.result());
        Verdict v = r.verdict();
        b.append("<h3>Verdict: ").append(badge(v.outcome())).append("</h3>\n<p>").append(esc(v.headline())).append("</p>\n");
        if (!v.findings().isEmpty()) {
            b.append("<table class=\"findings\">\n<thead><tr><th>finding</th><th>measured</th><th>held?</th></tr></thead>\n<tbody>\n");
            for (Verdict.Finding f : v.findings()) {
                b.append("<tr><td>").append(esc(f.claim())).append("</td><td>").append(esc(f.measured())).append("</td><td>")
                        .append(badge(f.outcome())).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        int n = 0;
        for (Figure f : r.figures()) {
            n++;
            String name = esc(f.name());
            b.append("<figure id=\"").append(name).append("\">\n<a href=\"figures/").append(name).append(".svg\"><img src=\"figures/").append(name)
                    .append(".png\" width=\"").append(f.chart().getWidth()).append("\" alt=\"").append(esc(f.chart().getTitle())).append("\"></a>\n")
                    .append("<figcaption><b>Figure ").append(id).append('.').append(n).append(".</b> ").append(esc(f.caption()))
                    .append(" <span class=\"links\">(<a href=\"figures/").append(name).append(".svg\">SVG</a>, <a href=\"data/").append(id)
                    .append(".csv\">points</a>)</span></figcaption>\n</figure>\n");
        }
        for (Table t : r.tables()) table(b, t);
        b.append("</section>\n");
    }

    private static void table(StringBuilder b, Table t) {
        b.append("<h3>").append(esc(t.title())).append("</h3>\n<table id=\"").append(esc(t.name())).append("\">\n<thead><tr>");
        for (String c : t.columns()) b.append("<th>").append(esc(c)).append("</th>");
        b.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : t.rows()) {
            b.append("<tr>");
            for (String c : row) b.append(numeric(c) ? "<td class=\"num\">" : "<td>").append(esc(c)).append("</td>");
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n<p class=\"caption\">").append(esc(t.caption())).append(t.caption().isBlank() ? "" : " ")
                .append("<a href=\"data/").append(esc(t.name())).append(".csv\">").append(esc(t.name())).append(".csv</a></p>\n");
    }

    /** Paragraphs split by blank lines; lines starting with "- " become a bulleted list. */
    static void prose(StringBuilder b, String text) {
        for (String para : text.strip().split("\\n\\s*\\n")) {
            String[] lines = para.strip().split("\\n");
            List<String> items = new ArrayList<>();
            StringBuilder plain = new StringBuilder();
            for (String line : lines) {
                String l = line.strip();
                if (l.startsWith("- ")) items.add(l.substring(2));
                else if (!items.isEmpty()) items.set(items.size() - 1, items.get(items.size() - 1) + " " + l);
                else plain.append(plain.isEmpty() ? "" : " ").append(l);
            }
            if (!plain.isEmpty()) b.append("<p>").append(esc(plain.toString())).append("</p>\n");
            if (!items.isEmpty()) {
                b.append("<ul>\n");
                for (String i : items) b.append("<li>").append(esc(i)).append("</li>\n");
                b.append("</ul>\n");
            }
        }
    }

    private static String badge(Verdict.Outcome o) {
        return "<span class=\"badge " + o.cssClass() + "\">" + o.label() + "</span>";
    }

    private static boolean numeric(String s) {
        return s.matches("[-+]?[0-9.,]+(e[-+]?[0-9]+)?( ?(%|s|x|±.*))?");
    }

    static String duration(double seconds) {
        if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
        long s = Math.round(seconds);
        return s / 60 + " min " + s % 60 + " s";
    }

    /** Escapes the five HTML metacharacters, for text and attribute values alike. */
    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
