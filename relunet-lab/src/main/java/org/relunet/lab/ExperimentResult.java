package org.relunet.lab;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an experiment found. {@code data} holds every number the experiment plotted or quoted,
 * under keys it documents; it is written, with the figures' series and the tables, to
 * {@code data/<id>.json}.
 *
 * @param id      the experiment id
 * @param title   section title
 * @param claim   the claim tested, quoted
 * @param source  where the claim comes from
 * @param method  what was run: networks, data, sizes, optimiser, seeds (plain text, paragraphs split by blank lines)
 * @param result  what was found, in words and numbers (plain text, paragraphs split by blank lines)
 * @param verdict the verdict computed from the data
 * @param figures figures in reading order
 * @param tables  tables in reading order
 * @param data    the numbers, as JSON-ready values (maps, lists, numbers, strings, arrays)
 * @param seconds wall time of the run (set by the lab)
 */
public record ExperimentResult(String id, String title, String claim, String source, String method, String result,
                               Verdict verdict, List<Figure> figures, List<Table> tables, Map<String, Object> data,
                               double seconds) {
    public ExperimentResult {
        if (verdict == null) throw new IllegalArgumentException(id + ": no verdict");
        figures = List.copyOf(figures);
        tables = List.copyOf(tables);
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
        method = method == null ? "" : method;
        result = result == null ? "" : result;
    }

    public ExperimentResult withSeconds(double s) {
        return new ExperimentResult(id, title, claim, source, method, result, verdict, figures, tables, data, s);
    }

    /** The result of an experiment that threw: no figures, the error as the verdict's headline. */
    public static ExperimentResult failed(Experiment e, Throwable error, double seconds) {
        String why = error.getClass().getSimpleName() + (error.getMessage() != null ? ": " + error.getMessage() : "");
        return new ExperimentResult(e.id(), e.title(), e.claim(), e.source(), "", "The experiment failed: " + why,
                Verdict.failed(why), List.of(), List.of(), Map.of("error", why), seconds);
    }

    public static Builder builder(Experiment e) { return new Builder(e); }

    /** Collects an experiment's outputs in the order they should appear. */
    public static final class Builder {
        private final Experiment experiment;
        private String method = "", result = "";
        private Verdict verdict;
        private final List<Figure> figures = new ArrayList<>();
        private final List<Table> tables = new ArrayList<>();
        private final Map<String, Object> data = new LinkedHashMap<>();

        private Builder(Experiment e) { this.experiment = e; }

        public Builder method(String text) { this.method = text; return this; }
        public Builder result(String text) { this.result = text; return this; }
        public Builder verdict(Verdict v) { this.verdict = v; return this; }
        public Builder figure(Figure f) { figures.add(f); return this; }
        public Builder table(Table t) { tables.add(t); return this; }

        /** Adds a number (or map, list, array, string) to the data file; keys must be unique. */
        public Builder data(String key, Object value) {
            if (data.put(key, value) != null) throw new IllegalArgumentException(experiment.id() + ": data key '" + key + "' set twice");
            return this;
        }

        public ExperimentResult build() {
            return new ExperimentResult(experiment.id(), experiment.title(), experiment.claim(), experiment.source(),
                    method, result, verdict, figures, tables, data, 0);
        }
    }
}
