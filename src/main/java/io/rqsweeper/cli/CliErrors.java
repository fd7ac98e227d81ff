package io.rqsweeper.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Usage errors and unexpected failures as one short message on stderr: never a stack trace. */
public final class CliErrors {
    /** System property set by {@code --verbose}: stack traces of unexpected failures are printed too. */
    public static final String VERBOSE = "rq-sweeper.verbose";

    private CliErrors() {
    }

    public static void install(CommandLine cli) {
        cli.setParameterExceptionHandler(CliErrors::usageError);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("rq-sweeper: error: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage())
                    + (Boolean.getBoolean(VERBOSE) ? "" : " (--verbose shows the stack trace)"));
            if (Boolean.getBoolean(VERBOSE)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.FAILURE;
        });
    }

    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("rq-sweeper: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("See '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return ExitCodes.USAGE;
    }
}
