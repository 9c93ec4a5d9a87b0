package org.relunet.lab;

import org.knowm.xchart.internal.chartpart.Chart;

/**
 * A chart and its caption. The report writes it as {@code figures/<name>.png} and
 * {@code figures/<name>.svg}, and its series into the experiment's data files.
 *
 * @param name    file stem, lower case, e.g. {@code e1-derivatives}
 * @param chart   an XChart chart with axis titles (with units) and a legend; see {@link Charts}
 * @param caption what the figure shows: axes, units, what to look for
 */
public record Figure(String name, Chart<?, ?> chart, String caption) {
    public Figure {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) throw new IllegalArgumentException("figure name must be lower-case [a-z0-9-]: " + name);
        if (chart == null) throw new IllegalArgumentException(name + ": no chart");
        if (caption == null || caption.isBlank()) throw new IllegalArgumentException(name + ": every figure needs a caption");
    }
}
