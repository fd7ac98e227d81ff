package io.rqsweeper.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@TopCommand
@Command(name = "rq-sweeper", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Finds RQ jobs left 'started' by dead workers and resolves them, never touching a job a live worker runs.",
                "status, inspect and workers show what RQ's Redis holds and why, changing nothing."},
        subcommands = {SweepCommand.class, RestoreCommand.class, ServeCommand.class, StatusCommand.class,
                InspectCommand.class, WorkersCommand.class},
        footer = {"", ExitCodes.HELP,
                "  3  status --check, inspect, workers: Redis unavailable (see their --help)"})
public class RqSweeperCommand {

    /** Read from the raw arguments by {@link io.rqsweeper.Main} before parsing; declared here so every command accepts it. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an unexpected failure, print the stack trace as well as the one-line message.")
    boolean verbose;
}
