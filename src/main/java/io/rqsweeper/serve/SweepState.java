package io.rqsweeper.serve;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What {@code serve} knows about its own sweeping, for the health checks: written by the schedule only. */
@ApplicationScoped
public class SweepState {

    /**
     * One sweep's result, as the readiness check shows it.
     *
     * @param at            when it started
     * @param took          how long it ran
     * @param outcome       how it ended
     * @param queues        queues it looked at
     * @param checked       started entries it looked at
     * @param stuck         entries judged abandoned
     * @param cleaned       entries resolved
     * @param errors        entries or queues that could not be handled
     * @param skippedQueues queues another sweeper held the lock of
     * @param problem       what went wrong with Redis, or null
     * @param capped        it found more abandoned jobs than the max-jobs cap and acted on none
     */
    public record LastSweep(Instant at, Duration took, SweepOutcome outcome, int queues, int checked, int stuck,
                            int cleaned, int errors, List<String> skippedQueues, String problem, boolean capped) {
    }

    private volatile Instant scheduledAt;
    private volatile ServeSettings settings;
    private volatile LastSweep last;
    private volatile Instant lastSuccessAt;
    private volatile Boolean redisUp;
    private volatile Instant redisDownSince;
    private volatile boolean sweeping;

    void scheduled(ServeSettings settings, Instant at) {
        this.settings = settings;
        this.scheduledAt = at;
    }

    void sweeping(boolean now) {
        this.sweeping = now;
    }

    /** Records a finished sweep; returns whether Redis's reachability changed (null before: unknown). */
    Boolean record(LastSweep sweep) {
        last = sweep;
        if (sweep.outcome().isSuccessful()) {
            lastSuccessAt = sweep.at().plus(sweep.took());
        }
        if (sweep.outcome() == SweepOutcome.STOPPED) {
            return null;
        }
        boolean up = sweep.outcome() != SweepOutcome.REDIS_UNAVAILABLE;
        Boolean before = redisUp;
        redisUp = up;
        if (!up && !Boolean.FALSE.equals(before)) {
            redisDownSince = sweep.at();
        }
        return before;
    }

    /** When the schedule started, or null before {@code serve} has started it. */
    public Instant scheduledAt() {
        return scheduledAt;
    }

    public ServeSettings settings() {
        return settings;
    }

    /** The last finished sweep, or null before the first one ends. */
    public LastSweep last() {
        return last;
    }

    /** When the last sweep that reached Redis without trouble ended, or null. */
    public Instant lastSuccessAt() {
        return lastSuccessAt;
    }

    /** Whether the last sweep reached Redis; null before the first sweep. */
    public Boolean redisUp() {
        return redisUp;
    }

    /** Since when Redis has been unreachable (meaningful while {@link #redisUp()} is false). */
    public Instant redisDownSince() {
        return redisDownSince;
    }

    public boolean isSweeping() {
        return sweeping;
    }
}
