package io.rqsweeper.diagnose;

import io.rqsweeper.diagnose.JobInspection.Place;
import io.rqsweeper.rq.JobFields;
import io.rqsweeper.rq.RqKeys;
import io.rqsweeper.rq.StartedEntry;
import io.rqsweeper.sweep.Assessment;
import io.rqsweeper.sweep.Reason;
import io.rqsweeper.sweep.SweepPolicy;
import io.rqsweeper.sweep.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Puts a verdict and the facts behind it into one line. The judgement itself is never made here: for a started
 * entry it is the sweep's ({@link Assessment}), for an intermediate-list id the sweep's rule
 * ({@code SweepService.stuckBeforeStart}); a job in neither is only described.
 */
final class Verdicts {
    private Verdicts() {
    }

    static JobVerdict started(Assessment a, JobInspection in, SweepPolicy policy) {
        Verdict v = a.verdict();
        StartedEntry e = a.entry();
        String queue = a.queue();
        String wip = RqKeys.startedRegistry(queue);
        List<String> codes = v.reasons().stream().map(Reason::code).toList();
        String worker = a.worker() == null ? null : a.worker().name();
        Reason first = v.reasons().isEmpty() ? null : v.reasons().get(0);
        String summary;
        String word;
        switch (v.kind()) {
            case DANGLING -> {
                word = "dangling";
                summary = RqKeys.job(e.jobId()) + " is gone but " + wip + " still lists " + e.member()
                        + "; sweep would remove the entry";
            }
            case STALE -> {
                word = "stale";
                summary = "the job is " + a.job().text("status") + " but " + wip + " still lists it; sweep would remove the entry";
            }
            case ABANDONED -> {
                word = "abandoned";
                List<String> facts = new ArrayList<>();
                v.reasons().forEach(r -> facts.add(phrase(r, a, in, policy)));
                summary = String.join(", ", facts) + "; sweep would " + action(a.job());
            }
            case KEPT -> {
                word = first == Reason.WORKER_ALIVE ? "stalled" : "kept";
                summary = switch (first) {
                    case WORKER_ALIVE -> lapsed(a) + ", but worker " + worker + " is alive and claims it";
                    case HORSE_MAY_BE_RUNNING -> lapsed(a) + " and worker " + worker + " is gone, but its work horse may "
                            + "still run it (a process listens on " + RqKeys.workerChannel(worker) + ")";
                    case UNEXPECTED_STATUS -> "status is '" + a.job().text("status") + "', not started";
                    case MALFORMED -> "the job hash has no status field";
                    default -> first.label();
                } + "; sweep leaves it alone";
            }
            default -> {
                if (first == Reason.UNEXPECTED_STATUS) {
                    word = "kept";
                    summary = "status is '" + a.job().text("status") + "', not started; sweep leaves it alone";
                } else if (first == Reason.WORKER_ALIVE && in.worker() != null && in.worker().alive()) {
                    word = "live";
                    summary = "worker " + worker + heartbeat(in, a) + ", claims it";
                } else if (first == Reason.WORKER_ALIVE) {
                    word = "pending";
                    String hb = heartbeat(in, a);
                    summary = "worker " + worker + " claims it" + (hb.isEmpty() ? "" : " (" + hb.trim() + ")") + ", but no process listens on "
                            + RqKeys.workerChannel(worker) + " (it may have died); " + due(a, policy, false);
                } else if (first == Reason.HORSE_MAY_BE_RUNNING) {
                    word = "live";
                    summary = "worker " + worker + " is gone, but its work horse may still run it (a process listens on "
                            + RqKeys.workerChannel(worker) + ")";
                } else {
                    word = "pending";
                    summary = phrase(first, a, in, policy) + "; " + due(a, policy, "started".equals(a.job().text("status"))
                            && first != Reason.WORKER_UNKNOWN);
                }
            }
        }
        return new JobVerdict(word, word + ": " + summary, codes, queue, e.member());
    }

    static JobVerdict intermediate(JobInspection in, Place p, JobFields job, Reason why, Double firstSeen) {
        String queue = p.queue();
        String status = job == null ? null : job.text("status");
        if (why != null) {
            String detail = why == Reason.WORKER_GONE
                    ? "and no live worker listens on " + queue
                    : "first seen there " + Elapsed.compact(in.now() - firstSeen.longValue()) + " ago (past RQ's 60s grace and the margin)";
            return new JobVerdict("abandoned", "abandoned: popped from " + queue + " by a worker that never started it, "
                    + detail + "; sweep would requeue it",
                    List.of(Reason.STUCK_BEFORE_START.code(), why.code()), queue, null);
        }
        String summary;
        String word;
        if (job == null) {
            word = "missing";
            summary = RqKeys.job(in.id()) + " is gone, but " + p.key() + " still lists it; sweep leaves it alone";
        } else if (!"queued".equals(status)) {
            word = "kept";
            summary = "listed in " + p.key() + " with status '" + status + "'; sweep leaves it alone";
        } else {
            word = "pending";
            summary = "popped from " + queue + " by a worker and not started yet"
                    + (firstSeen == null ? "; sweep allows RQ's 60s grace from the first time it sees it there"
                    : ", first seen there " + Elapsed.compact(in.now() - firstSeen.longValue())
                    + " ago; abandoned after RQ's 60s grace and the margin");
        }
        return new JobVerdict(word, word + ": " + summary, List.of(), queue, null);
    }

    /** A job no started registry or intermediate list holds: described by its status and where it is listed. */
    static JobVerdict notStarted(JobInspection in) {
        String word;
        String summary;
        String status = in.field("status");
        if ("none".equals(in.keyType())) {
            word = "missing";
            summary = in.key() + " does not exist" + (in.places().isEmpty() ? ""
                    : "; still listed in " + in.places().stream().map(Place::key).distinct().collect(Collectors.joining(", ")));
        } else if (!"hash".equals(in.keyType())) {
            word = "unreadable";
            summary = in.key() + " is a " + in.keyType() + ", not a hash: not an RQ job";
        } else if (status == null) {
            word = "kept";
            summary = "the job hash has no readable status field";
        } else {
            switch (status) {
                case "queued", "deferred", "scheduled", "created" -> {
                    word = "waiting";
                    Place queue = in.places().stream().filter(p -> p.kind().equals("queue")).findFirst().orElse(null);
                    summary = status + (queue == null ? "" : ", position " + queue.position() + " in " + queue.key());
                }
                case "finished", "failed", "stopped", "canceled" -> {
                    word = "ended";
                    summary = status;
                }
                case "started" -> {
                    word = "kept";
                    summary = "status is started, but no started registry lists it, so neither RQ's cleanup nor sweep "
                            + "will ever act on it";
                }
                default -> {
                    word = "kept";
                    summary = "status is '" + status + "'";
                }
            }
        }
        return new JobVerdict(word, word + ": " + summary, List.of(), null, null);
    }

    private static String phrase(Reason r, Assessment a, JobInspection in, SweepPolicy policy) {
        String w = a.worker() == null ? null : a.worker().name();
        return switch (r) {
            case HEARTBEAT_LAPSED -> lapsed(a);
            case MAX_AGE -> "started " + Elapsed.since(a.job().text("started_at"), a.now()).map(Elapsed::compact).orElse("?")
                    + " ago (max age " + Elapsed.compact(policy.maxAge()) + ")";
            case WORKER_GONE -> "worker " + w + " gone";
            case WORKER_DEAD -> "worker " + w + " exited (its hash records its death)";
            case WORKER_RESTARTED -> "worker " + w + " restarted after it started the job";
            case WORKER_NOT_CLAIMING -> "worker " + w + " alive but no longer runs it"
                    + (in.worker() != null && in.worker().currentJob() != null ? " (it runs " + in.worker().currentJob() + ")" : "");
            case WORKER_UNKNOWN -> "no worker recorded";
            case HORSE_TIMED_OUT -> "worker " + w + " gone and its work horse past its timeout";
            default -> r.label();
        };
    }

    private static String lapsed(Assessment a) {
        double score = a.entry().score();
        if (Double.isInfinite(score)) {
            return "heartbeat never lapses (score " + (score > 0 ? "+inf" : "-inf") + ")";
        }
        return "heartbeat lapsed " + Elapsed.compact(a.now() - (long) Math.floor(score)) + " ago";
    }

    /** When the sweep will judge it abandoned: once its heartbeat lapses (score + margin), or at max age. */
    private static String due(Assessment a, SweepPolicy policy, boolean maxAgeApplies) {
        double score = a.entry().score();
        String when = Double.isInfinite(score) ? "never by heartbeat (score +inf)"
                : "when its heartbeat lapses in " + Elapsed.compact(Math.max(1, (long) Math.floor(score) + policy.margin().toSeconds() + 1 - a.now()));
        if (maxAgeApplies) {
            Long age = Elapsed.since(a.job().text("started_at"), a.now()).orElse(null);
            if (age != null) {
                when += " or at max age in " + Elapsed.compact(Math.max(0, policy.maxAge().toSeconds() - age));
            }
        }
        return "abandoned " + when;
    }

    private static String heartbeat(JobInspection in, Assessment a) {
        String hb = in.worker() != null && in.worker().lastHeartbeat() != null ? in.worker().lastHeartbeat()
                : a.job().text("last_heartbeat");
        return Elapsed.since(hb, a.now()).map(s -> " heartbeat " + Elapsed.relative(s)).orElse("");
    }

    private static String action(JobFields job) {
        String retries = job == null ? null : job.text("retries_left");
        try {
            long left = retries == null || retries.isBlank() ? 0 : Long.parseLong(retries.trim());
            if (left > 0) {
                return "retry it (" + left + " retries left)";
            }
        } catch (NumberFormatException ignored) {
            // as the sweep's script: an unreadable retries_left means no retry
        }
        return "fail it";
    }
}
