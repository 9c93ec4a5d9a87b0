package org.relunet.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

import org.relunet.data.DataException;
import org.relunet.io.ModelFileException;
import org.relunet.train.NonFiniteException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code relunet} command. Subcommands are listed in {@link #SUBCOMMANDS}; a new one
 * ({@code bench}, {@code lab}) is a picocli {@code @Command} class added there.
 *
 * <p>Exit codes: {@value #OK} success, {@value #USER_ERROR} a user error (one line on stderr naming
 * the problem and the fix), {@value #DIVERGED} training stopped on NaN or infinity,
 * {@value #LINT_FAILED} {@code lint} made an error-level finding, {@value #INTERNAL_ERROR} a bug in
 * relunet. Stack traces only with {@code --debug}.
 */
@Command(name = "relunet", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"A fast, pure-Java neural-network library: train, evaluate, predict and inspect networks.",
                "Run 'relunet COMMAND --help' for a command's flags."},
        footer = {"", "Exit codes: 0 success, 1 internal error (a bug), 2 user error, 3 training diverged (NaN or Inf),",
                "4 lint found an error-level problem in the network."})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int INTERNAL_ERROR = 1;
    public static final int USER_ERROR = 2;
    public static final int DIVERGED = 3;
    public static final int LINT_FAILED = 4;

    /** Every subcommand, in the order of the help text. */
    static final List<Class<?>> SUBCOMMANDS = List.of(LabCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class,
            SummaryCommand.class, InfoCommand.class, BenchCommand.class, InspectCommand.class, LintCommand.class);

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    boolean debug;

    @Spec CommandSpec spec;

    @Override public void run() {
        throw new ParameterException(spec.commandLine(), "missing command; use one of lab, train, eval, predict, summary, info, bench, inspect, lint");
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.console() != null && System.console().isTerminal());
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs a command line in this process, for the launcher and for tests.
     *
     * @param terminal whether stderr is a terminal (draws the progress bar)
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        boolean debug = Arrays.asList(args).contains("--debug");
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine cmd = commandLine(terminal);
        cmd.setOut(outWriter);
        cmd.setErr(errWriter);
        cmd.setParameterExceptionHandler((ex, ignored) -> {
            CommandLine c = ex.getCommandLine();
            String name = c.getCommandSpec().qualifiedName(" ");
            String hint = "";
            if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
                hint = "did you mean " + String.join(" or ", u.getSuggestions().stream().limit(3).toList()) + "? ";
            }
            c.getErr().println(name + ": " + oneLine(ex.getMessage()) + "; " + hint + "see '" + name + " --help'");
            if (debug) ex.printStackTrace(c.getErr());
            return USER_ERROR;
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> report(ex, c.getCommandSpec().qualifiedName(" "), c.getErr(), debug));
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError e) {
            errWriter.println("relunet: out of memory (" + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB heap); use a smaller --batch, or give more heap with RELUNET_HEAP=8g ./relunet ...");
            if (debug) e.printStackTrace(errWriter);
            return USER_ERROR;
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** The command tree, with the lenient number converters that let validation name bad values. */
    static CommandLine commandLine(boolean terminal) {
        CommandLine cmd = new CommandLine(new Main(), new Factory(terminal));
        for (Class<?> sub : SUBCOMMANDS) cmd.addSubcommand(sub);
        cmd.addSubcommand(new CommandLine.HelpCommand());
        cmd.registerConverter(Double.class, new Check.LenientDouble());
        cmd.registerConverter(Double.TYPE, new Check.LenientDouble());
        cmd.registerConverter(Integer.class, new Check.WholeNumber());
        cmd.registerConverter(Integer.TYPE, new Check.WholeNumber());
        cmd.registerConverter(Long.class, new Check.LongNumber());
        cmd.registerConverter(Long.TYPE, new Check.LongNumber());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    /** One line for a user error; the stack trace only with --debug, or for a bug. */
    static int report(Exception ex, String command, PrintWriter err, boolean debug) {
        int code;
        if (ex instanceof UserError || ex instanceof ModelFileException || ex instanceof DataException) {
            err.println(command + ": " + oneLine(ex.getMessage()));
            code = USER_ERROR;
        } else if (ex instanceof NonFiniteException) {
            err.println(command + ": " + oneLine(ex.getMessage()));
            code = DIVERGED;
        } else {
            err.println(command + ": internal error: " + oneLine(String.valueOf(ex)) + "; this is a bug in relunet, please report it"
                    + (debug ? "" : " with the output of --debug"));
            code = INTERNAL_ERROR;
        }
        if (debug) ex.printStackTrace(err);
        err.flush();
        return code;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').strip();
    }

    /** Makes commands, telling the train command whether stderr is a terminal. */
    private record Factory(boolean terminal) implements CommandLine.IFactory {
        @Override public <K> K create(Class<K> type) throws Exception {
            if (type == TrainCommand.class) return type.cast(new TrainCommand(terminal));
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** The version from the jar manifest, or "development build". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"relunet " + (v == null ? "(development build)" : v), "Java " + Runtime.version()};
        }
    }
}
