package org.relunet.lab;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Parallel;
import org.relunet.lab.experiments.E1Shapes;
import org.relunet.lab.experiments.E2Composition;
import org.relunet.lab.experiments.E3LearningSpeed;
import org.relunet.lab.experiments.E4Depth;
import org.relunet.lab.experiments.E5DeadUnits;
import org.relunet.lab.experiments.E6SoftmaxPlacement;
import org.relunet.lab.experiments.E7Switch;
import org.relunet.lab.experiments.E8FastTransforms;
import org.relunet.lab.report.ReportWriter;

/**
 * The lab: runs the experiments that measure the seed's claims and writes the report.
 *
 * <pre>{@code
 * Path index = Lab.run(LabOptions.defaults().withOutDir(Path.of("report")), System.out);
 * }</pre>
 *
 * The report is rewritten after every experiment, so a long run leaves a readable partial report.
 * An experiment that throws becomes a FAILED section; the others still run.
 */
public final class Lab {
    private Lab() {}

    /** Every experiment, in report order. A new experiment is one class and one line here. */
    public static List<Experiment> experiments() {
        return List.of(new E1Shapes(), new E2Composition(), new E3LearningSpeed(), new E4Depth(), new E5DeadUnits(),
                new E6SoftmaxPlacement(), new E7Switch(), new E8FastTransforms());
    }

    /** The experiments {@code only} names (all when empty), in report order. */
    public static List<Experiment> select(java.util.Set<String> only) {
        List<Experiment> all = experiments();
        if (only.isEmpty()) return all;
        List<String> ids = all.stream().map(Experiment::id).toList();
        for (String id : only) {
            if (!ids.contains(id)) throw new IllegalArgumentException("unknown experiment '" + id + "'; the experiments are " + String.join(", ", ids));
        }
        return all.stream().filter(e -> only.contains(e.id())).toList();
    }

    /**
     * Runs the chosen experiments and writes the report.
     *
     * @param options  what to run and where to write
     * @param progress where progress lines go (one per experiment and per measured configuration)
     * @return the path of {@code index.html}
     * @throws IllegalArgumentException for an unknown experiment id
     * @throws UncheckedIOException     when the report cannot be written
     */
    public static Path run(LabOptions options, PrintStream progress) {
        execute(options, progress);
        return new ReportWriter(options.outDir()).index();
    }

    /** Like {@link #run} but returns the run itself: every result with its verdict. */
    public static LabRun execute(LabOptions options, PrintStream progress) {
        System.setProperty("java.awt.headless", "true");
        List<Experiment> chosen = select(options.only());
        int previousThreads = Parallel.threads();
        Parallel.setThreads(options.threads());
        long start = System.nanoTime();
        String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        LabData data = new LabData(options.mode(), options.dataDir());
        ReportWriter writer = new ReportWriter(options.outDir());
        List<ExperimentResult> results = new ArrayList<>();
        List<String> planned = chosen.stream().map(Experiment::id).toList();
        String kernels = KernelProvider.choice().reason();
        String java = System.getProperty("java.version");
        try {
            progress.printf(Locale.ROOT, "relunet lab --%s: %d experiment%s, %d seed%s, %d thread%s, kernels %s, report in %s%n",
                    options.mode().flag(), chosen.size(), chosen.size() == 1 ? "" : "s", options.seedCount(), options.seedCount() == 1 ? "" : "s",
                    options.threads(), options.threads() == 1 ? "" : "s", kernels, options.outDir().toAbsolutePath().normalize());
            for (int i = 0; i < chosen.size(); i++) {
                Experiment e = chosen.get(i);
                progress.printf(Locale.ROOT, "[%d/%d] %s %s (%.0f s so far)%n", i + 1, chosen.size(), e.id(), e.title(), (System.nanoTime() - start) / 1e9);
                progress.flush();
                long t0 = System.nanoTime();
                ExperimentResult r;
                try {
                    r = e.run(new ExperimentContext(options, e.id(), progress, data));
                    r = r.withSeconds((System.nanoTime() - t0) / 1e9);
                } catch (RuntimeException | OutOfMemoryError ex) {
                    r = ExperimentResult.failed(e, ex, (System.nanoTime() - t0) / 1e9);
                    progress.println("  " + e.id() + " FAILED: " + r.verdict().headline());
                    ex.printStackTrace(progress);
                }
                results.add(r);
                LabRun run = new LabRun(options, dataDescription(data), dataNotice(data), kernels, java, started,
                        (System.nanoTime() - start) / 1e9, results, planned);
                writer.writeExperiment(r, run);
                writer.writeIndex(run);
                progress.printf(Locale.ROOT, "  %s done in %.1f s: %s. %s%n", e.id(), r.seconds(), r.verdict().outcome().label(), r.verdict().headline());
                progress.flush();
            }
            LabRun run = new LabRun(options, dataDescription(data), dataNotice(data), kernels, java, started,
                    (System.nanoTime() - start) / 1e9, results, planned);
            Path index = writer.writeIndex(run);
            progress.printf(Locale.ROOT, "lab finished in %.1f s; report: %s%n", run.seconds(), index.toAbsolutePath().normalize());
            return run;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the lab report to " + options.outDir() + ": " + ex.getMessage(), ex);
        } finally {
            Parallel.setThreads(previousThreads);
        }
    }

    private static String dataDescription(LabData data) {
        try {
            return data.description();
        } catch (RuntimeException e) {
            return "not loaded (" + e.getMessage() + ")";
        }
    }

    private static String dataNotice(LabData data) {
        try {
            return data.notice();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Runs the lab from the command line: {@code java -cp ... org.relunet.lab.Lab [--quick|--full] [--out DIR] ...}.
     * Exits 0 when every experiment ran (whatever the verdicts), 1 when one failed, 2 on bad options.
     */
    public static void main(String[] args) {
        LabOptions options;
        try {
            if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
                System.out.println(LabOptions.USAGE);
                return;
            }
            if (List.of(args).contains("--list")) {
                for (Experiment e : experiments()) System.out.printf(Locale.ROOT, "%-4s %s%n", e.id(), e.title());
                return;
            }
            options = LabOptions.parse(args);
            select(options.only());
        } catch (IllegalArgumentException e) {
            System.err.println("lab: " + e.getMessage());
            System.err.println(LabOptions.USAGE);
            System.exit(2);
            return;
        }
        LabRun run = execute(options, System.out);
        boolean failed = run.results().stream().anyMatch(r -> r.verdict().outcome() == Verdict.Outcome.FAILED);
        System.exit(failed ? 1 : 0);
    }
}
