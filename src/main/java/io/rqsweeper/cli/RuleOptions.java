package io.rqsweeper.cli;

import io.rqsweeper.sweep.SweepPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.temporal.ChronoUnit;

/**
 * The abandoned-job rule's options, shared by {@code sweep} and the read-only commands: the same names,
 * defaults and meaning, so that a {@code status} verdict matches a sweep run with the same options.
 */
public class RuleOptions {

    @Option(names = "--max-age", paramLabel = "DURATION",
            description = "Also abandon a job older than this (now - started_at) whose worker is provably gone, "
                    + "before its heartbeat lapses. A bare number means minutes. Default: 10m.")
    String maxAge;

    @Option(names = "--margin", paramLabel = "DURATION",
            description = "Clock-skew allowance: a heartbeat counts as lapsed this long after its score. Default: 30s.")
    String margin;

    /** The policy these options give (defaults from the configuration), or a usage error (exit 2). */
    public SweepPolicy policy(CommandLine commandLine, SweeperConfig config, boolean force) {
        try {
            return new SweepPolicy(
                    maxAge == null
                            ? Durations.option("rq-sweeper.sweep.max-age (RQ_SWEEPER_SWEEP_MAX_AGE)", config.sweep().maxAge(), ChronoUnit.MINUTES)
                            : Durations.option("--max-age", maxAge, ChronoUnit.MINUTES),
                    margin == null
                            ? Durations.option("rq-sweeper.sweep.margin (RQ_SWEEPER_SWEEP_MARGIN)", config.sweep().margin(), ChronoUnit.SECONDS)
                            : Durations.option("--margin", margin, ChronoUnit.SECONDS),
                    force);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }
}
