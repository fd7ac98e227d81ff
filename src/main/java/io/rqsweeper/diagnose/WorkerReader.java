package io.rqsweeper.diagnose;

import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.rq.RqKeys;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reads worker hashes and their liveness signals, pipelined, without changing anything. */
final class WorkerReader {
    private static final String[] FIELDS = {"queues", "state", "birth", "last_heartbeat", "death", "current_job", "pid",
            "hostname", "version"};
    private static final int PER_WORKER = 5;

    private final RedisSession redis;

    WorkerReader(RedisSession redis) {
        this.redis = redis;
    }

    /** Keys listed in {@code rq:workers}; empty when it is missing (or not a set: the caller is told by the exception). */
    Set<String> registeredKeys() {
        Set<String> keys = new TreeSet<>();
        for (Response r : redis.send(Command.SMEMBERS, RqKeys.workers())) {
            keys.add(r.toString());
        }
        return keys;
    }

    /**
     * Every key that is a worker hash, found by SCAN: including hashes RQ no longer lists (ghosts). Walks the whole
     * keyspace, in steps Redis serves without blocking other clients.
     */
    Set<String> scanWorkerKeys() {
        Set<String> candidates = new TreeSet<>();
        String cursor = "0";
        do {
            Response reply = redis.send(Command.SCAN, cursor, "MATCH", RqKeys.workerKeyPattern(), "COUNT", "1000");
            cursor = reply.get(0).toString();
            for (Response k : reply.get(1)) {
                candidates.add(k.toString());
            }
        } while (!"0".equals(cursor));
        List<String> ordered = new ArrayList<>(candidates);
        List<Request> types = ordered.stream().map(k -> RedisSession.request(Command.TYPE, k)).toList();
        List<Object> replies = redis.readAll(types);
        Set<String> hashes = new TreeSet<>();
        for (int i = 0; i < ordered.size(); i++) {
            if (replies.get(i) instanceof Response t && "hash".equals(t.toString())) {
                hashes.add(ordered.get(i));
            }
        }
        return hashes;
    }

    /** Views of these worker keys, in the given order. */
    List<WorkerView> read(Collection<String> workerKeys, Set<String> registered) {
        List<String> keys = new ArrayList<>(workerKeys);
        List<Request> requests = new ArrayList<>(keys.size() * PER_WORKER);
        for (String key : keys) {
            String name = nameOf(key);
            requests.add(RedisSession.request(Command.TYPE, key));
            List<Object> hmget = new ArrayList<>();
            hmget.add(key);
            hmget.addAll(Arrays.asList(FIELDS));
            requests.add(RedisSession.request(Command.HMGET, hmget.toArray()));
            requests.add(RedisSession.request(Command.TTL, key));
            requests.add(RedisSession.request(Command.PUBSUB, "NUMSUB", RqKeys.workerChannel(name)));
            requests.add(RedisSession.request(Command.SRANDMEMBER, RqKeys.workerExecutions(name)));
        }
        List<Object> replies = redis.readAll(requests);
        List<WorkerView> views = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            int at = i * PER_WORKER;
            String type = replies.get(at) instanceof Response t ? t.toString() : "none";
            Response f = "hash".equals(type) && replies.get(at + 1) instanceof Response h ? h : null;
            long ttl = replies.get(at + 2) instanceof Response t ? t.toLong() : -2;
            long subscribers = replies.get(at + 3) instanceof Response n ? n.get(1).toLong() : 0;
            String execution = replies.get(at + 4) instanceof Response e ? text(e) : null;
            String currentJob = field(f, 5);
            if ((currentJob == null || currentJob.isEmpty()) && execution != null) {
                // RQ's newer layout names executions as <job>:<execution>; the job id is what an operator looks up.
                int colon = execution.lastIndexOf(':');
                currentJob = colon > 0 ? execution.substring(0, colon) : execution;
            }
            String queues = field(f, 0);
            views.add(new WorkerView(nameOf(key), key, type, registered.contains(key),
                    queues == null || queues.isBlank() ? List.of() : List.of(queues.split(",")),
                    field(f, 1), field(f, 2), field(f, 3), field(f, 4),
                    ttl, subscribers, currentJob == null || currentJob.isEmpty() ? null : currentJob,
                    field(f, 6), field(f, 7), field(f, 8)));
        }
        return views;
    }

    static String nameOf(String workerKey) {
        String name = RqKeys.workerNameFromKey(workerKey);
        return name == null ? workerKey : name;
    }

    private static String field(Response hmget, int index) {
        return hmget == null ? null : text(hmget.get(index));
    }

    private static String text(Response r) {
        return r == null ? null : new String(r.toBytes(), StandardCharsets.UTF_8);
    }
}
