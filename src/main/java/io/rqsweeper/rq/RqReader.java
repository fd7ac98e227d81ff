package io.rqsweeper.rq;

import io.rqsweeper.redis.RedisCommandException;
import io.rqsweeper.redis.RedisSession;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Reads RQ's state from Redis without changing it. Job hashes are read as bytes, payload fields never. */
public final class RqReader {
    private final RedisSession redis;

    public RqReader(RedisSession redis) {
        this.redis = redis;
    }

    /** Redis's own clock, in whole seconds, as RQ computes registry scores. */
    public long now() {
        return Long.parseLong(redis.send(Command.TIME).get(0).toString());
    }

    /** Names of every queue in {@code rq:queues}, sorted. */
    public List<String> queueNames() {
        TreeSet<String> names = new TreeSet<>();
        for (Response member : redis.send(Command.SMEMBERS, RqKeys.QUEUES)) {
            String name = RqKeys.queueNameFromKey(member.toString());
            if (name != null) {
                names.add(name);
            }
        }
        return new ArrayList<>(names);
    }

    /** Entries in a queue's started registry now (0 when it is not a sorted set). */
    public long startedCount(String queue) {
        try {
            return redis.send(Command.ZCARD, RqKeys.startedRegistry(queue)).toLong();
        } catch (RedisCommandException e) {
            return 0;
        }
    }

    /** One page of a started registry and the cursor of the next ("0" when done). */
    public record Page(String cursor, List<StartedEntry> entries) {
    }

    /**
     * A page of the started registry by ZSCAN: memory stays bounded whatever the registry's size, and each
     * call costs Redis little. An entry may come twice (ZSCAN's guarantee); the caller deduplicates.
     */
    public Page scanStarted(String queue, String cursor, int count) {
        Response reply = redis.send(Command.ZSCAN, RqKeys.startedRegistry(queue), cursor, "COUNT", Integer.toString(count));
        Response items = reply.get(1);
        List<StartedEntry> entries = new ArrayList<>(items.size() / 2);
        for (int i = 0; i + 1 < items.size(); i += 2) {
            entries.add(StartedEntry.parse(items.get(i).toString(), parseScore(items.get(i + 1).toString())));
        }
        return new Page(reply.get(0).toString(), entries);
    }

    /**
     * What Redis says about one started entry, read in a pipelined page.
     *
     * @param entry    the entry (re-read as a bare 1.x id when that is what its hash says)
     * @param present  the entry is still in the registry
     * @param job      the job's fields, or null when its hash is missing
     * @param jobError why the job could not be read (a wrong key type), or null
     * @param worker   the facts of the worker the job names, or null
     */
    public record EntryFacts(StartedEntry entry, boolean present, JobFields job, String jobError, WorkerFacts worker) {
    }

    /**
     * Reads, in two pipelined round trips, everything the abandoned-job rule needs about a page of entries:
     * whether each is still there, its job's fields, and the facts of each worker named.
     */
    public List<EntryFacts> read(String queue, List<StartedEntry> entries) {
        String wip = RqKeys.startedRegistry(queue);
        List<Request> first = new ArrayList<>(entries.size() * 2);
        for (StartedEntry e : entries) {
            first.add(RedisSession.request(Command.ZSCORE, wip, e.member()));
            List<Object> hmget = new ArrayList<>();
            hmget.add(RqKeys.job(e.jobId()));
            hmget.addAll(JobFields.NAMES);
            first.add(RedisSession.request(Command.HMGET, hmget.toArray()));
        }
        List<Object> r1 = redis.readAll(first);
        // Only a hash without any of the fields needs asking whether it exists at all (rare: dangling entries).
        List<Integer> unsure = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (r1.get(2 * i + 1) instanceof Response r && !anyValue(r)) {
                unsure.add(i);
            }
        }
        List<Object> existsReplies = redis.readAll(unsure.stream()
                .map(i -> RedisSession.request(Command.EXISTS, RqKeys.job(entries.get(i).jobId()))).toList());
        Object[] existsReply = new Object[entries.size()];
        for (int u = 0; u < unsure.size(); u++) {
            existsReply[unsure.get(u)] = existsReplies.get(u);
        }
        List<StartedEntry> resolved = new ArrayList<>(entries.size());
        List<JobFields> jobs = new ArrayList<>(entries.size());
        List<String> errors = new ArrayList<>(entries.size());
        List<Boolean> present = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            StartedEntry e = entries.get(i);
            present.add(r1.get(2 * i) instanceof Response);
            Object fields = r1.get(2 * i + 1);
            boolean exists = existsReply[i] == null || existsReply[i] instanceof Response x && x.toLong() > 0;
            JobFields job = null;
            String error = null;
            if (fields instanceof RedisCommandException ex) {
                error = ex.getMessage();
            } else if (exists) {
                job = fields(fields instanceof Response r ? r : null);
            } else if (e.isComposite()) {
                // A 1.x job id may itself end in ':<32 hex>'; only the hash tells. Rare: read it on its own.
                JobFields bare = jobFields(e.member());
                if (bare != null) {
                    e = e.asBareId();
                    job = bare;
                }
            }
            resolved.add(e);
            jobs.add(job);
            errors.add(error);
        }

        List<String> workerNames = new ArrayList<>();
        for (JobFields job : jobs) {
            String w = job == null ? null : job.text("worker_name");
            if (w != null && !w.isEmpty() && !workerNames.contains(w)) {
                workerNames.add(w);
            }
        }
        List<Request> second = new ArrayList<>();
        for (String w : workerNames) {
            second.add(RedisSession.request(Command.TYPE, RqKeys.worker(w)));
            second.add(RedisSession.request(Command.HMGET, RqKeys.worker(w), "birth", "death", "current_job", "version"));
            second.add(RedisSession.request(Command.PUBSUB, "NUMSUB", RqKeys.workerChannel(w)));
        }
        for (int i = 0; i < resolved.size(); i++) {
            String w = jobs.get(i) == null ? null : jobs.get(i).text("worker_name");
            if (w != null && !w.isEmpty()) {
                second.add(RedisSession.request(Command.SISMEMBER, RqKeys.workerExecutions(w), resolved.get(i).member()));
            }
        }
        List<Object> r2 = second.isEmpty() ? List.of() : redis.readAll(second);
        int claimAt = 3 * workerNames.size();
        List<EntryFacts> out = new ArrayList<>(resolved.size());
        for (int i = 0; i < resolved.size(); i++) {
            JobFields job = jobs.get(i);
            String w = job == null ? null : job.text("worker_name");
            WorkerFacts facts = null;
            if (w != null && !w.isEmpty()) {
                int at = 3 * workerNames.indexOf(w);
                String type = r2.get(at) instanceof Response t ? t.toString() : "none";
                Response f = "hash".equals(type) && r2.get(at + 1) instanceof Response h ? h : null;
                long subscribers = r2.get(at + 2) instanceof Response n ? n.get(1).toLong() : 0;
                boolean claims = r2.get(claimAt++) instanceof Response c && c.toLong() > 0;
                facts = new WorkerFacts(w, !"none".equals(type), f != null && f.get(1) != null,
                        f == null ? null : text(f.get(0)), f == null ? null : text(f.get(2)), claims, subscribers,
                        f == null ? null : text(f.get(3)));
            }
            out.add(new EntryFacts(resolved.get(i), present.get(i), job, errors.get(i), facts));
        }
        return out;
    }

    private static boolean anyValue(Response reply) {
        for (Response v : reply) {
            if (v != null) {
                return true;
            }
        }
        return false;
    }

    private static JobFields fields(Response reply) {
        byte[][] values = new byte[JobFields.NAMES.size()][];
        for (int i = 0; reply != null && i < values.length; i++) {
            Response v = reply.get(i);
            values[i] = v == null ? null : v.toBytes();
        }
        return new JobFields(values);
    }

    /** The job's fields, or null when its hash does not exist. Throws WRONGTYPE for a non-hash key. */
    public JobFields jobFields(String jobId) {
        List<Object> args = new ArrayList<>();
        args.add(RqKeys.job(jobId));
        args.addAll(JobFields.NAMES);
        Response reply = redis.send(Command.HMGET, args.toArray());
        byte[][] values = new byte[JobFields.NAMES.size()][];
        boolean any = false;
        for (int i = 0; i < values.length; i++) {
            Response v = reply.get(i);
            values[i] = v == null ? null : v.toBytes();
            any |= values[i] != null;
        }
        if (!any && redis.send(Command.EXISTS, RqKeys.job(jobId)).toLong() == 0) {
            return null;
        }
        return new JobFields(values);
    }

    /** RQ versions announced by the live workers of a queue ({@code version} field of their hashes). */
    public List<String> workerVersionsOfQueue(String queue) {
        List<String> versions = new ArrayList<>();
        if (!"set".equals(redis.send(Command.TYPE, RqKeys.workersOfQueue(queue)).toString())) {
            return versions;
        }
        for (Response workerKey : redis.send(Command.SRANDMEMBER, RqKeys.workersOfQueue(queue), "20")) {
            String key = workerKey.toString();
            if ("hash".equals(redis.send(Command.TYPE, key).toString())) {
                String v = text(redis.send(Command.HGET, key, "version"));
                if (v != null) {
                    versions.add(v);
                }
            }
        }
        return versions;
    }

    /** Ids in a queue's intermediate list (RQ 1.15+): popped by a worker, not yet started. */
    public List<String> intermediateIds(String queue) {
        List<String> ids = new ArrayList<>();
        for (Response r : redis.send(Command.LRANGE, RqKeys.intermediateQueue(queue), "0", "-1")) {
            ids.add(r.toString());
        }
        return ids;
    }

    /** Whether any worker registered for the queue still has its key and has not died cleanly. */
    public boolean hasLiveWorker(String queue) {
        if (!"set".equals(redis.send(Command.TYPE, RqKeys.workersOfQueue(queue)).toString())) {
            return false;
        }
        for (Response workerKey : redis.send(Command.SMEMBERS, RqKeys.workersOfQueue(queue))) {
            String key = workerKey.toString();
            if ("hash".equals(redis.send(Command.TYPE, key).toString())
                    && redis.send(Command.HEXISTS, key, "death").toLong() == 0) {
                return true;
            }
        }
        return false;
    }

    /** When an id was first seen stuck in the intermediate list (epoch seconds), or null. */
    public Double intermediateFirstSeen(String queue, String jobId) {
        Response r = redis.send(Command.GET, RqKeys.intermediateFirstSeen(queue, jobId));
        if (r == null) {
            return null;
        }
        try {
            return Double.parseDouble(r.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Records, as RQ 1.16.2+ maintenance does, when an id was first seen stuck (kept for a day). */
    public void markIntermediateFirstSeen(String queue, String jobId, long now) {
        redis.send(Command.SET, RqKeys.intermediateFirstSeen(queue, jobId), Long.toString(now), "NX", "EX", "86400");
    }

    /** Worker keys listed in a worker registry set whose worker hash no longer exists. */
    public List<String> deadWorkerRegistrations(String registry) {
        List<String> dead = new ArrayList<>();
        if (!"set".equals(redis.send(Command.TYPE, registry).toString())) {
            return dead;
        }
        for (Response workerKey : redis.send(Command.SMEMBERS, registry)) {
            if (redis.send(Command.EXISTS, workerKey.toString()).toLong() == 0) {
                dead.add(workerKey.toString());
            }
        }
        return dead;
    }

    private static String text(Response r) {
        return r == null ? null : new String(r.toBytes(), StandardCharsets.UTF_8);
    }

    static double parseScore(String score) {
        return switch (score) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(score);
        };
    }
}
