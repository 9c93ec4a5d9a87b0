package org.relunet.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of formatted cells; the report shows it and writes it as {@code data/<name>.csv}.
 *
 * @param name    file stem, lower case, e.g. {@code e3-mlp}
 * @param title   shown above the table
 * @param columns column headers (with units)
 * @param rows    rows of cells, each as long as {@code columns}
 * @param caption what the table shows; may be empty
 */
public record Table(String name, String title, List<String> columns, List<List<String>> rows, String caption) {
    public Table {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) throw new IllegalArgumentException("table name must be lower-case [a-z0-9-]: " + name);
        columns = List.copyOf(columns);
        List<List<String>> copy = new ArrayList<>();
        for (List<String> r : rows) {
            if (r.size() != columns.size()) throw new IllegalArgumentException(name + ": row " + r + " has " + r.size() + " cells, expected " + columns.size());
            copy.add(List.copyOf(r));
        }
        rows = List.copyOf(copy);
        if (caption == null) caption = "";
    }

    /** Collects rows for a table. */
    public static Builder builder(String name, String title, String... columns) { return new Builder(name, title, List.of(columns)); }

    public static final class Builder {
        private final String name, title;
        private final List<String> columns;
        private final List<List<String>> rows = new ArrayList<>();

        private Builder(String name, String title, List<String> columns) {
            this.name = name;
            this.title = title;
            this.columns = columns;
        }

        public Builder row(Object... cells) {
            List<String> r = new ArrayList<>();
            for (Object c : cells) r.add(String.valueOf(c));
            rows.add(r);
            return this;
        }

        public Table build(String caption) { return new Table(name, title, columns, rows, caption); }
    }
}
