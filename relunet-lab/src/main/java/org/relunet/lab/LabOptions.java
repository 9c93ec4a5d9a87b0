package org.relunet.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a lab run does: how big, where the report goes, which experiments, how many seeds, which
 * data and how many kernel threads. The CLI builds one from its flags; {@link #parse} reads the same
 * flags for {@link Lab#main}.
 *
 * @param mode    {@link Mode#QUICK} (embedded data, about 5 minutes on 2 cores), {@link Mode#FULL}
 *                (full Fashion-MNIST, several seeds, about 11 minutes on 2 idle cores) or {@link Mode#TINY} (seconds; tests)
 * @param outDir  the report directory: {@code index.html}, {@code figures/}, {@code data/}
 * @param only    experiment ids to run (e.g. {@code e1}, {@code e3}); empty runs them all
 * @param seeds   seeds per measured configuration, or null for the mode's default
 * @param dataDir Fashion-MNIST directory, or null: the embedded subset in quick mode, else the usual
 *                search ({@code $RELUNET_DATA}, {@code /usr/share/datasets/fashion-mnist}) with the
 *                embedded subset as fallback
 * @param threads kernel threads (>= 1)
 */
public record LabOptions(Mode mode, Path outDir, Set<String> only, Integer seeds, Path dataDir, int threads) {

    /** How big the experiments are. */
    public enum Mode {
        /** A few seconds per experiment, for the test suite and smoke runs; numbers are not meaningful. */
        TINY,
        /** Embedded 10k/2k Fashion-MNIST subset, reduced sizes; the whole lab in about 5 minutes on 2 cores. */
        QUICK,
        /** Full Fashion-MNIST, larger grids and several seeds; about 11 minutes on 2 idle cores. */
        FULL;

        /** Lower-case name, as in {@code --quick}. */
        public String flag() { return name().toLowerCase(Locale.ROOT); }

        /** Seeds per configuration when none are asked for. */
        public int defaultSeeds() {
            return switch (this) {
                case TINY -> 1;
                case QUICK -> 2;
                case FULL -> 3;
            };
        }
    }

    public LabOptions {
        if (mode == null) throw new IllegalArgumentException("mode is required (tiny, quick or full)");
        if (outDir == null) throw new IllegalArgumentException("an output directory is required");
        Set<String> ids = new LinkedHashSet<>();
        if (only != null) for (String id : only) ids.add(id.trim().toLowerCase(Locale.ROOT));
        only = Set.copyOf(ids);
        if (seeds != null && (seeds < 1 || seeds > 100)) throw new IllegalArgumentException("seeds must be in 1..100, got " + seeds);
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }

    /** Quick mode into {@code lab-report/}, every experiment, default seeds, every core. */
    public static LabOptions defaults() {
        return new LabOptions(Mode.QUICK, Path.of("lab-report"), Set.of(), null, null, Runtime.getRuntime().availableProcessors());
    }

    /** Seeds per measured configuration: the one asked for, else the mode's default. */
    public int seedCount() { return seeds != null ? seeds : mode.defaultSeeds(); }

    public LabOptions withMode(Mode m) { return new LabOptions(m, outDir, only, seeds, dataDir, threads); }
    public LabOptions withOutDir(Path p) { return new LabOptions(mode, p, only, seeds, dataDir, threads); }
    public LabOptions withOnly(Set<String> ids) { return new LabOptions(mode, outDir, ids, seeds, dataDir, threads); }
    public LabOptions withSeeds(Integer n) { return new LabOptions(mode, outDir, only, n, dataDir, threads); }
    public LabOptions withDataDir(Path p) { return new LabOptions(mode, outDir, only, seeds, p, threads); }
    public LabOptions withThreads(int n) { return new LabOptions(mode, outDir, only, seeds, dataDir, n); }

    /** The flags {@link #parse} accepts, for usage messages. */
    public static final String USAGE = """
            usage: lab [--quick | --full | --tiny] [--out DIR] [--only e1,e3,...] [--seeds N] [--data DIR] [--threads N] [--list]
              --quick        embedded Fashion-MNIST subset, reduced sizes: about 5 minutes on 2 cores (default)
              --full         full Fashion-MNIST and several seeds: about 11 minutes on 2 idle cores
              --tiny         seconds per experiment, for smoke tests (the numbers mean little)
              --out DIR      report directory (default lab-report): index.html, figures/, data/
              --only IDS     comma-separated experiment ids (default: all)
              --seeds N      seeds per measured configuration (default: 1 tiny, 2 quick, 3 full)
              --data DIR     Fashion-MNIST directory with the four IDX files (.gz or raw)
              --threads N    kernel threads (default: all cores)
              --list         list the experiments and exit""";

    /**
     * Parses command-line flags (no option library: this is the lab's own {@code main}; the relunet
     * CLI has its own parser and builds the record directly).
     *
     * @throws IllegalArgumentException naming the bad flag
     */
    public static LabOptions parse(String... args) {
        LabOptions o = defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--quick" -> o = o.withMode(Mode.QUICK);
                case "--full" -> o = o.withMode(Mode.FULL);
                case "--tiny" -> o = o.withMode(Mode.TINY);
                case "--out" -> o = o.withOutDir(Path.of(value != null ? value : next(args, ++i, a)));
                case "--only" -> {
                    List<String> ids = new ArrayList<>();
                    for (String id : (value != null ? value : next(args, ++i, a)).split(",")) if (!id.isBlank()) ids.add(id);
                    o = o.withOnly(new LinkedHashSet<>(ids));
                }
                case "--seeds" -> o = o.withSeeds(integer(value != null ? value : next(args, ++i, a), a));
                case "--data" -> o = o.withDataDir(Path.of(value != null ? value : next(args, ++i, a)));
                case "--threads" -> o = o.withThreads(integer(value != null ? value : next(args, ++i, a), a));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        return o;
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }

    private static int integer(String v, String flag) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs an integer, got '" + v + "'");
        }
    }
}
