package org.relunet.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.relunet.lab.report.HtmlReport;

class HtmlReportTest {

    @Test void escapesTheFiveMetacharacters() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", HtmlReport.esc("a <b> & \"c\" 'd'"));
    }

    @Test void textFromExperimentsCannotInjectMarkup() {
        Experiment e = new Experiment() {
            @Override public String id() { return "e9"; }
            @Override public String title() { return "<script>alert(1)</script>"; }
            @Override public String claim() { return "x < y & \"z\""; }
            @Override public String source() { return "<x-source>"; }
            @Override public ExperimentResult run(ExperimentContext context) { throw new UnsupportedOperationException(); }
        };
        XYChart chart = Charts.xy("t<x-i>", "x (unit)", "y (unit)");
        chart.addSeries("s", new double[] {1, 2}, new double[] {3, 4});
        ExperimentResult r = ExperimentResult.builder(e).method("- <x-li>one\n- two").result("<x-result>")
                .verdict(Verdict.of("<x-headline>", List.of(Verdict.Finding.check("<x-claim>", "<x-measured>", true))))
                .figure(new Figure("e9-x", chart, "<x-caption>"))
                .table(Table.builder("e9-t", "<x-title>", "<x-col>").row("<x-cell>").build("<x-cap>"))
                .build();
        LabOptions options = new LabOptions(LabOptions.Mode.QUICK, Path.of("out"), Set.of(), null, null, 1);
        String html = HtmlReport.render(new LabRun(options, "<x-data>", null, "k", "25", "now", 1, List.of(r), List.of("e9", "e10")));
        for (String raw : List.of("<script>", "<x-")) {
            assertFalse(html.contains(raw), "unescaped " + raw);
        }
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("This report is partial: 1 of 2"), "a partial run says so");
        assertTrue(html.contains("<td>e10</td><td colspan=\"4\">not finished</td>"));
    }

    @Test void verdictsCombineTheirFindings() {
        Verdict.Finding held = Verdict.Finding.check("a", "1", true), not = Verdict.Finding.check("b", "2", false);
        assertEquals(Verdict.Outcome.HELD, Verdict.of("h", List.of(held, held)).outcome());
        assertEquals(Verdict.Outcome.NOT_HELD, Verdict.of("h", List.of(not)).outcome());
        assertEquals(Verdict.Outcome.MIXED, Verdict.of("h", List.of(held, not)).outcome());
        assertEquals(Verdict.Outcome.MIXED, Verdict.of("h", List.of(new Verdict.Finding("c", "3", Verdict.Outcome.MIXED))).outcome());
        assertEquals("NOT HELD", Verdict.Outcome.NOT_HELD.label());
    }
}
