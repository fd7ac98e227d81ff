package io.rqsweeper.sweep;

import java.time.Duration;

/**
 * The knobs of the abandoned-job rule.
 *
 * @param maxAge  a job older than this (now − started_at) whose owner is provably gone is abandoned even
 *                before its heartbeat lapses
 * @param margin  clock-skew allowance: a score counts as lapsed only when older than Redis TIME minus this
 * @param force   act on every started job, live or not (the old script's escape hatch)
 */
public record SweepPolicy(Duration maxAge, Duration margin, boolean force) {
    /** RQ's work horse kills itself at its timeout; the main process allows 60 s more before killing it. */
    public static final long HORSE_GRACE_SECONDS = 60;
}
