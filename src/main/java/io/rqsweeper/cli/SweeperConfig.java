package io.rqsweeper.cli;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * rq-sweeper's settings (read as text and checked by rq-sweeper, so that a bad value is a usage error that names
 * the setting rather than a start-up failure); each can be set in application.properties or the environment
 * ({@code rq-sweeper.sweep.max-age} is {@code RQ_SWEEPER_SWEEP_MAX_AGE}). The one-shot commands take the
 * connection timeout, {@code max-age} and {@code margin} from here as defaults of their flags; {@code serve}
 * takes every {@code sweep.*} setting from here.
 */
@ConfigMapping(prefix = "rq-sweeper")
public interface SweeperConfig {

    Redis redis();

    Sweep sweep();

    Schedule schedule();

    interface Schedule {
        /**
         * How often {@code serve} sweeps; the first sweep runs right after start. A bare number means seconds.
         * Shorter finds abandoned jobs sooner, at the cost of one pass over the started registries each time.
         */
        @WithDefault("60s")
        String every();
    }

    interface Redis {
        /**
         * Bound on connecting and on each command. Short, so an unreachable Redis never holds up a deploy;
         * raise it for a Redis across a slow link.
         */
        @WithDefault("5s")
        String timeout();
    }

    interface Sweep {
        /**
         * A started job older than this whose worker is provably gone is abandoned even before its heartbeat
         * lapses. A bare number means minutes.
         */
        @WithDefault("10m")
        String maxAge();

        /**
         * Clock-skew allowance between worker hosts and Redis: a heartbeat counts as lapsed only this long
         * after its score. Too small risks failing a job whose worker's clock runs late.
         */
        @WithDefault("30s")
        String margin();

        /**
         * {@code serve}: what to do with an abandoned job, {@code fail}, {@code requeue} or {@code delete} (the
         * {@code sweep --action} flag). Unset: fail a started job as RQ would, requeue one that never started.
         */
        Optional<String> action();

        /** {@code serve}: queues to sweep, comma-separated. Unset: every queue in {@code rq:queues}. */
        Optional<List<String>> queues();

        /** {@code serve}: queues never swept, comma-separated, even when in {@code rq:queues}. */
        Optional<List<String>> excludeQueues();

        /**
         * {@code serve}, with action {@code delete} only: extra keys deleted with each job, {@code {id}} replaced
         * by its id, comma-separated (e.g. {@code job_progress:{id}}). Literal names, not globs.
         */
        Optional<List<String>> deleteKeys();

        /** {@code serve}, with action {@code delete} only: delete the jobs that waited for a deleted job too. */
        @WithDefault("false")
        String deleteDependents();

        /** {@code serve}: decide, report and export metrics, but change nothing. */
        @WithDefault("false")
        String dryRun();

        /**
         * {@code serve}: act on every started job, including jobs live workers are running (the old script's
         * behaviour). Dangerous on a schedule: every long job is cut short.
         */
        @WithDefault("false")
        String force();

        /**
         * {@code serve}: the safety cap ({@code sweep --max-jobs}): a sweep that finds more abandoned jobs than this
         * acts on none. 0: no cap.
         */
        @WithDefault("1000")
        String maxJobs();

        /** {@code serve}: the RQ version (e.g. {@code 2.12}) to assume where Redis cannot tell. */
        Optional<String> rqVersion();

        /**
         * {@code serve}: append each job's state to this file before changing it, for {@code rq-sweeper restore}.
         * Needs a writable volume; the file grows with every change.
         */
        Optional<Path> backup();
    }
}
