package io.rqsweeper.cli;

import io.rqsweeper.sweep.SweepPolicy;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.temporal.ChronoUnit;

/**
 * The abandoned-job rule's options for the read-only commands: the same names, defaults and meaning as
 * {@code sweep}'s, so that their verdicts match a sweep run with the same options.
 */
public class RuleOptions {

    @Option(names = "--max-age", paramLabel = "DURATION",
            description = "As for sweep: a job older than this (now - started_at) whose worker is provably gone counts as "
                    + "abandoned before its heartbeat lapses. A bare number means minutes. Default: 10m.")
    String maxAge;

    @Option(names = "--margin", paramLabel = "DURATION",
            description = "As for sweep: a heartbeat counts as lapsed this long after its score. Default: 30s.")
    String margin;

    /** The policy {@code sweep} would use with these options (never forced), or a usage error (exit 2). */
    public SweepPolicy policy(CommandLine commandLine, SweeperConfig config) {
        try {
            return new SweepPolicy(
                    maxAge == null
                            ? Durations.option("rq-sweeper.sweep.max-age (RQ_SWEEPER_SWEEP_MAX_AGE)", config.sweep().maxAge(), ChronoUnit.MINUTES)
                            : Durations.option("--max-age", maxAge, ChronoUnit.MINUTES),
                    margin == null
                            ? Durations.option("rq-sweeper.sweep.margin (RQ_SWEEPER_SWEEP_MARGIN)", config.sweep().margin(), ChronoUnit.SECONDS)
                            : Durations.option("--margin", margin, ChronoUnit.SECONDS),
                    false);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, e.getMessage());
        }
    }
}
