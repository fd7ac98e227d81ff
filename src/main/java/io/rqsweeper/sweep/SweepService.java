package io.rqsweeper.sweep;

import io.rqsweeper.redis.FactChecks;
import io.rqsweeper.redis.LuaScript;
import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisConnector;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.redis.RedisUnavailableException;
import io.rqsweeper.rq.FailureText;
import io.rqsweeper.rq.JobFields;
import io.rqsweeper.rq.RqGeneration;
import io.rqsweeper.rq.RqKeys;
import io.rqsweeper.rq.RqReader;
import io.rqsweeper.rq.RqTimestamps;
import io.rqsweeper.rq.StartedEntry;
import io.rqsweeper.rq.WorkerFacts;
import io.rqsweeper.sweep.Verdict.Kind;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one entry point for sweeping: finds abandoned jobs in RQ's started registries and resolves them.
 * Every mutation is one Lua script that re-checks the facts it was decided on; see {@code lua/}.
 */
@ApplicationScoped
public class SweepService {
    private static final Logger LOG = Logger.getLogger(SweepService.class);
    /** RQ's DEFAULT_FAILURE_TTL: one year. */
    static final long DEFAULT_FAILURE_TTL = 31_536_000L;

    private final LuaScript failJob = LuaScript.load("fail_job");
    private final LuaScript removeEntry = LuaScript.load("remove_entry");

    @Inject
    RedisConnector connector;

    /**
     * Sweeps once. Never throws for Redis trouble: an unreachable Redis gives a report with
     * {@code redisAvailable == false} and nothing changed.
     */
    public SweepReport sweep(RedisTarget target, Duration timeout, SweepOptions options) {
        List<JobReport> jobs = new ArrayList<>();
        LinkedHashSet<String> warnings = new LinkedHashSet<>();
        int queueCount = 0;
        int checked = 0;
        try (RedisSession redis = connector.open(target, timeout)) {
            RqReader rq = new RqReader(redis);
            List<String> queues = options.queues().isEmpty() ? rq.queueNames() : options.queues();
            queueCount = queues.size();
            Map<String, List<String>> fleetVersions = new HashMap<>();
            for (String queue : queues) {
                List<StartedEntry> entries;
                try {
                    entries = rq.startedEntries(queue);
                } catch (RedisCommandException e) {
                    jobs.add(new JobReport(null, queue, null, List.of(Reason.MALFORMED), null, Outcome.ERROR,
                            RqKeys.startedRegistry(queue) + " cannot be read: " + e.getMessage(), null, null, null, List.of(), false));
                    continue;
                }
                checked += entries.size();
                long now = rq.now();
                for (StartedEntry entry : entries) {
                    JobReport report = sweepEntry(redis, rq, queue, entry, now, options, fleetVersions, warnings);
                    if (report != null) {
                        jobs.add(report);
                    }
                }
            }
        } catch (RedisUnavailableException e) {
            return report(false, e.getMessage(), options, queueCount, checked, jobs, warnings);
        } catch (RedisCommandException e) {
            // e.g. rq:queues is not a set, or the user lacks a permission: nothing more can be read.
            return report(true, e.getMessage(), options, queueCount, checked, jobs, warnings);
        }
        return report(true, null, options, queueCount, checked, jobs, warnings);
    }

    private JobReport sweepEntry(RedisSession redis, RqReader rq, String queue, StartedEntry entry, long now,
                                 SweepOptions options, Map<String, List<String>> fleetVersions,
                                 LinkedHashSet<String> warnings) {
        Assessment assessment;
        try {
            assessment = assess(rq, queue, entry, now, options, fleetVersions);
        } catch (RedisCommandException e) {
            return new JobReport(entry.jobId(), queue, entry.member(), List.of(Reason.MALFORMED), null, Outcome.ERROR,
                    "cannot read the job: " + e.getMessage() + "; left alone", null, null, null, List.of(), false);
        }
        Verdict verdict = assessment.verdict();
        if (verdict.kind() == Kind.HEALTHY) {
            return null;
        }
        if ("assumed".equals(assessment.generationSource())) {
            warnings.add("RQ version could not be told from Redis for some 2.x jobs; assumed "
                    + assessment.generation().label() + " (set --rq-version to choose)");
        }
        JobReport report = options.dryRun() || !verdict.isStuck() ? describe(assessment, options) : resolve(redis, assessment, options);
        if (report.outcome().isCleaned()) {
            LOG.debugf("job %s on %s -> %s", report.id(), queue, report.outcome().code());
        }
        return report;
    }

    /** Reads everything the rule needs about one entry and judges it. Changes nothing. */
    public Assessment assess(RqReader rq, String queue, StartedEntry entry, long now, SweepOptions options,
                             Map<String, List<String>> fleetVersions) {
        StartedEntry e = entry;
        JobFields job = rq.jobFields(e.jobId());
        if (job == null && e.isComposite()) {
            // A 1.x job id may itself end in ':<32 hex>'; only the hash tells.
            JobFields bare = rq.jobFields(e.member());
            if (bare != null) {
                e = e.asBareId();
                job = bare;
            }
        }
        WorkerFacts worker = null;
        String workerName = job == null ? null : job.text("worker_name");
        if (workerName != null && !workerName.isEmpty()) {
            worker = rq.workerFacts(workerName, e.member());
        }
        Verdict verdict = job != null && job.raw("status") == null
                ? Verdict.of(Kind.KEPT, Reason.MALFORMED)
                : AbandonRule.judge(e, job, worker, now, options.policy());
        RqGeneration generation = null;
        String source = null;
        if (verdict.kind() == Kind.ABANDONED) {
            if (!e.isComposite()) {
                generation = RqGeneration.V1;
                source = "member-format";
            } else {
                generation = worker == null ? null : v2(RqGeneration.ofVersion(worker.version()));
                source = "worker";
                if (generation == null) {
                    generation = fleetVersions.computeIfAbsent(queue, rq::workerVersionsOfQueue).stream()
                            .map(v -> v2(RqGeneration.ofVersion(v))).filter(g -> g != null).findFirst().orElse(null);
                    source = "queue-workers";
                }
                if (generation == null) {
                    generation = v2(RqGeneration.ofVersion(options.assumedRqVersion()));
                    source = "option";
                }
                if (generation == null) {
                    generation = RqGeneration.V2;
                    source = "assumed";
                }
            }
        }
        return new Assessment(queue, e, job, worker, now, verdict, generation, source);
    }

    private static RqGeneration v2(RqGeneration g) {
        return g == RqGeneration.V1 ? null : g;
    }

    /** Resolves one stuck entry with one atomic script; reports {@code skipped} when its facts changed meanwhile. */
    public JobReport resolve(RedisSession redis, Assessment a, SweepOptions options) {
        StartedEntry e = a.entry();
        String wip = RqKeys.startedRegistry(a.queue());
        try {
            Response reply;
            FactChecks facts = new FactChecks().zscore(wip, e.member(), scoreText(e.score()));
            if (a.verdict().kind() == Kind.DANGLING || a.verdict().kind() == Kind.STALE) {
                if (a.job() == null) {
                    facts.exists(RqKeys.job(e.jobId()), false);
                } else {
                    facts.hget(RqKeys.job(e.jobId()), "status", a.job().raw("status"));
                }
                List<Object> args = new ArrayList<>(facts.toArgs());
                args.add(e.member());
                args.add(e.isComposite() ? RqKeys.execution(e.jobId(), e.executionId()) : "");
                args.add(e.isComposite() ? RqKeys.executions(e.jobId()) : "");
                args.add(e.isComposite() ? e.executionId() : "");
                reply = redis.eval(removeEntry, List.of(wip), args);
            } else {
                reply = redis.eval(failJob, List.of(wip, RqKeys.job(e.jobId())), failArgs(a, facts));
            }
            return fromScriptReply(a, reply);
        } catch (RedisCommandException ex) {
            return report(a, Outcome.ERROR, "Redis refused the change: " + ex.getMessage() + "; nothing was changed");
        }
    }

    private List<Object> failArgs(Assessment a, FactChecks facts) {
        StartedEntry e = a.entry();
        String jobKey = RqKeys.job(e.jobId());
        facts.hget(jobKey, "status", a.job().raw("status"))
                .hget(jobKey, "started_at", a.job().raw("started_at"))
                .hget(jobKey, "worker_name", a.job().raw("worker_name"));
        WorkerFacts w = a.worker();
        if (w != null) {
            String wk = RqKeys.worker(w.name());
            facts.exists(wk, w.keyExists());
            if (w.keyExists()) {
                facts.hexists(wk, "death", w.hasDeath())
                        .hget(wk, "birth", bytes(w.birth()))
                        .hget(wk, "current_job", bytes(w.currentJob()));
            }
            facts.sismember(RqKeys.workerExecutions(w.name()), e.member(), w.claimsExecution())
                    .subscribed(RqKeys.workerChannel(w.name()), w.subscribers() > 0);
        }
        Instant now = Instant.now();
        String text = FailureText.text(now, why(a.verdict()));
        List<Object> args = new ArrayList<>(facts.toArgs());
        args.add(e.member());
        args.add(e.jobId());
        args.add(e.isComposite() ? e.executionId() : "");
        args.add(a.queue());
        args.add(RqTimestamps.format(now));
        args.add(a.generation().failureTextInExcInfo() ? FailureText.zlib(text) : new byte[0]);
        args.add(a.generation().failureTextInResultsStream() ? FailureText.base64Zlib(text) : "");
        args.add(a.generation().releasesAllowFailureDependents() ? "1" : "0");
        args.add(Long.toString(DEFAULT_FAILURE_TTL));
        args.add(String.join("|", RqKeys.JOB_PREFIX, RqKeys.dependenciesPrefix(), RqKeys.dependenciesSuffix(),
                RqKeys.QUEUE_PREFIX, RqKeys.deferredRegistry(""), RqKeys.scheduledRegistry(""),
                RqKeys.failedRegistry(""), RqKeys.results(""), RqKeys.execution("", "").substring(0, "rq:execution:".length()),
                RqKeys.executions(""), RqKeys.QUEUES));
        return args;
    }

    private JobReport fromScriptReply(Assessment a, Response reply) {
        String code = reply.get(0).toString();
        String arg = reply.size() > 1 ? reply.get(1).toString() : "";
        return switch (code) {
            case "removed" -> report(a, Outcome.REMOVED, a.verdict().kind() == Kind.DANGLING
                    ? "removed the dangling entry" : "removed the leftover entry (job is " + a.job().text("status") + ")");
            case "failed" -> report(a, Outcome.FAILED, "failed" + ("0".equals(arg) ? "" : "; " + arg + " dependent(s) enqueued"));
            case "retried" -> report(a, Outcome.RETRIED, "requeued for retry; " + arg + " retries left");
            case "scheduled" -> report(a, Outcome.SCHEDULED, "scheduled for retry at epoch " + reply.get(2) + "; " + arg + " retries left");
            case "changed" -> report(a, Outcome.SKIPPED, "left alone: " + arg + " since it was read");
            default -> report(a, Outcome.ERROR, "not changed: " + arg);
        };
    }

    /** The report for a kept job, or what would happen to a stuck one in a dry run. */
    private JobReport describe(Assessment a, SweepOptions options) {
        Verdict v = a.verdict();
        if (!v.isStuck()) {
            if (v.reasons().contains(Reason.MALFORMED)) {
                return report(a, Outcome.ERROR, "malformed job hash: it has no status field; left alone");
            }
            String why = switch (v.reasons().get(0)) {
                case WORKER_ALIVE -> "heartbeat lapsed but worker " + a.worker().name() + " is alive and runs it";
                case HORSE_MAY_BE_RUNNING -> "worker " + a.worker().name()
                        + " is gone but its work horse may still run it (pub/sub subscriber present)";
                case UNEXPECTED_STATUS -> "status is '" + a.job().text("status") + "'";
                default -> v.reasons().get(0).label();
            };
            return report(a, Outcome.SKIPPED, "left alone: " + why);
        }
        if (v.kind() != Kind.ABANDONED) {
            return report(a, Outcome.WOULD_REMOVE, "would remove the " + (v.kind() == Kind.DANGLING ? "dangling" : "leftover") + " entry");
        }
        int retriesLeft = parseInt(a.job().text("retries_left"));
        if (retriesLeft > 0) {
            long interval = retryInterval(a.job().text("retry_intervals"), retriesLeft);
            return interval > 0
                    ? report(a, Outcome.WOULD_SCHEDULE, "would schedule a retry in " + interval + " s; " + (retriesLeft - 1) + " retries left")
                    : report(a, Outcome.WOULD_RETRY, "would requeue for retry; " + (retriesLeft - 1) + " retries left");
        }
        return report(a, Outcome.WOULD_FAIL, "would fail it");
    }

    private JobReport report(Assessment a, Outcome outcome, String detail) {
        StartedEntry e = a.entry();
        Long age = null;
        String extra = "";
        if (a.job() != null) {
            String startedAt = a.job().text("started_at");
            Optional<Instant> started = RqTimestamps.parse(startedAt);
            if (started.isPresent()) {
                age = Math.max(0, a.now() - started.get().getEpochSecond());
            } else if (startedAt != null && !startedAt.isBlank()) {
                extra = " (started_at '" + printable(startedAt) + "' is unreadable)";
            }
        }
        List<String> notRun = new ArrayList<>();
        if (a.verdict().kind() == Kind.ABANDONED && a.job() != null) {
            String callback = a.job().text("failure_callback_name");
            if (callback != null && !callback.isEmpty() && a.generation() != null) {
                notRun.add("failure-callback:" + printable(callback));
            }
            String webhooks = a.job().text("webhooks");
            if (webhooks != null && webhooks.contains("failed")) {
                notRun.add("webhooks");
            }
        }
        return new JobReport(e.jobId(), a.queue(), e.member(), a.verdict().reasons(), age, outcome, detail + extra,
                a.worker() == null ? null : a.worker().name(),
                a.generation() == null ? null : a.generation().label(), a.generationSource(), notRun,
                a.verdict().isStuck());
    }

    private static SweepReport report(boolean available, String problem, SweepOptions options, int queues, int checked,
                                      List<JobReport> jobs, LinkedHashSet<String> warnings) {
        int stuck = 0;
        int cleaned = 0;
        int errors = 0;
        for (JobReport j : jobs) {
            stuck += j.stuck() ? 1 : 0;
            cleaned += j.outcome().isCleaned() ? 1 : 0;
            errors += j.outcome() == Outcome.ERROR ? 1 : 0;
        }
        if (problem != null && available) {
            errors++;
        }
        return new SweepReport(available, problem, options, queues, checked, stuck, cleaned, errors, List.copyOf(jobs),
                List.copyOf(warnings));
    }

    static String why(Verdict v) {
        return v.reasons().stream().map(Reason::label).collect(Collectors.joining(", "));
    }

    static long retryInterval(String json, int retriesLeft) {
        if (json == null || json.isBlank()) {
            return 0;
        }
        String body = json.trim().replaceAll("^\\[|]$", "").trim();
        if (body.isEmpty()) {
            return 0;
        }
        String[] parts = body.split(",");
        int index = Math.max(parts.length - retriesLeft, 0);
        try {
            return (long) Double.parseDouble(parts[Math.min(index, parts.length - 1)].trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int parseInt(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String scoreText(double score) {
        if (Double.isInfinite(score)) {
            return score > 0 ? "inf" : "-inf";
        }
        return score == Math.rint(score) && Math.abs(score) < 1e15 ? Long.toString((long) score) : Double.toString(score);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Job fields are user data: keep control characters out of our output. */
    static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 80 ? p.substring(0, 80) + "…" : p;
    }
}
