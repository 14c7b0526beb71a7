package dev.robust4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code robust4j} command: attack, defend and test classifiers. */
@Command(
        name = "robust4j",
        mixinStandardHelpOptions = true,
        version = "robust4j 0.1.0-SNAPSHOT",
        description = "Attack, defend and test machine-learning classifiers.")
public final class Robust4jCli implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Robust4jCli()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
