package io.rqsweeper.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Produces RQ states with real workers and one Redis, as spec §9 describes. */
public final class RqScenario {
    private final RqInstall rq;
    private final RedisServer redis;

    public RqScenario(RqInstall rq, RedisServer redis) {
        this.rq = rq;
        this.redis = redis;
    }

    public RqInstall rq() {
        return rq;
    }

    /** A job started by a real worker that was then SIGKILLed with its horse, with the keys fast-forwarded. */
    public Started abandonedJob(String queue, Map<String, Object> enqueueArgs) {
        Started s = startedJob(queue, enqueueArgs);
        s.worker().killWithHorse();
        fastForward(s);
        return s;
    }

    /** A job a live worker is running now. The caller closes the worker. */
    public Started startedJob(String queue, Map<String, Object> enqueueArgs) {
        Map<String, Object> args = new HashMap<>(enqueueArgs);
        args.put("queue", queue);
        args.putIfAbsent("func", "rqtasks.sleeper");
        args.putIfAbsent("args", java.util.List.of(300));
        String id = rq.ctl(redis.url(), "enqueue", args).get("id").asText();
        RqWorker worker = RqWorker.start(rq, redis.url(), "w-" + UUID.randomUUID().toString().substring(0, 8), queue);
        Processes.await("job " + id + " started by " + rq + "\n" + worker.log(), 30_000,
                () -> "started".equals(redis.cli("HGET", "rq:job:" + id, "status")) && worker.horse().isPresent()
                        && !member(queue, id).isEmpty());
        return new Started(id, queue, member(queue, id), worker);
    }

    /** What Redis looks like ~90 s after the kill: entry lapsed, worker key and execution hash expired. */
    public void fastForward(Started s) {
        Processes.await("the killed worker's pub/sub connection to close", 10_000,
                () -> redis.cli("PUBSUB", "NUMSUB", "rq:pubsub:" + s.worker().name()).endsWith("0"));
        lapse(s);
        redis.cli("DEL", "rq:worker:" + s.worker().name());
        if (s.member().contains(":")) {
            redis.cli("DEL", "rq:execution:" + s.member());
        }
    }

    /** Runs a real burst worker on the queue until it has worked through it, as an operator's next deploy would. */
    public void drain(String queue) {
        try (RqWorker w = RqWorker.start(rq, redis.url(), "w-burst", queue, "--burst")) {
            w.waitFor();
        }
    }

    /** Moves the entry's score into the past, as if the heartbeat had lapsed. */
    public void lapse(Started s) {
        redis.cli("ZADD", "rq:wip:" + s.queue(), "XX", "1", s.member());
    }

    public String member(String queue, String id) {
        return Arrays.stream(redis.cli("ZRANGE", "rq:wip:" + queue, "0", "-1").split("\n"))
                .map(String::trim).filter(m -> m.equals(id) || m.startsWith(id + ":")).findFirst().orElse("");
    }

    public JsonNode view(String queue, String id) {
        return rq.ctl(redis.url(), "job_view", Map.of("queue", queue, "id", id));
    }

    /** A job started and killed, identified by its id and started-registry member. */
    public record Started(String id, String queue, String member, RqWorker worker) {
    }
}
