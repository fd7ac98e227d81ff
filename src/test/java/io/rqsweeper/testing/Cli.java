package io.rqsweeper.testing;

import io.rqsweeper.cli.CliErrors;
import io.rqsweeper.cli.RqSweeperCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * Runs the command line inside a {@code @QuarkusTest} as {@code Main} does, without restarting the application
 * for each run: for tests that run many commands against one prepared Redis. The process-level contract
 * (streams, exit status of the real process) is covered by the {@code @QuarkusMainTest}s and their twins.
 */
public final class Cli {
    private final CommandLine.IFactory factory;

    public Cli(CommandLine.IFactory factory) {
        this.factory = factory;
    }

    /** What one run printed and returned. */
    public record Result(int exitCode, String out, String err) {
        public List<String> lines() {
            return out.lines().toList();
        }

        public String evidence() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    public Result run(String... args) {
        CommandLine cli = new CommandLine(RqSweeperCommand.class, factory).setCaseInsensitiveEnumValuesAllowed(true);
        CliErrors.install(cli);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    public Result run(List<String> args) {
        return run(args.toArray(String[]::new));
    }
}
