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
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
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

    private final LuaScript failJob = LuaScript.load("fail_job", RqKeys.luaPrefixTable());
    private final LuaScript requeueJob = LuaScript.load("requeue_job", RqKeys.luaPrefixTable());
    private final LuaScript deleteJob = LuaScript.load("delete_job", RqKeys.luaPrefixTable());
    private final LuaScript removeEntry = LuaScript.load("remove_entry", RqKeys.luaPrefixTable());
    private final LuaScript pruneWorker = LuaScript.loadStandalone("prune_worker_registration");
    private final LuaScript permissions = LuaScript.loadStandalone("permissions");

    /**
     * Every command the change scripts may run, with keys of the kinds they touch: a user who may not run one of
     * them is told before anything is changed (see {@code permissions.lua}).
     */
    static final List<String> WRITE_COMMANDS = List.of(
            "hset rq:job:x status failed", "del rq:job:x", "expire rq:job:x 1", "pexpire rq:job:x 1", "persist rq:job:x",
            "set rq:job:x v", "zadd rq:failed:q 1 x", "zrem rq:wip:q x", "lpush rq:queue:q x", "rpush rq:queue:q x",
            "lrem rq:queue:q 0 x", "linsert rq:queue:q before x y", "sadd rq:queues rq:queue:q", "srem rq:workers rq:worker:w",
            "xadd rq:results:x * k v");

    @Inject
    RedisConnector connector;

    /** Entries read and resolved per round trip: big enough to amortise the network, small enough for memory. */
    static final int PAGE_SIZE = 500;

    /** One sweep's working state. Job reports go to the sink as they are made; only counts are kept. */
    private final class Run {
        final RedisSession redis;
        final RqReader rq;
        final PageReader pages;
        final SweepOptions options;
        final BackupFile backup;
        final SweepListener sink;
        long total;
        long checked;
        final LinkedHashSet<String> warnings = new LinkedHashSet<>();
        final Map<String, List<String>> fleetVersions = new HashMap<>();
        /** Dependents deleted so far, so a job reached twice is handled once (only these: memory stays flat). */
        final Set<String> deleted = new HashSet<>();
        /** Queues another sweeper held the lock of. */
        final List<String> skippedQueues = new ArrayList<>();
        /** Set when the sink asked the sweep to stop. */
        String stopped;
        int stuck;
        int cleaned;
        int errors;

        Run(RedisSession redis, PageReader pages, SweepOptions options, BackupFile backup, SweepListener sink) {
            this.redis = redis;
            this.rq = new RqReader(redis);
            this.pages = pages;
            this.options = options;
            this.backup = backup;
            this.sink = sink;
        }

        void report(JobReport j) {
            stuck += j.stuck() ? 1 : 0;
            cleaned += j.outcome().isCleaned() ? 1 : 0;
            errors += j.outcome() == Outcome.ERROR ? 1 : 0;
            sink.job(j);
        }
    }

    /**
     * Sweeps once. Never throws for Redis trouble: an unreachable Redis gives a report with
     * {@code redisAvailable == false}. A backup that cannot be written stops the sweep ({@code stoppedBy}).
     */
    public SweepReport sweep(RedisTarget target, Duration timeout, SweepOptions options) {
        List<JobReport> jobs = new ArrayList<>();
        SweepReport report = sweep(target, timeout, options, jobs::add);
        return report.withJobs(jobs);
    }

    /**
     * Sweeps once, handing each job report to {@code sink} as soon as it is made, so memory stays flat however
     * many jobs are stuck. The returned report carries the counts and no job list.
     */
    public SweepReport sweep(RedisTarget target, Duration timeout, SweepOptions options, SweepListener sink) {
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
        // The reader connects to the server the first connection reached (with Sentinel: the master it was given,
        // without asking the sentinels again).
        try (RedisSession redis = connector.open(target, timeout);
             PageReader pages = new PageReader(connector.open(redis.target(), timeout));
             BackupFile b = backup) {
            run = new Run(redis, pages, options, b, sink);
            for (LuaScript script : List.of(failJob, requeueJob, deleteJob, removeEntry)) {
                redis.load(script);
            }
            if (!options.dryRun()) {
                checkPermissions(redis);
            }
            List<String> queues = new ArrayList<>(options.queues().isEmpty() ? run.rq.queueNames() : options.queues());
            queues.removeAll(options.excludedQueues());
            queueCount = queues.size();
            for (String queue : queues) {
                long entries = run.rq.startedCount(queue);
                run.total += entries;
                sink.queue(queue, entries);
            }
            sink.started(queueCount, run.total);
            int cap = options.maxJobs();
            if (cap > 0 && run.total > cap) {
                // More entries than the cap: count the abandoned jobs first, and act on none if they are too many.
                int abandoned = countAbandoned(run, queues);
                if (abandoned > cap) {
                    run.warnings.add("found " + abandoned + " abandoned jobs, more than --max-jobs " + cap
                            + ": none was " + (options.dryRun() ? "planned" : "changed")
                            + " (a wrong rule or clock must not empty a queue; check, then pass --max-jobs 0 or a higher cap)");
                    SweepReport capped = report(true, null, null, options, queueCount, 0, run, 0);
                    return new SweepReport(true, null, options, queueCount, capped.checked(), abandoned, 0, capped.errors(),
                            List.of(), capped.warnings(), 0, null, List.of(), true);
                }
            }
            for (String queue : queues) {
                if (stopRequested(run)) {
                    break;
                }
                checked += sweepQueueLocked(run, queue);
            }
            if (run.stopped == null) {
                pruned = pruneWorkerRegistrations(run, queues);
            }
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
        return report(true, null, run.stopped, options, queueCount, checked, run, pruned);
    }

    /**
     * Counts the entries of these queues whose job is abandoned (a job hash that exists: dangling and stale entries
     * are only bookkeeping and do not count), reading as the sweep does and changing nothing.
     */
    private int countAbandoned(Run run, List<String> queues) {
        int abandoned = 0;
        for (String queue : queues) {
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            do {
                PageReader.Read read;
                try {
                    read = PageReader.await(run.pages.start(queue, cursor, PAGE_SIZE));
                } catch (RedisCommandException e) {
                    break; // the sweep itself reports the queue that cannot be read
                }
                cursor = read.page().cursor();
                for (RqReader.EntryFacts f : read.facts()) {
                    if (!f.present() || f.jobError() != null || f.job() == null || !seen.add(f.entry().member())) {
                        continue;
                    }
                    Assessment a = assess(run.rq, queue, f, read.now(), run.options, run.fleetVersions);
                    if (a.verdict().kind() == Kind.ABANDONED) {
                        abandoned++;
                    }
                }
            } while (!"0".equals(cursor));
        }
        return abandoned;
    }

    /**
     * Refuses to start changing jobs when the Redis user may not run a command the scripts need, naming each as
     * Redis's NOPERM error does. Nothing has been changed at this point.
     */
    private void checkPermissions(RedisSession redis) {
        io.vertx.redis.client.Response denied = redis.eval(permissions, List.of(), WRITE_COMMANDS);
        if (denied == null || denied.size() == 0) {
            return;
        }
        List<String> commands = new ArrayList<>();
        for (io.vertx.redis.client.Response r : denied) {
            commands.add("'" + r.toString().split(" ")[0] + "'");
        }
        throw new RedisCommandException("NOPERM this user has no permissions to run the " + String.join(", ", commands)
                + " command" + (commands.size() > 1 ? "s" : "") + " (needed to change jobs; see the README's ACL rule); "
                + "nothing was changed");
    }

    /** Whether the sink asked the sweep to stop; remembers it for the report. */
    private static boolean stopRequested(Run run) {
        if (run.stopped == null && run.sink.stopRequested()) {
            run.stopped = "stopped on request";
        }
        return run.stopped != null;
    }

    /**
     * Sweeps one queue under rq-sweeper's own lock, or reports it skipped when another sweeper holds that lock.
     * A dry run changes nothing and takes no lock. A Redis user that may not take the lock sweeps without it (a
     * warning says so): the scripts' fact checks still keep two sweepers from handling a job twice.
     */
    private int sweepQueueLocked(Run run, String queue) {
        if (run.options.dryRun()) {
            return sweepQueue(run, queue, null, null);
        }
        SweeperLock own;
        try {
            own = SweeperLock.acquire(run.redis, queue);
        } catch (RedisCommandException e) {
            run.warnings.add("cannot take rq-sweeper's queue lock (" + e.getMessage() + "); swept without it");
            own = null;
        }
        if (own != null && !own.held()) {
            run.skippedQueues.add(queue);
            run.sink.queueSkipped(queue, own.holder());
            return 0;
        }
        try (SweeperLock mine = own; MaintenanceLock lock = MaintenanceLock.acquire(run.redis, queue)) {
            return sweepQueue(run, queue, lock, mine);
        }
    }

    private int sweepQueue(Run run, String queue, MaintenanceLock lock, SweeperLock own) {
        int checked = 0;
        // ZSCAN may return an entry twice; entries left in place (healthy, kept) are remembered to count once.
        Set<String> seen = new HashSet<>();
        // A page read ahead may have been read before the scripts of the two pages before it removed an entry it
        // repeats (ZSCAN may return an entry twice): those entries are not judged again.
        Set<String> resolvedBefore = Set.of();
        Set<String> resolvedLast = Set.of();
        // The previous page's scripts: Redis runs them while this page is judged. Reported before this page.
        Resolving previous = Resolving.DONE;
        Future<PageReader.Read> ahead = run.pages.start(queue, "0", PAGE_SIZE);
        while (ahead != null) {
            PageReader.Read read;
            try {
                read = PageReader.await(ahead);
            } catch (RedisCommandException e) {
                previous.finish();
                run.report(JobReport.error(null, queue, null, RqKeys.startedRegistry(queue) + " cannot be read: " + e.getMessage()));
                return checked;
            }
            String cursor = read.page().cursor();
            ahead = "0".equals(cursor) ? null : run.pages.start(queue, cursor, PAGE_SIZE);
            List<Assessment> stuck = new ArrayList<>();
            List<JobReport> kept = new ArrayList<>();
            for (RqReader.EntryFacts f : read.facts()) {
                StartedEntry entry = f.entry();
                if (!f.present() || seen.contains(entry.member()) || resolvedBefore.contains(entry.member())
                        || run.deleted.contains(entry.jobId())) {
                    continue;
                }
                checked++;
                if (f.jobError() != null) {
                    seen.add(entry.member());
                    kept.add(JobReport.error(entry.jobId(), queue, entry.member(), "cannot read the job: " + f.jobError() + "; left alone"));
                    continue;
                }
                Assessment a = assess(run.rq, queue, f, read.now(), run.options, run.fleetVersions);
                if ("assumed".equals(a.generationSource())) {
                    run.warnings.add("RQ version could not be told from Redis for some 2.x jobs; assumed "
                            + a.generation().label() + " (set --rq-version to choose)");
                }
                if (a.verdict().isStuck()) {
                    stuck.add(a);
                } else {
                    seen.add(entry.member());
                    if (a.verdict().kind() != Kind.HEALTHY) {
                        kept.add(describeKept(a));
                    }
                }
            }
            Resolving current = startResolving(run, stuck);
            previous.finish();
            kept.forEach(run::report);
            previous = current;
            Set<String> resolvedNow = stuck.stream().map(a -> a.entry().member()).collect(Collectors.toSet());
            resolvedBefore = new HashSet<>(resolvedLast);
            resolvedBefore.addAll(resolvedNow);
            resolvedLast = resolvedNow;
            run.checked += read.page().entries().size();
            run.sink.progress(run.checked, run.total);
            if (lock != null) {
                lock.renewIfDue();
            }
            if (own != null && !own.renewIfDue()) {
                previous.finish();
                run.warnings.add("the lock of queue " + queue + " expired during the sweep; the rest of the queue was left "
                        + "to whoever holds it now");
                return checked;
            }
            if (stopRequested(run)) {
                previous.finish();
                return checked;
            }
        }
        previous.finish();
        sweepIntermediateList(run, queue, run.rq.now());
        return checked;
    }

    /** Reads everything the rule needs about one entry and judges it. Changes nothing. */
    public Assessment assess(RqReader rq, String queue, StartedEntry entry, long now, SweepOptions options,
                             Map<String, List<String>> fleetVersions) {
        RqReader.EntryFacts f = rq.read(queue, List.of(entry)).get(0);
        if (f.jobError() != null) {
            throw new RedisCommandException(f.jobError());
        }
        return assess(rq, queue, f, now, options, fleetVersions);
    }

    /**
     * Judges one entry from what {@link RqReader#read} read about it; only the RQ version of a queue's workers may
     * be read. Changes nothing: the diagnostics judge with it, so they always agree with the sweep.
     */
    public Assessment assess(RqReader rq, String queue, RqReader.EntryFacts f, long now, SweepOptions options,
                             Map<String, List<String>> fleetVersions) {
        StartedEntry e = f.entry();
        JobFields job = f.job();
        WorkerFacts worker = f.worker();
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
        return resolve(redis, List.of(a), options).get(0);
    }

    /**
     * Resolves stuck entries, many to a script call; each is still re-checked on its own facts inside Redis, so
     * one that changed meanwhile is reported {@code skipped} while the others are resolved.
     */
    public List<JobReport> resolve(RedisSession redis, List<Assessment> stuck, SweepOptions options) {
        return apply(redis, stuck, options, null).get().stream()
                .map(x -> toReport(x.assessment(), x.action(), x.result(), options)).toList();
    }

    /** A page's changes on their way to Redis; {@link #finish()} waits for them and reports them. */
    private interface Resolving {
        Resolving DONE = () -> { };

        void finish();
    }

    /**
     * Sends the page's scripts and returns at once, so that the sweep reports the previous page and reads the next
     * one while Redis runs them. --delete-dependents acts on the results (and the next page must know what it
     * deleted), so with it the page is finished here.
     */
    private Resolving startResolving(Run run, List<Assessment> stuck) {
        Supplier<List<Applied>> applied = apply(run.redis, stuck, run.options, run.backup);
        Resolving resolving = () -> {
            for (Applied x : applied.get()) {
                JobReport report = toReport(x.assessment(), x.action(), x.result(), run.options);
                run.report(report);
                boolean deleted = report.outcome() == Outcome.DELETED || report.outcome() == Outcome.WOULD_DELETE;
                if (deleted && run.options.deleteDependents() && x.result() instanceof ScriptResult r && !r.detail().isBlank()) {
                    deleteDependents(run, List.of(r.detail().trim().split(" ")));
                }
            }
        };
        if (run.options.deleteDependents()) {
            resolving.finish();
            return Resolving.DONE;
        }
        return resolving;
    }

    /** What was done to one stuck entry: the action (null: only its entry removed) and the script's result. */
    private record Applied(Assessment assessment, Action action, Object result) {
    }

    /** Starts resolving stuck entries ({@link #applyAll}); {@code get()} gives what was done to each. */
    private Supplier<List<Applied>> apply(RedisSession redis, List<Assessment> stuck, SweepOptions options, BackupFile backup) {
        if (stuck.isEmpty()) {
            return List::of;
        }
        List<Action> actions = new ArrayList<>(stuck.size());
        List<String> codes = new ArrayList<>(stuck.size());
        List<Function<ScriptCall.Mode, ScriptCall>> calls = new ArrayList<>(stuck.size());
        for (Assessment a : stuck) {
            Action action = actionFor(a, options);
            actions.add(action);
            codes.add(action == null ? "remove" : action.code());
            calls.add(mode -> call(a, action, options, mode));
        }
        Supplier<List<Object>> results = applyAll(redis, stuck, codes, calls, options.dryRun(), backup);
        return () -> {
            List<Object> r = results.get();
            List<Applied> applied = new ArrayList<>(stuck.size());
            for (int i = 0; i < stuck.size(); i++) {
                applied.add(new Applied(stuck.get(i), actions.get(i), r.get(i)));
            }
            return applied;
        };
    }

    private static Action actionFor(Assessment a, SweepOptions options) {
        if (a.verdict().kind() != Kind.ABANDONED) {
            return null;
        }
        return a.entry().member().isEmpty() ? options.intermediateAction() : options.startedAction();
    }

    private JobReport toReport(Assessment a, Action action, Object result, SweepOptions options) {
        if (result instanceof RedisCommandException ex) {
            return report(a, action, Outcome.ERROR, "Redis refused the change: " + ex.getMessage() + "; nothing was changed",
                    List.of(), List.of());
        }
        ScriptResult r = (ScriptResult) result;
        Outcome outcome = Outcome.ofScript(r.code(), options.dryRun());
        List<String> dependents = "deleted".equals(r.code()) && !r.detail().isBlank() && !options.deleteDependents()
                ? List.of(r.detail().trim().split(" ")) : List.of();
        return report(a, action, outcome, detail(a, r, outcome), r.keysChanged(), dependents);
    }

    /**
     * Plans (dry run) or makes a page of changes, pipelined, and returns while Redis runs them; {@code get()} waits
     * for the results. With a backup, each job's state is written first and the file synced before any of the
     * page's scripts runs, and what they left is recorded after, all before this returns.
     * Each result is a {@link ScriptResult} or the {@link RedisCommandException} Redis answered.
     */
    private Supplier<List<Object>> applyAll(RedisSession redis, List<Assessment> as, List<String> actionCodes,
                                            List<Function<ScriptCall.Mode, ScriptCall>> calls, boolean dryRun,
                                            BackupFile backup) {
        if (dryRun || backup == null) {
            ScriptCall.Mode mode = dryRun ? ScriptCall.Mode.PLAN : ScriptCall.Mode.WRITE;
            return ScriptCall.start(redis, calls.stream().map(c -> c.apply(mode)).toList());
        }
        List<Object> results = new ArrayList<>(ScriptCall.runAll(redis, calls.stream().map(c -> c.apply(ScriptCall.Mode.PLAN)).toList()));
        List<Integer> toRun = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof ScriptResult plan && !"changed".equals(plan.code()) && !"error".equals(plan.code())) {
                Assessment a = as.get(i);
                backup.before(a.entry().jobId(), a.queue(), actionCodes.get(i), redis.target().redacted(), JobSnapshot.take(redis, plan));
                toRun.add(i);
            }
        }
        backup.sync();
        List<Object> done = ScriptCall.runAll(redis,
                toRun.stream().map(i -> calls.get(i).apply(ScriptCall.Mode.WRITE_AND_FINGERPRINT)).toList());
        for (int j = 0; j < toRun.size(); j++) {
            int i = toRun.get(j);
            results.set(i, done.get(j));
            String outcome = done.get(j) instanceof ScriptResult d ? d.code() : "error";
            String fingerprint = done.get(j) instanceof ScriptResult d ? d.fingerprint() : "";
            List<String> own = done.get(j) instanceof ScriptResult d
                    ? d.changes().stream().filter(ScriptResult.Change::isOwn).map(ScriptResult.Change::key).distinct().toList()
                    : List.of();
            backup.after(as.get(i).entry().jobId(), outcome, fingerprint, own);
        }
        backup.sync();
        return () -> results;
    }

    /** The script call for a stuck entry: remove it (dangling, stale) or apply the action to its job. */
    private ScriptCall call(Assessment a, Action action, SweepOptions options, ScriptCall.Mode mode) {
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
            return new ScriptCall(removeEntry, facts, mode).key(wip)
                    .arg(e.member()).arg(e.jobId()).arg(e.isComposite() ? e.executionId() : "");
        }
        addLivenessFacts(facts, a);
        Instant now = Instant.now();
        return switch (action) {
            case FAIL -> {
                EncodedFailure text = encodedFailure(why(a.verdict()), now);
                RqGeneration g = a.generation() == null ? RqGeneration.V2 : a.generation();
                yield new ScriptCall(failJob, facts, mode).key(wip).key(jobKey)
                        .arg(e.member()).arg(e.jobId()).arg(e.isComposite() ? e.executionId() : "").arg(a.queue())
                        .arg(RqTimestamps.format(now))
                        .arg(g.failureTextInExcInfo() ? text.zlib() : new byte[0])
                        .arg(g.failureTextInResultsStream() ? text.base64() : "")
                        .arg(g.releasesAllowFailureDependents() ? "1" : "0")
                        .arg(Long.toString(DEFAULT_FAILURE_TTL));
            }
            case REQUEUE -> new ScriptCall(requeueJob, facts, mode).key(wip).key(jobKey)
                    .arg(e.member()).arg(e.jobId()).arg(e.isComposite() ? e.executionId() : "").arg(a.queue())
                    .arg(RqTimestamps.format(now));
            case DELETE -> deleteCall(facts, wip, e.jobId(), a.queue(), e.member(), options, mode);
        };
    }

    /** A failure text, compressed once and shared by every job failed for the same reasons in the same second. */
    private record EncodedFailure(String text, byte[] zlib, String base64) {
    }

    private volatile EncodedFailure lastFailure;

    private EncodedFailure encodedFailure(String why, Instant now) {
        String text = FailureText.text(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), why);
        EncodedFailure last = lastFailure;
        if (last == null || !last.text().equals(text)) {
            last = new EncodedFailure(text, FailureText.zlib(text), FailureText.base64Zlib(text));
            lastFailure = last;
        }
        return last;
    }

    private ScriptCall deleteCall(FactChecks facts, String wip, String jobId, String queue, String member,
                                  SweepOptions options, ScriptCall.Mode mode) {
        ScriptCall call = new ScriptCall(deleteJob, facts, mode).key(wip).key(RqKeys.job(jobId));
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
                run.report(JobReport.error(id, null, null, "cannot read the dependent: " + e.getMessage()));
                continue;
            }
            if (job == null) {
                continue;
            }
            String origin = Optional.ofNullable(job.text("origin")).filter(o -> !o.isEmpty()).orElse("default");
            if ("started".equals(job.text("status"))) {
                run.report(new JobReport(id, origin, null, List.of(Reason.DEPENDENT, Reason.WORKER_ALIVE), null, Outcome.SKIPPED,
                        "left alone: a worker has started it", null, null, null, List.of(), false, null, List.of(), List.of()));
                continue;
            }
            FactChecks facts = new FactChecks().hget(RqKeys.job(id), "status", job.raw("status"));
            Assessment a = new Assessment(origin, new StartedEntry("", id, null, 0), job, null, 0,
                    Verdict.of(Kind.ABANDONED, Reason.DEPENDENT), null, null);
            Object result = applyAll(run.redis, List.of(a), List.of(Action.DELETE.code()),
                    List.of(mode -> deleteCall(facts, RqKeys.startedRegistry(origin), id, origin, "", run.options, mode)),
                    run.options.dryRun(), run.backup).get().get(0);
            JobReport report = toReport(a, Action.DELETE, result, withoutDependentsList(run.options));
            run.report(report);
            if (result instanceof ScriptResult r && "deleted".equals(r.code()) && !r.detail().isBlank()) {
                todo.addAll(List.of(r.detail().trim().split(" ")));
            }
        }
    }

    /** Dependents deleted recursively are reported as jobs of their own, not as a parent's list. */
    private static SweepOptions withoutDependentsList(SweepOptions o) {
        return new SweepOptions(o.queues(), o.excludedQueues(), o.policy(), o.action(), o.dryRun(), o.assumedRqVersion(),
                o.deleteKeys(), true, o.backup(), o.maxJobs());
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
            run.report(JobReport.error(null, queue, null, RqKeys.intermediateQueue(queue) + " cannot be read: " + e.getMessage()));
            return;
        }
        if (ids.isEmpty()) {
            return;
        }
        boolean liveWorker = run.rq.hasLiveWorker(queue);
        for (String id : ids) {
            if (stopRequested(run)) {
                return;
            }
            try {
                JobFields job = run.rq.jobFields(id);
                Double firstSeen = null;
                if (liveWorker && job != null && "queued".equals(job.text("status"))) {
                    firstSeen = run.rq.intermediateFirstSeen(queue, id);
                    if (firstSeen == null) {
                        // First sighting: the grace period starts now.
                        if (!run.options.dryRun()) {
                            run.rq.markIntermediateFirstSeen(queue, id, now);
                        }
                        continue;
                    }
                }
                Reason why = stuckBeforeStart(job, liveWorker, firstSeen, now, run.options.policy());
                if (why == null) {
                    continue;
                }
                Assessment a = new Assessment(queue, new StartedEntry("", id, null, 0), job, null, now,
                        new Verdict(Kind.ABANDONED, List.of(Reason.STUCK_BEFORE_START, why)), RqGeneration.V2, "not-needed");
                startResolving(run, List.of(a)).finish();
            } catch (RedisCommandException e) {
                run.report(JobReport.error(id, queue, null, "cannot read the job: " + e.getMessage() + "; left alone"));
            }
        }
    }

    /**
     * The rule {@link #sweepIntermediateList} applies to an id in a queue's intermediate list, for readers that must
     * agree with it (the diagnostics): why the id is abandoned, or null when it is not (yet). With a live worker and no
     * {@code first_seen} key yet, the sweep records that key and judges the id on a later run, so it is not abandoned now.
     *
     * @param job        the job's fields, or null when its hash is missing
     * @param liveWorker a live worker listens on the queue ({@link RqReader#hasLiveWorker})
     * @param firstSeen  the id's {@code first_seen} time (epoch seconds), or null
     */
    public static Reason stuckBeforeStart(JobFields job, boolean liveWorker, Double firstSeen, long now, SweepPolicy policy) {
        if (job == null || !"queued".equals(job.text("status"))) {
            return null;
        }
        if (!liveWorker) {
            return Reason.WORKER_GONE;
        }
        if (firstSeen == null || now - firstSeen < INTERMEDIATE_GRACE_SECONDS + policy.margin().toSeconds()) {
            return null;
        }
        return Reason.HEARTBEAT_LAPSED;
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
        List<String> warnings = run == null ? List.of() : List.copyOf(run.warnings);
        int errors = run == null ? 0 : run.errors;
        if (problem != null && available) {
            errors++;
        }
        return new SweepReport(available, problem, options, queues, checked, run == null ? 0 : run.stuck,
                run == null ? 0 : run.cleaned, errors, List.of(), warnings, pruned, stoppedBy,
                run == null ? List.of() : List.copyOf(run.skippedQueues));
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
