package org.relunet.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;

import org.relunet.lab.Experiment;
import org.relunet.lab.Lab;
import org.relunet.lab.LabOptions;
import org.relunet.lab.LabRun;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code relunet lab}: runs the experiments that measure the seed's claims and writes the HTML report. */
@Command(name = "lab", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure every claim of 'why use ReLU, and how?' and write a static HTML report with figures,",
                "tables and the data behind them: DIR/index.html, DIR/figures/*.png|svg, DIR/data/<experiment>.json|csv.",
                "--quick (default) uses the embedded Fashion-MNIST subset and takes about 5 minutes on 2 cores;",
                "--full uses the full set and several seeds, about 11 minutes on 2 idle cores."})
final class LabCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    static final class Size {
        @Option(names = "--quick", description = "Embedded data, reduced sizes: about 5 minutes on 2 cores (default).") boolean quick;
        @Option(names = "--full", description = "Full Fashion-MNIST, several seeds: about 11 minutes on 2 idle cores.") boolean full;
        @Option(names = "--tiny", description = "Seconds per experiment, for smoke tests (the numbers mean little).") boolean tiny;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1") Size size;

    @Option(names = "--out", defaultValue = "lab-report", paramLabel = "DIR", description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--only", paramLabel = "IDS", split = ",", description = "Experiment ids to run, e.g. e1,e3 (default: all; --list shows them).")
    Set<String> only;

    @Option(names = "--seeds", paramLabel = "N", description = "Seeds per measured configuration (default: 2 quick, 3 full).")
    Integer seeds;

    @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory with the four IDX files (default: embedded subset in --quick, the usual search in --full).")
    Path data;

    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all cores).")
    Integer threads;

    @Option(names = "--list", description = "List the experiments and exit.")
    boolean list;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (Experiment e : Lab.experiments()) out.println(e.id() + "  " + e.title());
            return Main.OK;
        }
        LabOptions.Mode mode = size == null || size.quick ? LabOptions.Mode.QUICK : size.full ? LabOptions.Mode.FULL : LabOptions.Mode.TINY;
        Set<String> ids = new LinkedHashSet<>();
        if (only != null) {
            Set<String> known = new LinkedHashSet<>();
            for (Experiment e : Lab.experiments()) known.add(e.id());
            for (String id : only) {
                String t = id.trim().toLowerCase(java.util.Locale.ROOT);
                if (t.isEmpty()) continue;
                if (!known.contains(t)) throw new UserError("--only: unknown experiment '" + id.trim() + "'; use ids from " + known);
                ids.add(t);
            }
        }
        if (seeds != null) Check.atLeast("--seeds", seeds, 1, "3");
        if (seeds != null && seeds > 100) throw new UserError("--seeds must be at most 100, got " + seeds + "; e.g. --seeds 3");
        if (data != null && !Files.isDirectory(data)) throw new UserError("--data " + data + " is not a directory; give the folder holding the four Fashion-MNIST IDX files");
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : Check.atLeast("--threads", threads, 1, "2");
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) throw new UserError("--out " + outDir + " is a file; give a directory for the report");
        PrintStream progress = new PrintStream(new java.io.OutputStream() {
            @Override public void write(int b) { out.write(b); }
            @Override public void write(byte[] b, int off, int len) { out.write(new String(b, off, len, StandardCharsets.UTF_8)); out.flush(); }
        }, true, StandardCharsets.UTF_8);
        LabRun run = Lab.execute(new LabOptions(mode, outDir, ids, seeds, data, t), progress);
        progress.flush();
        boolean failed = run.results().stream().anyMatch(r -> r.verdict().outcome() == org.relunet.lab.Verdict.Outcome.FAILED);
        return failed ? Main.INTERNAL_ERROR : Main.OK;
    }
}
