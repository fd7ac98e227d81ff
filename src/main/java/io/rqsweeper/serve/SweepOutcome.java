package io.rqsweeper.serve;

import io.rqsweeper.sweep.SweepReport;

/** How one scheduled sweep ended; the {@code outcome} tag of the sweep metrics. */
public enum SweepOutcome {
    /** Redis was reached and every job could be handled (also when there was nothing to do). */
    SUCCESS("success"),
    /**
     * Nothing was swept because someone else was sweeping: another sweeper held the lock of every queue, or
     * this process's previous sweep was still running. Not an error.
     */
    SKIPPED("skipped"),
    /** Redis could not be reached or went away mid-sweep; nothing more was changed. */
    REDIS_UNAVAILABLE("redis-unavailable"),
    /** Redis was reached, but a job or a queue could not be handled, or the backup file could not be written. */
    ERROR("error"),
    /** The process is shutting down: the sweep ended after the scripts already sent. */
    STOPPED("stopped");

    private final String code;

    SweepOutcome(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Whether the sweep reached Redis and had no trouble: what "last successful sweep" counts. */
    public boolean isSuccessful() {
        return this == SUCCESS || this == SKIPPED;
    }

    /** The outcome of a finished sweep, {@code stopping} telling whether this process asked it to stop. */
    static SweepOutcome of(SweepReport report, boolean stopping) {
        if (!report.redisAvailable()) {
            return stopping ? STOPPED : REDIS_UNAVAILABLE;
        }
        if (report.stoppedBy() != null) {
            return stopping ? STOPPED : ERROR;
        }
        if (report.redisProblem() != null || report.errors() > 0) {
            return ERROR;
        }
        if (report.queues() > 0 && report.skippedQueues().size() == report.queues()) {
            return SKIPPED;
        }
        return SUCCESS;
    }
}
