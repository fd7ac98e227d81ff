package io.rqsweeper.sweep;

import io.rqsweeper.backup.BackupFile;
import io.rqsweeper.backup.JobSnapshot;
import io.rqsweeper.redis.FactChecks;
import io.rqsweeper.redis.LuaScript;
import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisConnector;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.redis.RedisUnavailableException;
import io.rqsweeper.redis.ScriptCall;
import io.rqsweeper.redis.ScriptResult;
import io.rqsweeper.rq.FailureText;
import io.rqsweeper.rq.JobFields;
import io.rqsweeper.rq.RqGeneration;
import io.rqsweeper.rq.RqKeys;
import io.rqsweeper.rq.RqReader;
import io.rqsweeper.rq.RqTimestamps;
import io.rqsweeper.rq.StartedEntry;
import io.rqsweeper.rq.WorkerFacts;
import io.rqsweeper.sweep.SweepOptions.Action;
import io.rqsweeper.sweep.Verdict.Kind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one entry point for sweeping: finds abandoned jobs in RQ's started registries (and ids a dead worker
 * left in an intermediate list) and resolves them. Every change is one Lua script that re-checks the facts it
 * was decided on (see {@code lua/}); a dry run runs the same scripts in plan mode.
 */
@ApplicationScoped
public class SweepService {
    /** RQ's DEFAULT_FAILURE_TTL: one year. */
    static final long DEFAULT_FAILURE_TTL = 31_536_000L;
    /** RQ 1.16.2+ fails an id stuck in an intermediate list after this grace period. */
    static final long INTERMEDIATE_GRACE_SECONDS = 60;

    private final LuaScript failJob = LuaScript.load("fail_job");
    private final LuaScript requeueJob = LuaScript.load("requeue_job");
    private final LuaScript deleteJob = LuaScript.load("delete_job");
    private final LuaScript removeEntry = LuaScript.load("remove_entry");
    private final LuaScript pruneWorker = LuaScript.loadStandalone("prune_worker_registration");

    @Inject
    RedisConnector connector;

    /** One sweep's working state. */
    private final class Run {
        final RedisSession redis;
        final RqReader rq;
        final SweepOptions options;
        final BackupFile backup;
        final List<JobReport> jobs = new ArrayList<>();
        final LinkedHashSet<String> warnings = new LinkedHashSet<>();
        final Map<String, List<String>> fleetVersions = new HashMap<>();
        final Set<String> deleted = new HashSet<>();

        Run(RedisSession redis, SweepOptions options, BackupFile backup) {
            this.redis = redis;
            this.rq = new RqReader(redis);
            this.options = options;
            this.backup = backup;
        }
    }

    /**
     * Sweeps once. Never throws for Redis trouble: an unreachable Redis gives a report with
     * {@code redisAvailable == false}. A backup that cannot be written stops the sweep ({@code stoppedBy}).
     */
    public SweepReport sweep(RedisTarget target, Duration timeout, SweepOptions options) {
        BackupFile backup = null;
        if (options.backup() != null && !options.dryRun()) {
            try {
                backup = BackupFile.openForAppend(options.backup());
            } catch (IOException e) {
                return SweepReport.stopped("cannot open the backup file " + options.backup() + ": " + e.getMessage(), options);
            }
        }
        int queueCount = 0;
        int checked = 0;
        int pruned = 0;
        Run run = null;
        try (RedisSession redis = connector.open(target, timeout); BackupFile b = backup) {
            run = new Run(redis, options, b);
            List<String> queues = new ArrayList<>(options.queues().isEmpty() ? run.rq.queueNames() : options.queues());
            queues.removeAll(options.excludedQueues());
            queueCount = queues.size();
            for (String queue : queues) {
                try (MaintenanceLock lock = options.dryRun() ? null : MaintenanceLock.acquire(redis, queue)) {
                    checked += sweepQueue(run, queue, lock);
                }
            }
            pruned = pruneWorkerRegistrations(run, queues);
        } catch (RedisUnavailableException e) {
            return report(false, e.getMessage(), null, options, queueCount, checked, run, pruned);
        } catch (RedisCommandException e) {
            // e.g. rq:queues is not a set, or the user lacks a permission: nothing more can be read.
            return report(true, e.getMessage(), null, options, queueCount, checked, run, pruned);
        } catch (UncheckedIOException e) {
            return report(true, null, e.getMessage(), options, queueCount, checked, run, pruned);
        } catch (IOException e) {
            return report(true, null, "cannot close the backup file: " + e.getMessage(), options, queueCount, checked, run, pruned);
        }
        return report(true, null, null, options, queueCount, checked, run, pruned);
    }

    private int sweepQueue(Run run, String queue, MaintenanceLock lock) {
        List<StartedEntry> entries;
        try {
            entries = run.rq.startedEntries(queue);
        } catch (RedisCommandException e) {
            run.jobs.add(JobReport.error(null, queue, null, RqKeys.startedRegistry(queue) + " cannot be read: " + e.getMessage()));
            return 0;
        }
        long now = run.rq.now();
        for (StartedEntry entry : entries) {
            if (lock != null) {
                lock.renewIfDue();
            }
            if (entry.isComposite() ? run.deleted.contains(entry.jobId()) : run.deleted.contains(entry.member())) {
                continue;
            }
            JobReport report = sweepEntry(run, queue, entry, now);
            if (report != null) {
                run.jobs.add(report);
            }
        }
        sweepIntermediateList(run, queue, now);
        return entries.size();
    }

    private JobReport sweepEntry(Run run, String queue, StartedEntry entry, long now) {
        Assessment a;
        try {
            a = assess(run.rq, queue, entry, now, run.options, run.fleetVersions);
        } catch (RedisCommandException e) {
            return JobReport.error(entry.jobId(), queue, entry.member(), "cannot read the job: " + e.getMessage() + "; left alone");
        }
        if (a.verdict().kind() == Kind.HEALTHY) {
            return null;
        }
        if ("assumed".equals(a.generationSource())) {
            run.warnings.add("RQ version could not be told from Redis for some 2.x jobs; assumed "
                    + a.generation().label() + " (set --rq-version to choose)");
        }
        if (!a.verdict().isStuck()) {
            return describeKept(a);
        }
        return resolve(run.redis, a, run.options, run.backup, run);
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

    /**
     * Resolves one stuck entry with one atomic script (in a dry run: plans it); reports {@code skipped} when
     * its facts changed meanwhile.
     */
    public JobReport resolve(RedisSession redis, Assessment a, SweepOptions options) {
        return resolve(redis, a, options, null, null);
    }

    private JobReport resolve(RedisSession redis, Assessment a, SweepOptions options, BackupFile backup, Run run) {
        Action action = a.verdict().kind() == Kind.ABANDONED
                ? (a.entry().member().isEmpty() ? options.intermediateAction() : options.startedAction()) : null;
        try {
            ScriptResult result = apply(redis, a.entry().jobId(), a.queue(), action == null ? "remove" : action.code(),
                    dry -> call(a, action, options, dry), options.dryRun(), backup);
            Outcome outcome = Outcome.ofScript(result.code(), options.dryRun());
            List<String> dependents = "deleted".equals(result.code()) && !result.detail().isBlank()
                    ? List.of(result.detail().trim().split(" ")) : List.of();
            JobReport report = report(a, action, outcome, detail(a, result, outcome), result.keysChanged(),
                    options.deleteDependents() ? List.of() : dependents);
            if (run != null && (outcome == Outcome.DELETED || outcome == Outcome.WOULD_DELETE)) {
                run.deleted.add(a.entry().jobId());
                if (options.deleteDependents()) {
                    deleteDependents(run, dependents);
                }
            }
            return report;
        } catch (RedisCommandException ex) {
            return report(a, action, Outcome.ERROR, "Redis refused the change: " + ex.getMessage() + "; nothing was changed",
                    List.of(), List.of());
        }
    }

    /** Plans (dry run) or makes one change; with a backup, the job's state is written and synced first. */
    private ScriptResult apply(RedisSession redis, String id, String queue, String action,
                               java.util.function.Function<Boolean, ScriptCall> call, boolean dryRun, BackupFile backup) {
        if (dryRun) {
            return call.apply(true).run(redis);
        }
        if (backup == null) {
            return call.apply(false).run(redis);
        }
        ScriptResult plan = call.apply(true).run(redis);
        if ("changed".equals(plan.code()) || "error".equals(plan.code())) {
            return plan;
        }
        backup.before(id, queue, action, redis.target().redacted(), JobSnapshot.take(redis, plan));
        ScriptResult done = call.apply(false).run(redis);
        backup.after(id, done.code(), done.fingerprint(),
                done.changes().stream().filter(ScriptResult.Change::isOwn).map(ScriptResult.Change::key).distinct().toList());
        return done;
    }

    /** The script call for a stuck entry: remove it (dangling, stale) or apply the action to its job. */
    private ScriptCall call(Assessment a, Action action, SweepOptions options, boolean dryRun) {
        StartedEntry e = a.entry();
        String wip = RqKeys.startedRegistry(a.queue());
        String jobKey = RqKeys.job(e.jobId());
        FactChecks facts = new FactChecks();
        if (!e.member().isEmpty()) {
            facts.zscore(wip, e.member(), scoreText(e.score()));
        } else {
            facts.inList(RqKeys.intermediateQueue(a.queue()), e.jobId(), true);
        }
        if (action == null) {
            if (a.job() == null) {
                facts.exists(jobKey, false);
            } else {
                facts.hget(jobKey, "status", a.job().raw("status"));
            }
            return new ScriptCall(removeEntry, facts, dryRun, RqKeys.luaPrefixes()).key(wip)
                    .arg(e.member()).arg(e.jobId()).arg(e.isComposite() ? e.executionId() : "");
        }
        addLivenessFacts(facts, a);
        Instant now = Instant.now();
        return switch (action) {
            case FAIL -> {
                String text = FailureText.text(now, why(a.verdict()));
                RqGeneration g = a.generation() == null ? RqGeneration.V2 : a.generation();
                yield new ScriptCall(failJob, facts, dryRun, RqKeys.luaPrefixes()).key(wip).key(jobKey)
                        .arg(e.member()).arg(e.jobId()).arg(e.isComposite() ? e.executionId() : "").arg(a.queue())
                        .arg(RqTimestamps.format(now))
                        .arg(g.failureTextInExcInfo() ? FailureText.zlib(text) : new byte[0])
                        .arg(g.failureTextInResultsStream() ? FailureText.base64Zlib(text) : "")
                        .arg(g.releasesAllowFailureDependents() ? "1" : "0")
                        .arg(Long.toString(DEFAULT_FAILURE_TTL));
            }
            case REQUEUE -> new ScriptCall(requeueJob, facts, dryRun, RqKeys.luaPrefixes()).key(wip).key(jobKey)
                    .arg(e.member()).arg(e.jobId()).arg(e.isComposite() ? e.executionId() : "").arg(a.queue())
                    .arg(RqTimestamps.format(now));
            case DELETE -> deleteCall(facts, wip, e.jobId(), a.queue(), e.member(), options, dryRun);
        };
    }

    private ScriptCall deleteCall(FactChecks facts, String wip, String jobId, String queue, String member,
                                  SweepOptions options, boolean dryRun) {
        ScriptCall call = new ScriptCall(deleteJob, facts, dryRun, RqKeys.luaPrefixes()).key(wip).key(RqKeys.job(jobId));
        for (String pattern : options.deleteKeys()) {
            call.key(pattern.replace("{id}", jobId));
        }
        return call.arg(jobId).arg(queue).arg(member);
    }

    /** The facts about the job and its worker that made it abandoned; the script re-checks each. */
    private static void addLivenessFacts(FactChecks facts, Assessment a) {
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
    }

    /** Deletes, breadth first, the jobs that waited for deleted ones; a started dependent is left alone. */
    private void deleteDependents(Run run, List<String> first) {
        Deque<String> todo = new ArrayDeque<>(first);
        while (!todo.isEmpty()) {
            String id = todo.poll();
            if (!run.deleted.add(id)) {
                continue;
            }
            JobFields job;
            try {
                job = run.rq.jobFields(id);
            } catch (RedisCommandException e) {
                run.jobs.add(JobReport.error(id, null, null, "cannot read the dependent: " + e.getMessage()));
                continue;
            }
            if (job == null) {
                continue;
            }
            String origin = Optional.ofNullable(job.text("origin")).filter(o -> !o.isEmpty()).orElse("default");
            if ("started".equals(job.text("status"))) {
                run.jobs.add(new JobReport(id, origin, null, List.of(Reason.DEPENDENT, Reason.WORKER_ALIVE), null, Outcome.SKIPPED,
                        "left alone: a worker has started it", null, null, null, List.of(), false, null, List.of(), List.of()));
                continue;
            }
            FactChecks facts = new FactChecks().hget(RqKeys.job(id), "status", job.raw("status"));
            Assessment a = new Assessment(origin, new StartedEntry("", id, null, 0), job, null, 0,
                    Verdict.of(Kind.ABANDONED, Reason.DEPENDENT), null, null);
            try {
                ScriptResult result = apply(run.redis, id, origin, Action.DELETE.code(),
                        dry -> deleteCall(facts, RqKeys.startedRegistry(origin), id, origin, "", run.options, dry),
                        run.options.dryRun(), run.backup);
                Outcome outcome = Outcome.ofScript(result.code(), run.options.dryRun());
                run.jobs.add(report(a, Action.DELETE, outcome, detail(a, result, outcome), result.keysChanged(), List.of()));
                if ("deleted".equals(result.code()) && !result.detail().isBlank()) {
                    todo.addAll(List.of(result.detail().trim().split(" ")));
                }
            } catch (RedisCommandException ex) {
                run.jobs.add(report(a, Action.DELETE, Outcome.ERROR, "Redis refused the change: " + ex.getMessage(), List.of(), List.of()));
            }
        }
    }

    /**
     * Ids a worker popped into {@code rq:queue:<q>:intermediate} (RQ 1.15+) but never started. Abandoned when
     * no live worker listens on the queue, or once RQ's own grace period has passed since the id was first
     * seen there (the {@code first_seen} key RQ 1.16.2+ keeps; rq-sweeper sets it as RQ does when missing).
     */
    private void sweepIntermediateList(Run run, String queue, long now) {
        List<String> ids;
        try {
            ids = run.rq.intermediateIds(queue);
        } catch (RedisCommandException e) {
            run.jobs.add(JobReport.error(null, queue, null, RqKeys.intermediateQueue(queue) + " cannot be read: " + e.getMessage()));
            return;
        }
        if (ids.isEmpty()) {
            return;
        }
        boolean liveWorker = run.rq.hasLiveWorker(queue);
        for (String id : ids) {
            try {
                JobFields job = run.rq.jobFields(id);
                if (job == null || !"queued".equals(job.text("status"))) {
                    continue;
                }
                Reason why;
                if (!liveWorker) {
                    why = Reason.WORKER_GONE;
                } else {
                    Double firstSeen = run.rq.intermediateFirstSeen(queue, id);
                    if (firstSeen == null) {
                        if (!run.options.dryRun()) {
                            run.rq.markIntermediateFirstSeen(queue, id, now);
                        }
                        continue;
                    }
                    if (now - firstSeen < INTERMEDIATE_GRACE_SECONDS + run.options.policy().margin().toSeconds()) {
                        continue;
                    }
                    why = Reason.HEARTBEAT_LAPSED;
                }
                Assessment a = new Assessment(queue, new StartedEntry("", id, null, 0), job, null, now,
                        new Verdict(Kind.ABANDONED, List.of(Reason.STUCK_BEFORE_START, why)), RqGeneration.V2, "not-needed");
                run.jobs.add(resolve(run.redis, a, run.options, run.backup, run));
            } catch (RedisCommandException e) {
                run.jobs.add(JobReport.error(id, queue, null, "cannot read the job: " + e.getMessage() + "; left alone"));
            }
        }
    }

    /** Removes registrations of workers whose hash is gone, as RQ's maintenance does. Returns how many. */
    private int pruneWorkerRegistrations(Run run, List<String> queues) {
        int removed = 0;
        List<String> registries = new ArrayList<>();
        registries.add(RqKeys.workers());
        queues.forEach(q -> registries.add(RqKeys.workersOfQueue(q)));
        for (String registry : registries) {
            try {
                for (String workerKey : run.rq.deadWorkerRegistrations(registry)) {
                    if (run.options.dryRun()) {
                        removed++;
                    } else {
                        removed += run.redis.eval(pruneWorker, List.of(registry), List.of(workerKey)).toInteger();
                    }
                }
            } catch (RedisCommandException e) {
                run.warnings.add(registry + " cannot be pruned: " + e.getMessage());
            }
        }
        return removed;
    }

    private static String detail(Assessment a, ScriptResult r, Outcome outcome) {
        String d = r.detail();
        return switch (outcome) {
            case REMOVED, WOULD_REMOVE -> (outcome == Outcome.REMOVED ? "removed" : "would remove") + " the "
                    + (a.job() == null ? "dangling entry" : "leftover entry (job is " + a.job().text("status") + ")");
            case FAILED, WOULD_FAIL -> (outcome == Outcome.FAILED ? "failed" : "would fail it")
                    + ("0".equals(d) || d.isEmpty() ? "" : "; " + d + " dependent(s) " + (outcome == Outcome.FAILED ? "" : "would be ") + "enqueued");
            case RETRIED, WOULD_RETRY -> (outcome == Outcome.RETRIED ? "requeued for retry; " : "would requeue for retry; ") + d + " retries left";
            case SCHEDULED, WOULD_SCHEDULE -> (outcome == Outcome.SCHEDULED ? "scheduled a retry; " : "would schedule a retry; ") + d + " retries left";
            case REQUEUED, WOULD_REQUEUE -> outcome == Outcome.REQUEUED ? "requeued as a fresh attempt" : "would requeue as a fresh attempt";
            case DELETED, WOULD_DELETE -> (outcome == Outcome.DELETED ? "deleted" : "would delete") + " with "
                    + r.keysChanged().size() + " key(s) changed"
                    + (d.isBlank() ? "" : "; dependents left waiting: " + d.trim().replace(' ', ','));
            case SKIPPED -> "left alone: " + d + " since it was read";
            default -> "not changed: " + d;
        };
    }

    /** The report for a kept (not stuck) entry. */
    private JobReport describeKept(Assessment a) {
        Verdict v = a.verdict();
        if (v.reasons().contains(Reason.MALFORMED)) {
            return report(a, null, Outcome.ERROR, "malformed job hash: it has no status field; left alone", List.of(), List.of());
        }
        String why = switch (v.reasons().get(0)) {
            case WORKER_ALIVE -> "heartbeat lapsed but worker " + a.worker().name() + " is alive and runs it";
            case HORSE_MAY_BE_RUNNING -> "worker " + a.worker().name()
                    + " is gone but its work horse may still run it (pub/sub subscriber present)";
            case UNEXPECTED_STATUS -> "status is '" + a.job().text("status") + "'";
            default -> v.reasons().get(0).label();
        };
        return report(a, null, Outcome.SKIPPED, "left alone: " + why, List.of(), List.of());
    }

    private JobReport report(Assessment a, Action action, Outcome outcome, String detail, List<String> keysChanged,
                             List<String> dependents) {
        StartedEntry e = a.entry();
        Long age = null;
        String extra = "";
        if (a.job() != null) {
            String startedAt = a.job().text("started_at");
            Optional<Instant> started = RqTimestamps.parse(startedAt);
            if (started.isPresent() && a.now() > 0) {
                age = Math.max(0, a.now() - started.get().getEpochSecond());
            } else if (startedAt != null && !startedAt.isBlank() && started.isEmpty()) {
                extra = " (started_at '" + printable(startedAt) + "' is unreadable)";
            }
        }
        List<String> notRun = new ArrayList<>();
        if (action == Action.FAIL && a.job() != null) {
            String callback = a.job().text("failure_callback_name");
            if (callback != null && !callback.isEmpty()) {
                notRun.add("failure-callback:" + printable(callback));
            }
            String webhooks = a.job().text("webhooks");
            if (webhooks != null && webhooks.contains("failed")) {
                notRun.add("webhooks");
            }
            if (a.generation() != null && a.generation() != RqGeneration.V1) {
                // RQ 2.x workers pass their configured exception handlers to the cleanup; they live in Python.
                notRun.add("exception-handlers");
            }
        }
        // The RQ version only decides how a failure is written; say which one was used only then.
        boolean versionUsed = action == Action.FAIL && a.generation() != null && !"not-needed".equals(a.generationSource());
        return new JobReport(e.jobId(), a.queue(), e.member().isEmpty() ? null : e.member(), a.verdict().reasons(), age,
                outcome, detail + extra, a.worker() == null ? null : a.worker().name(),
                versionUsed ? a.generation().label() : null, versionUsed ? a.generationSource() : null,
                notRun, a.verdict().isStuck(), action, keysChanged, dependents);
    }

    private static SweepReport report(boolean available, String problem, String stoppedBy, SweepOptions options, int queues,
                                      int checked, Run run, int pruned) {
        List<JobReport> jobs = run == null ? List.of() : run.jobs;
        List<String> warnings = run == null ? List.of() : List.copyOf(run.warnings);
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
                warnings, pruned, stoppedBy);
    }

    static String why(Verdict v) {
        return v.reasons().stream().map(Reason::label).collect(Collectors.joining(", "));
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
