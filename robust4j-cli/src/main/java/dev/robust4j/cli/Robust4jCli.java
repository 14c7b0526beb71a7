package dev.robust4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code robust4j} command: attack, defend and test classifiers. */
@Command(
        name = "robust4j",
        mixinStandardHelpOptions = true,
        versionProvider = Versions.class,
        description = "Attack, defend and test machine-learning classifiers.",
        subcommands = {DemoCommand.class, EvaluateCommand.class, TrainCommand.class, AttackCommand.class, DetectCommand.class,
                ServeCommand.class,
                CertifyCommand.class},
        footer = {"", "Exit codes: 0 done; 1 the robustness target was not met; 2 bad usage or bad input."})
public final class Robust4jCli implements Runnable {

    /** Exit code for bad usage or bad input (DESIGN §4). */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for an internal error: a bug in robust4j. */
    public static final int EXIT_INTERNAL = 70;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        configureLogging(args);
        System.exit(newCommandLine().execute(args));
    }

    /** The option that turns robust4j's log on (it is read before the first logger exists). */
    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Log what robust4j does to stderr (model loading, HTTP retries, skipped attacks); DJL's"
                    + " warnings too.")
    boolean verbose;

    /**
     * Sets slf4j-simple's levels from the arguments, before any logger is made: silent by default
     * (the command line prints its own one-line results and errors), robust4j at INFO and every
     * other library at WARN with {@code --verbose}. A level the user set as a system property wins.
     *
     * @param args the command-line arguments
     */
    static void configureLogging(String[] args) {
        // without --verbose, simplelogger.properties (defaultLogLevel=off) applies
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                    System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
            System.setProperty("org.slf4j.simpleLogger.log.dev.robust4j",
                    System.getProperty("org.slf4j.simpleLogger.log.dev.robust4j", "info"));
        }
    }

    /**
     * Makes the command line with robust4j's error handling: bad input prints one line to stderr
     * and exits 2; no stack trace unless {@code ROBUST4J_DEBUG} is set.
     *
     * @return the command line, ready to {@code execute}
     */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new Robust4jCli());
        cli.setExecutionExceptionHandler(Robust4jCli::handle);
        cli.setExecutionStrategy(parsed -> {
            try {
                return new CommandLine.RunLast().execute(parsed);
            } catch (OutOfMemoryError e) {
                // Inputs within the documented limits can still outgrow a small heap: one line, not a crash.
                PrintWriter err = parsed.commandSpec().commandLine().getErr();
                err.println("robust4j: out of memory (" + oneLine(e.getMessage()) + "); the input is too large for"
                        + " this Java heap: lower --limit or --batch-size, or raise the heap with"
                        + " ROBUST4J_JAVA_OPTS=-Xmx8g");
                err.flush();
                return EXIT_BAD_INPUT;
            }
        });
        cli.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("robust4j: " + oneLine(ex.getMessage()) + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return EXIT_BAD_INPUT;
        });
        return cli;
    }

    private static int handle(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean debug = System.getenv("ROBUST4J_DEBUG") != null;
        int code;
        if (ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException
                || ex instanceof java.io.IOException) {
            err.println("robust4j: " + oneLine(ex.getMessage()));
            code = EXIT_BAD_INPUT;
        } else {
            err.println("robust4j: internal error: " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage())
                    + " (set ROBUST4J_DEBUG=1 for the stack trace, and please report it)");
            code = EXIT_INTERNAL;
        }
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static final java.util.regex.Pattern JAVA_CLASS =
            java.util.regex.Pattern.compile("\\b(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

    /** The most characters of a message printed; the rest of a longer one is cut. */
    static final int MAX_MESSAGE = 1000;

    /**
     * Makes a message one line of at most {@link #MAX_MESSAGE} characters: the first line, with
     * control characters replaced, cut with an ellipsis when longer.
     */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "(no message)";
        }
        int nl = message.indexOf('\n');
        // "java.io.IOException: " and the like say nothing to a user; keep what follows.
        String line = JAVA_CLASS.matcher(nl < 0 ? message : message.substring(0, nl)).replaceAll("").strip();
        StringBuilder b = new StringBuilder(Math.min(line.length(), MAX_MESSAGE + 3));
        for (int i = 0; i < line.length() && b.length() < MAX_MESSAGE; i++) {
            char c = line.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        if (line.length() > MAX_MESSAGE) {
            b.append("...");
        }
        return b.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
