package org.relunet.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.relunet.data.FashionMnist;
import org.relunet.kernels.KernelProvider;
import org.relunet.kernels.Parallel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code relunet info}: the Java runtime, the kernels chosen and why, threads, and the data sets found. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the Java runtime, which kernels were chosen and why, the threads, and the data sets found.")
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime rt = Runtime.getRuntime();
        out.println("relunet   " + new Main.Version().getVersion()[0].substring("relunet ".length()));
        out.println("java      " + Runtime.version() + " (" + System.getProperty("java.vendor") + ") in " + System.getProperty("java.home"));
        out.println("os        " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        out.println("heap      " + rt.maxMemory() / (1 << 20) + " MiB max");
        out.println("kernels   " + KernelProvider.choice().reason() + "; relunet.kernels=" + System.getProperty("relunet.kernels", "auto")
                + " (auto|scalar|vector)");
        out.println("vector    module jdk.incubator.vector " + (KernelProvider.vectorModulePresent() ? "loaded" : "not loaded (run java with --add-modules jdk.incubator.vector)"));
        out.println("threads   " + Parallel.threads() + " for kernels (" + rt.availableProcessors() + " processors available; --threads N or -Drelunet.threads=N)");
        out.println();
        out.println(FashionMnist.describeSearch(null).strip());
        out.println();
        out.println(String.format(Locale.ROOT, "Synthetic 2-D sets (--data NAME): %s", String.join(", ", DataSource.SYNTHETIC)));
        return Main.OK;
    }
}
