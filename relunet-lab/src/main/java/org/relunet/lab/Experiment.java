package org.relunet.lab;

/**
 * One measurement of one claim. An experiment states the claim it tests (quoted from the seed, or
 * from the paper the seed's claim rests on), runs, and returns what it ran, what it found, the
 * figures and tables, every number it plotted or quoted, and a verdict computed from those numbers.
 *
 * <p>An implementation lives in {@code org.relunet.lab.experiments} as {@code E<n><Name>} and is
 * listed once in {@link Lab#experiments()}. Its sizes come from {@link ExperimentContext#mode()}
 * (tiny for tests, quick, full); it reports progress through {@link ExperimentContext#progress}.
 * It must not print elsewhere, set global state, or write files: the report writer does that.
 */
public interface Experiment {

    /** Short lower-case id used by {@code --only}, file names and anchors, e.g. {@code e3}. */
    String id();

    /** Section title, e.g. {@code "Speed of learning"}. */
    String title();

    /** The claim tested, quoted (the seed's words in English, or the paper's). */
    String claim();

    /** Where the claim comes from, e.g. {@code "seed, answer 1; Krizhevsky et al. 2012, Fig. 1"}. */
    String source();

    /** Runs the experiment. Exceptions are caught by the lab and reported as a failed section. */
    ExperimentResult run(ExperimentContext context);
}
