package io.rqsweeper.serve;

import io.rqsweeper.cli.Durations;
import io.rqsweeper.cli.SweeperConfig;
import io.rqsweeper.rq.RqGeneration;
import io.rqsweeper.sweep.SweepOptions;
import io.rqsweeper.sweep.SweepPolicy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@code serve} does on each tick: the interval and the sweep options, read from {@code rq-sweeper.*}
 * and checked as the {@code sweep} command checks its flags, with messages that name the setting.
 *
 * @param every   the interval between sweeps
 * @param options the options of every sweep
 */
public record ServeSettings(Duration every, SweepOptions options) {
    /** The scheduler looks at its triggers once a second; a shorter interval would not be honoured. */
    static final Duration SHORTEST_INTERVAL = Duration.ofSeconds(1);

    /**
     * Reads and checks the settings.
     *
     * @throws IllegalArgumentException naming the setting and its environment variable, for a usage error
     */
    public static ServeSettings from(SweeperConfig config) {
        SweeperConfig.Sweep s = config.sweep();
        Duration every = duration("rq-sweeper.schedule.every", config.schedule().every(), ChronoUnit.SECONDS);
        if (every.compareTo(SHORTEST_INTERVAL) < 0) {
            throw new IllegalArgumentException(name("rq-sweeper.schedule.every") + " is " + config.schedule().every()
                    + ": the shortest interval is 1s");
        }
        Duration maxAge = duration("rq-sweeper.sweep.max-age", s.maxAge(), ChronoUnit.MINUTES);
        Duration margin = duration("rq-sweeper.sweep.margin", s.margin(), ChronoUnit.SECONDS);
        boolean deleteDependents = flag("rq-sweeper.sweep.delete-dependents", s.deleteDependents());
        boolean dryRun = flag("rq-sweeper.sweep.dry-run", s.dryRun());
        boolean force = flag("rq-sweeper.sweep.force", s.force());
        java.nio.file.Path backup = s.backup().orElse(null);
        if (backup != null) {
            String problem = io.rqsweeper.backup.BackupFile.problemWith(backup);
            if (problem != null) {
                throw new IllegalArgumentException(name("rq-sweeper.sweep.backup") + ": " + problem);
            }
        }
        SweepOptions.Action action = s.action().filter(a -> !a.isBlank()).map(ServeSettings::action).orElse(null);
        List<String> deleteKeys = list(s.deleteKeys().orElse(List.of()));
        if ((!deleteKeys.isEmpty() || deleteDependents) && action != SweepOptions.Action.DELETE) {
            throw new IllegalArgumentException(name("rq-sweeper.sweep.delete-keys") + " and "
                    + name("rq-sweeper.sweep.delete-dependents") + " only apply with rq-sweeper.sweep.action=delete");
        }
        for (String pattern : deleteKeys) {
            if (!pattern.contains("{id}")) {
                throw new IllegalArgumentException(name("rq-sweeper.sweep.delete-keys") + ": '" + pattern
                        + "' has no {id}: it would delete the same key for every job");
            }
        }
        String rqVersion = s.rqVersion().filter(v -> !v.isBlank()).orElse(null);
        if (rqVersion != null && RqGeneration.ofVersion(rqVersion) == null) {
            throw new IllegalArgumentException(name("rq-sweeper.sweep.rq-version") + " '" + rqVersion
                    + "' is not an RQ version such as 1.16 or 2.12");
        }
        int maxJobs;
        try {
            maxJobs = Integer.parseInt(s.maxJobs().trim());
        } catch (NumberFormatException e) {
            maxJobs = -1;
        }
        if (maxJobs < 0) {
            throw new IllegalArgumentException(name("rq-sweeper.sweep.max-jobs") + ": '" + s.maxJobs()
                    + "' is not a number of jobs (0 for no cap)");
        }
        SweepPolicy policy = new SweepPolicy(maxAge, margin, force);
        SweepOptions options = new SweepOptions(list(s.queues().orElse(List.of())), list(s.excludeQueues().orElse(List.of())),
                policy, action, dryRun, rqVersion, deleteKeys, deleteDependents, backup, maxJobs);
        return new ServeSettings(every, options);
    }

    /** One line for the start-up log: what every sweep will do. */
    public String describe() {
        SweepOptions o = options;
        return "every " + Durations.text(every) + ": " + (o.dryRun() ? "dry run, " : "")
                + (o.action() == null ? "fail abandoned jobs (requeue those never started)" : o.action().code() + " abandoned jobs")
                + (o.policy().force() ? ", FORCED (live workers' jobs too)" : "")
                + ", " + (o.queues().isEmpty() ? "every queue in rq:queues" : "queues " + String.join(",", o.queues()))
                + (o.excludedQueues().isEmpty() ? "" : " except " + String.join(",", o.excludedQueues()))
                + (o.maxJobs() == 0 ? ", no cap" : ", at most " + o.maxJobs() + " jobs")
                + ", max age " + Durations.text(o.policy().maxAge()) + ", margin " + Durations.text(o.policy().margin())
                + (o.backup() == null ? "" : ", backup to " + o.backup());
    }

    private static Duration duration(String property, String value, ChronoUnit bareUnit) {
        try {
            return Durations.parse(value, bareUnit);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name(property) + ": " + e.getMessage());
        }
    }

    /** true or false, nothing else: a typo in dry-run must not quietly turn it off. */
    private static boolean flag(String property, String value) {
        String v = value == null ? "" : value.trim().toLowerCase();
        return switch (v) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new IllegalArgumentException(name(property) + ": '" + value + "' is not true or false");
        };
    }

    private static SweepOptions.Action action(String value) {
        for (SweepOptions.Action a : SweepOptions.Action.values()) {
            if (a.code().equalsIgnoreCase(value.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException(name("rq-sweeper.sweep.action") + ": unknown action '" + value
                + "' (expected one of: " + Arrays.stream(SweepOptions.Action.values()).map(SweepOptions.Action::code)
                .collect(Collectors.joining(", ")) + ")");
    }

    /** Trimmed, without empty items (a trailing comma in an environment variable). */
    private static List<String> list(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                out.add(v.trim());
            }
        }
        return List.copyOf(out);
    }

    /** A setting as the operator may have written it: property and environment variable. */
    static String name(String property) {
        return property + " (" + property.toUpperCase().replace('.', '_').replace('-', '_') + ")";
    }
}
