package org.relunet.lab;

import java.io.PrintStream;
import java.util.Locale;

import org.relunet.data.Dataset;
import org.relunet.lab.LabOptions.Mode;

/**
 * What an experiment may use: the run's size ({@link #mode()}), seeds, the shared data sets and a
 * progress line printer that shows the experiment id and its elapsed time.
 */
public final class ExperimentContext {
    private final LabOptions options;
    private final String id;
    private final PrintStream progress;
    private final LabData data;
    private final long start = System.nanoTime();

    public ExperimentContext(LabOptions options, String experimentId, PrintStream progress, LabData data) {
        this.options = options;
        this.id = experimentId;
        this.progress = progress;
        this.data = data;
    }

    public Mode mode() { return options.mode(); }

    /** Seeds per measured configuration. */
    public int seeds() { return options.seedCount(); }

    /** The seed of run {@code i} (0-based) of a configuration: fixed, so reruns give the same numbers. */
    public long seed(int i) { return 1000L * (i + 1) + 17; }

    /** One of three values by the run's size, for an experiment's configuration. */
    public <T> T pick(T tiny, T quick, T full) {
        return switch (options.mode()) {
            case TINY -> tiny;
            case QUICK -> quick;
            case FULL -> full;
        };
    }

    public int pick(int tiny, int quick, int full) { return pick(Integer.valueOf(tiny), Integer.valueOf(quick), Integer.valueOf(full)); }

    public Dataset train() { return data.train(); }

    public Dataset test() { return data.test(); }

    public String dataDescription() { return data.description(); }

    /** Kernel threads in use. */
    public int threads() { return options.threads(); }

    /** Seconds since the experiment started. */
    public double elapsedSeconds() { return (System.nanoTime() - start) / 1e9; }

    /** Prints one progress line, e.g. {@code   e3  12.4s  mlp relu lr=0.03: 0.71 epochs to 20%}. */
    public void progress(String format, Object... args) {
        progress.printf(Locale.ROOT, "  %-3s %6.1fs  %s%n", id, elapsedSeconds(), String.format(Locale.ROOT, format, args));
        progress.flush();
    }
}
