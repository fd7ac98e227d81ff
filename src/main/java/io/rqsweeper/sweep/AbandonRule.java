package io.rqsweeper.sweep;

import io.rqsweeper.rq.JobFields;
import io.rqsweeper.rq.RqTimestamps;
import io.rqsweeper.rq.StartedEntry;
import io.rqsweeper.rq.WorkerFacts;
import io.rqsweeper.sweep.Verdict.Kind;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a started-registry entry is abandoned, from facts read out of Redis (spec §7, with
 * same-name worker restarts handled as the foundation issue asks). Pure: no I/O, no clock.
 *
 * <p>An entry is abandoned when its job hash is missing, its job already ended, or its heartbeat lapsed
 * (or the job passed max age) while the process that ran it is provably gone. A job whose owner is alive
 * is never abandoned, however old, unless forced.
 */
public final class AbandonRule {
    private static final Set<String> FINAL_STATUSES = Set.of("finished", "failed", "stopped", "canceled");

    private AbandonRule() {
    }

    /** Who, if anyone, still runs the job. */
    enum Owner {
        ALIVE, GONE, DEAD, RESTARTED, NOT_CLAIMING, UNKNOWN, ORPHAN_HORSE, HORSE_TIMED_OUT
    }

    public static Verdict judge(StartedEntry entry, JobFields job, WorkerFacts worker, long now, SweepPolicy policy) {
        if (job == null) {
            return Verdict.of(Kind.DANGLING, Reason.MISSING_HASH);
        }
        String status = job.text("status");
        if (status != null && FINAL_STATUSES.contains(status)) {
            return Verdict.of(Kind.STALE, Reason.STALE_ENTRY);
        }
        boolean lapsed = entry.score() < now - policy.margin().toSeconds();
        boolean started = "started".equals(status);
        // 2.x writes the entry just before the fork and says 'started' a moment later; a worker that died
        // in between leaves 'queued'. Anything else (e.g. 'scheduled' while RQ's own cleanup retries it) is not ours.
        if (!started && !"queued".equals(status)) {
            return policy.force() ? Verdict.of(Kind.ABANDONED, Reason.FORCED, Reason.UNEXPECTED_STATUS)
                    : Verdict.of(lapsed ? Kind.KEPT : Kind.HEALTHY, Reason.UNEXPECTED_STATUS);
        }
        Optional<Instant> startedAt = RqTimestamps.parse(job.text("started_at"));
        Owner owner = owner(entry.jobId(), job, worker, startedAt, now, policy);
        Reason ownerReason = reasonOf(owner);

        if (policy.force()) {
            return new Verdict(Kind.ABANDONED, List.of(Reason.FORCED, ownerReason));
        }
        switch (owner) {
            case ALIVE:
                return Verdict.of(lapsed ? Kind.KEPT : Kind.HEALTHY, Reason.WORKER_ALIVE);
            case ORPHAN_HORSE:
                return Verdict.of(lapsed ? Kind.KEPT : Kind.HEALTHY, Reason.HORSE_MAY_BE_RUNNING);
            case UNKNOWN:
                // Nobody to ask: fall back on RQ's own criterion, the lapsed heartbeat, and nothing sooner.
                return lapsed ? Verdict.of(Kind.ABANDONED, Reason.HEARTBEAT_LAPSED, Reason.WORKER_UNKNOWN)
                        : Verdict.of(Kind.HEALTHY, Reason.WORKER_UNKNOWN);
            default:
                break;
        }
        if (lapsed) {
            return new Verdict(Kind.ABANDONED, List.of(Reason.HEARTBEAT_LAPSED, ownerReason));
        }
        boolean oldEnough = startedAt.isPresent()
                && now - startedAt.get().getEpochSecond() >= policy.maxAge().toSeconds();
        if (started && oldEnough) {
            return new Verdict(Kind.ABANDONED, List.of(Reason.MAX_AGE, ownerReason));
        }
        return Verdict.of(Kind.HEALTHY, ownerReason);
    }

    static Owner owner(String jobId, JobFields job, WorkerFacts worker, Optional<Instant> startedAt, long now, SweepPolicy policy) {
        String name = job.text("worker_name");
        if (name == null || name.isEmpty() || worker == null) {
            return Owner.UNKNOWN;
        }
        if (!worker.keyExists()) {
            if (worker.subscribers() == 0) {
                return Owner.GONE;
            }
            // The worker key expired but something still listens on its channel: a horse that outlived its
            // worker (spec §5.7) may still finish the job, until it must have hit its own timeout.
            Long timeout = timeoutSeconds(job);
            if (timeout != null && startedAt.isPresent()
                    && now > startedAt.get().getEpochSecond() + timeout + SweepPolicy.HORSE_GRACE_SECONDS
                    + policy.margin().toSeconds()) {
                return Owner.HORSE_TIMED_OUT;
            }
            return Owner.ORPHAN_HORSE;
        }
        if (worker.hasDeath()) {
            return Owner.DEAD;
        }
        Optional<Instant> birth = RqTimestamps.parse(worker.birth());
        if (birth.isPresent() && startedAt.isPresent() && birth.get().isAfter(startedAt.get())) {
            return Owner.RESTARTED;
        }
        boolean claims = worker.claimsExecution() || (worker.currentJob() != null && worker.currentJob().equals(jobId));
        return claims ? Owner.ALIVE : Owner.NOT_CLAIMING;
    }

    /** The job's timeout in seconds, or null when it has none ({@code -1}) or it cannot be read. */
    static Long timeoutSeconds(JobFields job) {
        String t = job.text("timeout");
        if (t == null || t.isBlank()) {
            return null;
        }
        try {
            long v = (long) Double.parseDouble(t.trim());
            return v > 0 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Reason reasonOf(Owner owner) {
        return switch (owner) {
            case ALIVE -> Reason.WORKER_ALIVE;
            case GONE -> Reason.WORKER_GONE;
            case DEAD -> Reason.WORKER_DEAD;
            case RESTARTED -> Reason.WORKER_RESTARTED;
            case NOT_CLAIMING -> Reason.WORKER_NOT_CLAIMING;
            case UNKNOWN -> Reason.WORKER_UNKNOWN;
            case ORPHAN_HORSE -> Reason.HORSE_MAY_BE_RUNNING;
            case HORSE_TIMED_OUT -> Reason.HORSE_TIMED_OUT;
        };
    }
}
