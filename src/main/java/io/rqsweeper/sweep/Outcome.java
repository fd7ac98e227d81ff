package io.rqsweeper.sweep;

/** What happened to a job (or, in a dry run, what would). JSON carries {@link #code()}. */
public enum Outcome {
    FAILED("failed"),
    RETRIED("retried"),
    SCHEDULED("scheduled"),
    REMOVED("removed"),
    SKIPPED("skipped"),
    ERROR("error"),
    WOULD_FAIL("would-fail"),
    WOULD_RETRY("would-retry"),
    WOULD_SCHEDULE("would-schedule"),
    WOULD_REMOVE("would-remove");

    private final String code;

    Outcome(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The job was resolved (counts as cleaned). */
    public boolean isCleaned() {
        return this == FAILED || this == RETRIED || this == SCHEDULED || this == REMOVED;
    }
}
