package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.RedisServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key of the wrong type under every {@code rq:} key name a sweep reads or writes, one abandoned RQ 2.x job per
 * name, for each action: the sweep does not crash, the wrongly typed key is not modified in any way (value or TTL),
 * and each job is either untouched or completely in the action's end state. Keys every job shares ({@code rq:queues},
 * {@code rq:workers}, {@code rq:suspended}) get a run of their own.
 */
@QuarkusMainTest
class WrongKeyTypesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STAMP = "2020-01-01T00:00:00.000000Z";

    /** Key names of one job (J: id, E: execution id, Q: queue, W: worker), each with a value of a type RQ never uses there. */
    private static final Map<String, String> PER_JOB = new LinkedHashMap<>();

    static {
        PER_JOB.put("rq:failed:Q", "string");
        PER_JOB.put("rq:finished:Q", "string");
        PER_JOB.put("rq:deferred:Q", "string");
        PER_JOB.put("rq:scheduled:Q", "string");
        PER_JOB.put("rq:canceled:Q", "string");
        PER_JOB.put("rq:queue:Q", "hash");
        PER_JOB.put("rq:queue:Q:intermediate", "hash");
        PER_JOB.put("rq:results:J", "string");
        PER_JOB.put("rq:executions:J", "string");
        PER_JOB.put("rq:execution:J:E", "string");
        PER_JOB.put("rq:job:J:dependents", "string");
        PER_JOB.put("rq:job::J:dependencies", "hash");
        PER_JOB.put("rq:worker:W", "string");
        PER_JOB.put("rq:worker:W:executions", "hash");
        PER_JOB.put("rq:workers:Q", "string");
        PER_JOB.put("rq:clean_registries:Q", "hash");
        PER_JOB.put("rq:sweeper-lock:Q", "hash");
    }

    private static final List<String> SHARED = List.of("rq:queues", "rq:workers", "rq:suspended");

    record Job(String id, String queue, String member, String wrongKey) {
    }

    private static String name(String pattern, int i) {
        return pattern.replace("J", "wt-job-" + i).replace("E", executionId(i)).replace("Q", "wt-q" + i)
                .replace("W", "wt-worker-" + i);
    }

    /** RQ 2.x's execution ids are uuid4s as 32 hex digits. */
    private static String executionId(int i) {
        return String.format("%032x", 0xe0000 + i);
    }

    /** An abandoned RQ 2.x job as a SIGKILLed worker leaves it, with its execution. */
    private static Job seed(RedisServer redis, int i, String wrongKey) {
        String id = "wt-job-" + i;
        String queue = "wt-q" + i;
        String exec = executionId(i);
        String member = id + ":" + exec;
        redis.cli("HSET", "rq:job:" + id, "status", "started", "origin", queue, "worker_name", "wt-worker-" + i,
                "started_at", STAMP, "created_at", STAMP, "enqueued_at", STAMP, "last_heartbeat", STAMP,
                "timeout", "180", "description", "rqtasks.sleeper(300)", "data", "x");
        redis.cli("ZADD", "rq:wip:" + queue, "1", member);
        redis.cli("ZADD", "rq:executions:" + id, "1", exec);
        redis.cli("HSET", "rq:execution:" + id + ":" + exec, "id", exec, "job_id", id, "started_at", STAMP,
                "last_heartbeat", STAMP);
        redis.cli("SADD", "rq:queues", "rq:queue:" + queue);
        return new Job(id, queue, member, wrongKey);
    }

    private static void plant(RedisServer redis, String key, String type) {
        redis.cli("DEL", key);
        switch (type) {
            case "string" -> redis.cli("SET", key, "a string where RQ keeps something else");
            case "hash" -> redis.cli("HSET", key, "field", "a hash where RQ keeps something else");
            default -> throw new IllegalArgumentException(type);
        }
        redis.cli("EXPIRE", key, "86400");
    }

    /** What must not change about a key: its type, value and whether it expires. */
    private static String fingerprint(RedisServer redis, String key) {
        long ttl = Long.parseLong(redis.cli("TTL", key));
        return redis.cli("TYPE", key) + "|" + redis.cli("DUMP", key) + "|ttl " + (ttl > 80_000 && ttl <= 86_400 ? "as set" : ttl);
    }

    @ParameterizedTest
    @ValueSource(strings = {"fail", "requeue", "delete"})
    void wronglyTypedKeysAreNeverModifiedAndEveryJobIsWholeOrUntouched(String action, QuarkusMainLauncher launcher)
            throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            List<Job> jobs = new ArrayList<>();
            Map<String, String> before = new HashMap<>();
            int i = 0;
            for (Map.Entry<String, String> e : PER_JOB.entrySet()) {
                i++;
                String key = name(e.getKey(), i);
                Job job = seed(redis, i, key);
                plant(redis, key, e.getValue());
                jobs.add(job);
                before.put(key, fingerprint(redis, key));
                before.put(job.id(), jobState(redis, job));
            }
            LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url(), "--action", action, "-o", "json");
            check(redis, r, action, jobs, before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rq:queues", "rq:workers", "rq:suspended"})
    void aSharedKeyOfTheWrongTypeIsNeverModified(String key, QuarkusMainLauncher launcher) throws Exception {
        for (String action : List.of("fail", "requeue", "delete")) {
            try (RedisServer redis = RedisServer.start()) {
                List<Job> jobs = new ArrayList<>();
                Map<String, String> before = new HashMap<>();
                for (int i = 1; i <= 3; i++) {
                    jobs.add(seed(redis, i, key));
                }
                plant(redis, key, key.equals("rq:suspended") ? "hash" : "string");
                before.put(key, fingerprint(redis, key));
                for (Job job : jobs) {
                    before.put(job.id(), jobState(redis, job));
                }
                LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url(), "--action", action,
                        "--queue", "wt-q1", "--queue", "wt-q2", "--queue", "wt-q3", "-o", "json");
                check(redis, r, action, jobs, before);
            }
        }
    }

    private static String jobState(RedisServer redis, Job job) {
        return redis.cli("HGETALL", "rq:job:" + job.id()) + "|" + redis.cli("ZSCORE", "rq:wip:" + job.queue(), job.member());
    }

    private static void check(RedisServer redis, LaunchResult r, String action, List<Job> jobs, Map<String, String> before)
            throws Exception {
        assertEquals(0, r.exitCode(), evidence(r));
        assertFalse(r.getErrorOutput().contains("\tat ") || r.getErrorOutput().contains("Exception"), evidence(r));
        JsonNode doc = JSON.readTree(RedisLostTest.json(r.getOutput()));
        Map<String, JsonNode> reported = new HashMap<>();
        for (JsonNode j : doc.get("jobs")) {
            reported.put(j.get("id").asText(), j);
        }
        for (Job job : jobs) {
            String context = action + ", " + job.wrongKey() + " of the wrong type: " + job.id() + "\n"
                    + reported.get(job.id()) + "\n" + evidence(r);
            assertEquals(before.get(job.wrongKey()), fingerprint(redis, job.wrongKey()), "modified: " + context);
            boolean untouched = before.get(job.id()).equals(jobState(redis, job));
            boolean inWip = !redis.cli("ZSCORE", "rq:wip:" + job.queue(), job.member()).isEmpty();
            String status = redis.cli("HGET", "rq:job:" + job.id(), "status");
            boolean whole = switch (action) {
                case "fail" -> !inWip && status.equals("failed")
                        && !redis.cli("ZSCORE", "rq:failed:" + job.queue(), job.id()).isEmpty();
                case "requeue" -> !inWip && status.equals("queued")
                        && redis.cli("LPOS", "rq:queue:" + job.queue(), job.id()).matches("\\d+");
                default -> !inWip && redis.cli("EXISTS", "rq:job:" + job.id()).equals("0");
            };
            assertTrue(untouched || whole, "half-done: " + context);
            if (untouched) {
                assertTrue(reported.containsKey(job.id()) || doc.get("skippedQueues").toString().contains(job.queue()),
                        "left alone without a word: " + context);
            }
        }
    }
}
