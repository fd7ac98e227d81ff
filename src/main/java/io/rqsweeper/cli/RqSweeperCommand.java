package io.rqsweeper.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "rq-sweeper", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Finds RQ jobs left 'started' by dead workers and resolves them, never touching a job a live worker runs.",
                "status, inspect and workers show what RQ's Redis holds and why, changing nothing."},
        subcommands = {SweepCommand.class, RestoreCommand.class, ServeCommand.class, StatusCommand.class,
                InspectCommand.class, WorkersCommand.class},
        footer = {"", ExitCodes.HELP,
                "  3  status --check, inspect, workers: Redis unavailable (see their --help)"})
public class RqSweeperCommand {
}
