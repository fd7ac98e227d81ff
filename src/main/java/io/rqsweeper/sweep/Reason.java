package io.rqsweeper.sweep;

/** Why a started entry was judged as it was. JSON carries {@link #code()}, text output {@link #label()}. */
public enum Reason {
    MISSING_HASH("missing-hash", "job hash missing"),
    STALE_ENTRY("stale-entry", "job already ended"),
    FORCED("forced", "forced"),
    HEARTBEAT_LAPSED("heartbeat-lapsed", "heartbeat lapsed"),
    MAX_AGE("max-age", "older than max age"),
    WORKER_GONE("worker-gone", "worker gone"),
    WORKER_DEAD("worker-dead", "worker marked dead"),
    WORKER_RESTARTED("worker-restarted", "worker restarted since"),
    WORKER_NOT_CLAIMING("worker-not-claiming", "worker no longer runs it"),
    WORKER_UNKNOWN("worker-unknown", "no worker recorded"),
    HORSE_TIMED_OUT("horse-timed-out", "work horse past its timeout"),
    WORKER_ALIVE("worker-alive", "worker alive and running it"),
    HORSE_MAY_BE_RUNNING("horse-may-be-running", "work horse may still run it"),
    UNEXPECTED_STATUS("unexpected-status", "unexpected status"),
    MALFORMED("malformed", "malformed job"),
    STUCK_BEFORE_START("stuck-before-start", "popped by a worker that never started it"),
    DEPENDENT("dependent", "depended on a deleted job");

    private final String code;
    private final String label;

    Reason(String code, String label) {
        this.code = code;
        this.label = label;
    }

    public String code() {
        return code;
    }

    public String label() {
        return label;
    }
}
