package io.rqsweeper.sweep;

/** What happened to a job (or, in a dry run, what would). JSON carries {@link #code()}. */
public enum Outcome {
    FAILED("failed"),
    RETRIED("retried"),
    SCHEDULED("scheduled"),
    REMOVED("removed"),
    REQUEUED("requeued"),
    DELETED("deleted"),
    SKIPPED("skipped"),
    ERROR("error"),
    WOULD_FAIL("would-fail"),
    WOULD_RETRY("would-retry"),
    WOULD_SCHEDULE("would-schedule"),
    WOULD_REMOVE("would-remove"),
    WOULD_REQUEUE("would-requeue"),
    WOULD_DELETE("would-delete");

    private final String code;

    Outcome(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The job was resolved (counts as cleaned). */
    public boolean isCleaned() {
        return this == FAILED || this == RETRIED || this == SCHEDULED || this == REMOVED || this == REQUEUED
                || this == DELETED;
    }

    /** The outcome of a mutation script's code, as done or (dry run) as planned; null for an unknown code. */
    public static Outcome ofScript(String code, boolean dryRun) {
        return switch (code) {
            case "removed" -> dryRun ? WOULD_REMOVE : REMOVED;
            case "failed" -> dryRun ? WOULD_FAIL : FAILED;
            case "retried" -> dryRun ? WOULD_RETRY : RETRIED;
            case "scheduled" -> dryRun ? WOULD_SCHEDULE : SCHEDULED;
            case "requeued" -> dryRun ? WOULD_REQUEUE : REQUEUED;
            case "deleted" -> dryRun ? WOULD_DELETE : DELETED;
            case "changed" -> SKIPPED;
            default -> ERROR;
        };
    }
}
