package io.rqsweeper.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rqsweeper.diagnose.JobInspection.ExecutionView;
import io.rqsweeper.diagnose.JobInspection.Place;
import io.rqsweeper.diagnose.JobInspection.Related;
import io.rqsweeper.diagnose.JobInspection.Results;
import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisConnector;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.redis.RedisUnavailableException;
import io.rqsweeper.rq.JobFields;
import io.rqsweeper.rq.RqKeys;
import io.rqsweeper.rq.RqReader;
import io.rqsweeper.rq.StartedEntry;
import io.rqsweeper.sweep.SweepOptions;
import io.rqsweeper.sweep.SweepPolicy;
import io.rqsweeper.sweep.SweepService;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything Redis holds about one job and why {@code sweep} would or would not act on it, with read commands
 * only. The verdict on each started-registry entry is the sweep's own ({@link SweepService#assess} over
 * {@link RqReader#read}); {@link Verdicts} only puts the facts behind it into words.
 */
@ApplicationScoped
public class InspectService {
    /** Field values larger than this are not fetched: a diagnosis needs their size, not their bytes. */
    static final long MAX_FIELD_BYTES = 1 << 20;
    /** Reading order of the fields people look at first; the others follow by name. */
    static final List<String> FIELD_ORDER = List.of("status", "origin", "description", "created_at", "enqueued_at",
            "started_at", "ended_at", "last_heartbeat", "worker_name", "timeout", "result_ttl", "failure_ttl", "ttl",
            "retries_left", "retry_intervals", "dependency_id", "dependency_ids", "group_id", "data", "meta", "exc_info",
            "result");
    private static final List<String> REGISTRIES = List.of("failed", "finished", "deferred", "scheduled", "canceled");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RedisConnector connector;

    @Inject
    SweepService sweep;

    /**
     * Inspects one job. Never throws for Redis trouble: an unreachable Redis gives {@code redisAvailable == false}, a
     * read Redis refuses outside the per-key handling (a permission) a {@code redisProblem}.
     */
    public JobInspection inspect(RedisTarget target, Duration timeout, String jobId, SweepPolicy policy) {
        try (RedisSession redis = connector.open(target, timeout)) {
            return new Inspector(redis, jobId, policy).run();
        } catch (RedisUnavailableException e) {
            return JobInspection.unavailable(jobId, e.getMessage());
        } catch (RedisCommandException e) {
            return JobInspection.unanswered(jobId, "Redis refused a read: " + e.getMessage());
        }
    }

    private final class Inspector {
        final RedisSession redis;
        final RqReader rq;
        final String id;
        final SweepPolicy policy;
        final List<String> problems = new ArrayList<>();
        List<FieldView> fields = List.of();
        long now;

        Inspector(RedisSession redis, String id, SweepPolicy policy) {
            this.redis = redis;
            this.rq = new RqReader(redis);
            this.id = id;
            this.policy = policy;
        }

        JobInspection run() {
            now = rq.now();
            String key = RqKeys.job(id);
            String keyType = redis.send(Command.TYPE, key).toString();
            fields = "hash".equals(keyType) ? fields(key) : List.of();
            if (!"hash".equals(keyType) && !"none".equals(keyType)) {
                problems.add(key + " is a " + keyType + ", not a hash: not an RQ job");
            }
            JobFields job = "hash".equals(keyType) ? rq.jobFields(id) : null;

            Map<String, Double> executionScores = executionScores();
            List<Place> places = places(job, executionScores.keySet());
            group(job, places);
            List<ExecutionView> executions = executions(executionScores, places);

            String workerName = job == null ? null : job.text("worker_name");
            WorkerView worker = null;
            boolean claims = false;
            if (workerName != null && !workerName.isEmpty()) {
                String wk = RqKeys.worker(workerName);
                boolean registered = registered(wk);
                worker = new WorkerReader(redis).read(List.of(wk), registered ? Set.of(wk) : Set.of()).get(0);
                claims = claims(worker, places);
            }
            List<Related> dependencies = related(dependencyIds(job));
            List<Related> dependents = related(members(RqKeys.dependents(id)));
            Results results = results();

            JobInspection partial = new JobInspection(true, null, now, id, key, keyType, fields, places, executions, worker,
                    claims, dependencies, dependents, results, List.of(), problems);
            List<JobVerdict> verdicts = verdicts(partial, job);
            return new JobInspection(true, null, now, id, key, keyType, fields, places, executions, worker, claims,
                    dependencies, dependents, results, verdicts, List.copyOf(problems));
        }

        boolean registered(String workerKey) {
            try {
                return redis.send(Command.SISMEMBER, RqKeys.workers(), workerKey).toLong() > 0;
            } catch (RedisCommandException e) {
                problems.add(RqKeys.workers() + " cannot be read: " + e.getMessage());
                return false;
            }
        }

        /** HKEYS, then each field's length, then the values small enough to fetch: never one huge HGETALL. */
        List<FieldView> fields(String key) {
            List<byte[]> names = new ArrayList<>();
            for (Response r : redis.send(Command.HKEYS, key)) {
                names.add(r.toBytes());
            }
            names.sort(Comparator.comparingInt((byte[] n) -> order(text(n))).thenComparing(InspectService::text));
            List<Object> lengths = redis.readAll(names.stream().map(n -> RedisSession.request(Command.HSTRLEN, key, n)).toList());
            List<byte[]> fetch = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (lengths.get(i) instanceof Response l && l.toLong() <= MAX_FIELD_BYTES) {
                    fetch.add(names.get(i));
                }
            }
            Map<String, byte[]> values = new HashMap<>();
            if (!fetch.isEmpty()) {
                List<Object> args = new ArrayList<>();
                args.add(key);
                args.addAll(fetch);
                Response reply = redis.send(Command.HMGET, args.toArray());
                for (int i = 0; i < fetch.size(); i++) {
                    if (reply.get(i) != null) {
                        values.put(text(fetch.get(i)), reply.get(i).toBytes());
                    }
                }
            }
            List<FieldView> fields = new ArrayList<>(names.size());
            for (int i = 0; i < names.size(); i++) {
                String name = text(names.get(i));
                byte[] value = values.get(name);
                long length = lengths.get(i) instanceof Response l ? l.toLong() : -1;
                if (value != null) {
                    fields.add(FieldView.of(name, value));
                } else if (length >= 0) {
                    fields.add(FieldView.unread(name, length));
                }
            }
            return fields;
        }

        /** {@code rq:executions:<id>} (RQ 2.x): execution id to score, oldest first. */
        Map<String, Double> executionScores() {
            Map<String, Double> scores = new LinkedHashMap<>();
            String key = RqKeys.executions(id);
            try {
                Response r = redis.send(Command.ZRANGE, key, "0", "-1", "WITHSCORES");
                for (int i = 0; i + 1 < r.size(); i += 2) {
                    scores.put(r.get(i).toString(), score(r.get(i + 1).toString()));
                }
            } catch (RedisCommandException e) {
                problems.add(key + " cannot be read: " + e.getMessage());
            }
            return scores;
        }

        /** Every queue list, intermediate list and registry of every known queue (and the job's origin) naming it. */
        List<Place> places(JobFields job, Set<String> executionIds) {
            Set<String> queues = new LinkedHashSet<>();
            try {
                queues.addAll(rq.queueNames());
            } catch (RedisCommandException e) {
                problems.add(RqKeys.QUEUES + " cannot be read: " + e.getMessage() + " (only the job's origin queue is searched)");
            }
            String origin = job == null ? null : job.text("origin");
            if (origin != null && !origin.isEmpty()) {
                queues.add(origin);
            }
            List<Place> places = new ArrayList<>();
            for (String q : queues) {
                List<String> keys = new ArrayList<>(List.of(RqKeys.queue(q), RqKeys.intermediateQueue(q), RqKeys.startedRegistry(q)));
                List<Request> requests = new ArrayList<>(List.of(
                        RedisSession.request(Command.LPOS, RqKeys.queue(q), id),
                        RedisSession.request(Command.LPOS, RqKeys.intermediateQueue(q), id),
                        RedisSession.request(Command.ZSCORE, RqKeys.startedRegistry(q), id)));
                for (String registry : REGISTRIES) {
                    keys.add(registryKey(registry, q));
                    requests.add(RedisSession.request(Command.ZSCORE, registryKey(registry, q), id));
                }
                List<Object> r = redis.readAll(requests);
                for (int i = 0; i < 2; i++) {
                    Long position = r.get(i) instanceof Response p ? p.toLong()
                            : r.get(i) instanceof RedisCommandException e ? listPosition(keys.get(i), e) : null;
                    if (position != null) {
                        places.add(new Place(i == 0 ? "queue" : "intermediate", keys.get(i), q, id, null, position));
                    }
                }
                startedPlaces(q, r.get(2), executionIds, places);
                for (int i = 0; i < REGISTRIES.size(); i++) {
                    Object reply = r.get(3 + i);
                    if (reply instanceof Response s) {
                        places.add(new Place(REGISTRIES.get(i), keys.get(3 + i), q, id, score(s.toString()), null));
                    } else if (reply instanceof RedisCommandException e) {
                        problems.add(keys.get(3 + i) + " cannot be read: " + e.getMessage());
                    }
                }
            }
            return places;
        }

        /** Started-registry members naming the job: {@code <id>} (RQ 1.x) and {@code <id>:<execution>} (RQ 2.x). */
        void startedPlaces(String queue, Object bareScore, Set<String> executionIds, List<Place> places) {
            String wip = RqKeys.startedRegistry(queue);
            if (bareScore instanceof RedisCommandException e) {
                problems.add(wip + " cannot be read: " + e.getMessage());
                return;
            }
            Map<String, Double> members = new LinkedHashMap<>();
            if (bareScore instanceof Response s) {
                members.put(id, score(s.toString()));
            }
            // Execution ids RQ still lists, then a scan for members whose listing has expired (the abandoned case).
            List<String> candidates = executionIds.stream().map(e -> id + ":" + e).toList();
            List<Object> scores = redis.readAll(candidates.stream().map(m -> RedisSession.request(Command.ZSCORE, wip, m)).toList());
            for (int i = 0; i < candidates.size(); i++) {
                if (scores.get(i) instanceof Response s) {
                    members.put(candidates.get(i), score(s.toString()));
                }
            }
            try {
                String cursor = "0";
                do {
                    Response reply = redis.send(Command.ZSCAN, wip, cursor, "MATCH", glob(id) + ":*", "COUNT", "1000");
                    cursor = reply.get(0).toString();
                    Response items = reply.get(1);
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        String m = items.get(i).toString();
                        StartedEntry e = StartedEntry.parse(m, 0);
                        if (e.isComposite() && e.jobId().equals(id)) {
                            members.put(m, score(items.get(i + 1).toString()));
                        }
                    }
                } while (!"0".equals(cursor));
            } catch (RedisCommandException e) {
                problems.add(wip + " cannot be scanned: " + e.getMessage());
            }
            members.forEach((m, s) -> places.add(new Place("started", wip, queue, m, s, null)));
        }

        /** LPOS needs Redis 6.0.6; older servers get the list read page by page. Null when absent or unreadable. */
        Long listPosition(String key, RedisCommandException lposError) {
            if (lposError.isWrongType() || !lposError.getMessage().toLowerCase().contains("unknown command")) {
                problems.add(key + " cannot be read: " + lposError.getMessage());
                return null;
            }
            long start = 0;
            while (true) {
                Response page = redis.send(Command.LRANGE, key, Long.toString(start), Long.toString(start + 999));
                for (int i = 0; i < page.size(); i++) {
                    if (id.equals(page.get(i).toString())) {
                        return start + i;
                    }
                }
                if (page.size() < 1000) {
                    return null;
                }
                start += 1000;
            }
        }

        void group(JobFields job, List<Place> places) {
            String group = job == null ? null : fieldText("group_id");
            if (group == null || group.isEmpty()) {
                return;
            }
            String key = RqKeys.group(group);
            try {
                if (redis.send(Command.SISMEMBER, key, id).toLong() > 0) {
                    places.add(new Place("group", key, null, id, null, null));
                }
            } catch (RedisCommandException e) {
                problems.add(key + " cannot be read: " + e.getMessage());
            }
        }

        /** The executions RQ lists and those only a started-registry member still names. */
        List<ExecutionView> executions(Map<String, Double> scores, List<Place> places) {
            Set<String> ids = new LinkedHashSet<>(scores.keySet());
            for (Place p : places) {
                if (p.kind().equals("started") && !p.member().equals(id)) {
                    ids.add(p.member().substring(id.length() + 1));
                }
            }
            List<String> order = new ArrayList<>(ids);
            List<Request> requests = new ArrayList<>();
            for (String e : order) {
                requests.add(RedisSession.request(Command.HMGET, RqKeys.execution(id, e), "created_at", "last_heartbeat", "worker_name"));
                requests.add(RedisSession.request(Command.TTL, RqKeys.execution(id, e)));
            }
            List<Object> r = redis.readAll(requests);
            List<ExecutionView> views = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                String e = order.get(i);
                String k = RqKeys.execution(id, e);
                long ttl = r.get(2 * i + 1) instanceof Response t ? t.toLong() : -2;
                Response f = r.get(2 * i) instanceof Response x ? x : null;
                if (r.get(2 * i) instanceof RedisCommandException ex) {
                    problems.add(k + " cannot be read: " + ex.getMessage());
                }
                views.add(new ExecutionView(e, k, ttl != -2, ttl, f == null ? null : text(f.get(0)),
                        f == null ? null : text(f.get(1)), scores.get(e), f == null ? null : text(f.get(2))));
            }
            return views;
        }

        boolean claims(WorkerView worker, List<Place> places) {
            if (!"hash".equals(worker.keyType()) || worker.death() != null) {
                return false;
            }
            Response current = redis.send(Command.HGET, worker.key(), "current_job");
            if (current != null && id.equals(current.toString())) {
                return true;
            }
            for (Place p : places) {
                if (p.kind().equals("started")) {
                    try {
                        if (redis.send(Command.SISMEMBER, RqKeys.workerExecutions(worker.name()), p.member()).toLong() > 0) {
                            return true;
                        }
                    } catch (RedisCommandException e) {
                        problems.add(RqKeys.workerExecutions(worker.name()) + " cannot be read: " + e.getMessage());
                        return false;
                    }
                }
            }
            return false;
        }

        /** {@code rq:job::<id>:dependencies}, plus the ids in the hash's {@code dependency_ids}/{@code dependency_id}. */
        Set<String> dependencyIds(JobFields job) {
            Set<String> ids = new LinkedHashSet<>(members(RqKeys.dependencies(id)));
            String list = job == null ? null : fieldText("dependency_ids");
            if (list != null && !list.isBlank()) {
                try {
                    for (JsonNode n : JSON.readTree(list)) {
                        ids.add(n.asText());
                    }
                } catch (Exception e) {
                    problems.add(RqKeys.job(id) + " field dependency_ids is not a JSON list");
                }
            }
            String single = job == null ? null : fieldText("dependency_id");
            if (single != null && !single.isEmpty()) {
                ids.add(single);
            }
            return ids;
        }

        Set<String> members(String setKey) {
            Set<String> out = new LinkedHashSet<>();
            try {
                for (Response m : redis.send(Command.SMEMBERS, setKey)) {
                    out.add(m.toString());
                }
            } catch (RedisCommandException e) {
                problems.add(setKey + " cannot be read: " + e.getMessage());
            }
            return out;
        }

        List<Related> related(Set<String> ids) {
            List<String> order = ids.stream().sorted().toList();
            List<Object> statuses = redis.readAll(order.stream().map(d -> RedisSession.request(Command.HGET, RqKeys.job(d), "status")).toList());
            List<Related> out = new ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                out.add(new Related(order.get(i), statuses.get(i) instanceof Response s ? s.toString() : null));
            }
            return out;
        }

        Results results() {
            String key = RqKeys.results(id);
            String type = redis.send(Command.TYPE, key).toString();
            if ("none".equals(type)) {
                return null;
            }
            if (!"stream".equals(type)) {
                problems.add(key + " is a " + type + ", not a stream");
                return null;
            }
            long entries = redis.send(Command.XLEN, key).toLong();
            Response last = redis.send(Command.XREVRANGE, key, "+", "-", "COUNT", "1");
            if (last == null || last.size() == 0) {
                return new Results(entries, null, null);
            }
            Response entry = last.get(0);
            String streamId = entry.get(0).toString();
            Response kv = entry.get(1);
            String resultType = null;
            for (int i = 0; i + 1 < kv.size(); i += 2) {
                if ("type".equals(kv.get(i).toString())) {
                    resultType = resultType(kv.get(i + 1).toString());
                }
            }
            Long at = null;
            try {
                at = Long.parseLong(streamId.substring(0, streamId.indexOf('-')));
            } catch (RuntimeException ignored) {
                // not a Redis-generated id: leave the time unknown
            }
            return new Results(entries, resultType, at);
        }

        List<JobVerdict> verdicts(JobInspection inspection, JobFields job) {
            SweepOptions options = SweepOptions.of(List.of(), policy, null, true, null);
            Map<String, List<String>> fleet = new HashMap<>();
            List<JobVerdict> verdicts = new ArrayList<>();
            for (Place p : inspection.places()) {
                if (!p.kind().equals("started")) {
                    continue;
                }
                StartedEntry entry = p.member().equals(id) ? new StartedEntry(id, id, null, p.score())
                        : new StartedEntry(p.member(), id, p.member().substring(id.length() + 1), p.score());
                RqReader.EntryFacts facts = rq.read(p.queue(), List.of(entry)).get(0);
                if (facts.jobError() != null) {
                    verdicts.add(new JobVerdict("unreadable", "unreadable: " + facts.jobError() + "; sweep leaves it alone",
                            List.of("malformed"), p.queue(), p.member()));
                    continue;
                }
                verdicts.add(Verdicts.started(sweep.assess(rq, p.queue(), facts, now, options, fleet), inspection, policy));
            }
            if (!verdicts.isEmpty()) {
                return verdicts;
            }
            for (Place p : inspection.places()) {
                if (p.kind().equals("intermediate")) {
                    boolean liveWorker = rq.hasLiveWorker(p.queue());
                    Double firstSeen = rq.intermediateFirstSeen(p.queue(), id);
                    verdicts.add(Verdicts.intermediate(inspection, p, job,
                            SweepService.stuckBeforeStart(job, liveWorker, firstSeen, now, policy), firstSeen));
                }
            }
            if (verdicts.isEmpty()) {
                verdicts.add(Verdicts.notStarted(inspection));
            }
            return verdicts;
        }

        /** A text field of the job hash, as read by {@link #fields}. */
        private String fieldText(String name) {
            return fields.stream().filter(f -> f.name().equals(name) && f.value() != null).map(FieldView::value)
                    .findFirst().orElse(null);
        }
    }

    private static String registryKey(String registry, String queue) {
        return switch (registry) {
            case "failed" -> RqKeys.failedRegistry(queue);
            case "finished" -> RqKeys.finishedRegistry(queue);
            case "deferred" -> RqKeys.deferredRegistry(queue);
            case "scheduled" -> RqKeys.scheduledRegistry(queue);
            default -> RqKeys.canceledRegistry(queue);
        };
    }

    static String resultType(String code) {
        return switch (code) {
            case "1" -> "successful";
            case "2" -> "failed";
            case "3" -> "stopped";
            case "4" -> "retried";
            case "5" -> "max-retries-exceeded";
            default -> code;
        };
    }

    /** A job id as a literal in a SCAN/ZSCAN MATCH pattern. */
    static String glob(String literal) {
        return literal.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }

    private static int order(String field) {
        int i = FIELD_ORDER.indexOf(field);
        return i < 0 ? FIELD_ORDER.size() : i;
    }

    private static double score(String s) {
        return switch (s) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String text(Response r) {
        return r == null ? null : text(r.toBytes());
    }
}
