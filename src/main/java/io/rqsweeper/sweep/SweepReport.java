package io.rqsweeper.sweep;

import java.util.List;

/**
 * The result of one sweep.
 *
 * @param redisAvailable false when Redis could not be reached (or went away mid-sweep)
 * @param redisProblem   what went wrong with Redis, or null
 * @param options        the options the sweep ran with
 * @param queues         number of queues looked at
 * @param checked        started entries looked at
 * @param stuck          entries judged abandoned (dangling and stale entries included)
 * @param cleaned        entries resolved (0 in a dry run)
 * @param errors         entries that could not be judged or resolved
 * @param jobs           stuck entries, entries kept although their heartbeat lapsed, and errors (empty when
 *                       the reports were streamed to a sink instead)
 * @param warnings       notes for the operator (assumed RQ version, …)
 * @param workerRegistrationsRemoved worker keys removed from {@code rq:workers}/{@code rq:workers:<queue>}
 *                       because their worker hash is gone (or, in a dry run, that would be)
 * @param stoppedBy      why the sweep stopped before its end (a backup that cannot be written, a stop
 *                       request), or null
 * @param skippedQueues  queues (among {@code queues}) left alone because another sweeper held their lock; not
 *                       errors
 * @param capped         more abandoned jobs were found than {@link SweepOptions#maxJobs()}: none was acted on, and
 *                       {@code stuck} is how many were found
 */
public record SweepReport(boolean redisAvailable, String redisProblem, SweepOptions options, int queues,
                          int checked, int stuck, int cleaned, int errors, List<JobReport> jobs,
                          List<String> warnings, int workerRegistrationsRemoved, String stoppedBy,
                          List<String> skippedQueues, boolean capped) {

    /** A report of a sweep that was not capped. */
    public SweepReport(boolean redisAvailable, String redisProblem, SweepOptions options, int queues,
                       int checked, int stuck, int cleaned, int errors, List<JobReport> jobs,
                       List<String> warnings, int workerRegistrationsRemoved, String stoppedBy,
                       List<String> skippedQueues) {
        this(redisAvailable, redisProblem, options, queues, checked, stuck, cleaned, errors, jobs, warnings,
                workerRegistrationsRemoved, stoppedBy, skippedQueues, false);
    }

    /** A report in which no queue was skipped. */
    public SweepReport(boolean redisAvailable, String redisProblem, SweepOptions options, int queues,
                       int checked, int stuck, int cleaned, int errors, List<JobReport> jobs,
                       List<String> warnings, int workerRegistrationsRemoved, String stoppedBy) {
        this(redisAvailable, redisProblem, options, queues, checked, stuck, cleaned, errors, jobs, warnings,
                workerRegistrationsRemoved, stoppedBy, List.of());
    }

    /** The same report with the job list a collecting caller gathered. */
    public SweepReport withJobs(List<JobReport> all) {
        return new SweepReport(redisAvailable, redisProblem, options, queues, checked, stuck, cleaned, errors, List.copyOf(all),
                warnings, workerRegistrationsRemoved, stoppedBy, skippedQueues, capped);
    }

    /** A sweep that could not start. */
    public static SweepReport stopped(String why, SweepOptions options) {
        return new SweepReport(true, null, options, 0, 0, 0, 0, 0, List.of(), List.of(), 0, why);
    }
}
