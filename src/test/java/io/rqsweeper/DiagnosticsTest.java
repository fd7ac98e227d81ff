package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.rqsweeper.testing.Cli;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.RqInstall;
import io.rqsweeper.testing.RqScenario;
import io.rqsweeper.testing.RqScenario.Started;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * status, inspect and workers against one queue in every state, made by real RQ workers of each selected
 * version: two queued jobs, one a live worker runs, one a SIGKILLed worker abandoned, one failed, one finished,
 * one deferred, one scheduled and one canceled. Each version's world is built once and shared by the tests,
 * which only read it; the last test sweeps it.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiagnosticsTest {
    static final String QUEUE = "default";
    /** How long ago the abandoned job's heartbeat lapsed when the world is built. */
    static final long LAPSED_SECONDS = 252;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, World> WORLDS = new ConcurrentHashMap<>();

    @Inject
    CommandLine.IFactory factory;

    /** One Redis holding a queue in every state, and the live worker that keeps one job running. */
    record World(RqInstall rq, RedisServer redis, Started live, Started abandoned, List<String> queued, String failed,
                 String finished, String deferred, String scheduled, String canceled) {

        String url() {
            return redis.url();
        }

        static World of(RqInstall rq) {
            return WORLDS.computeIfAbsent(rq.version(), v -> build(rq));
        }

        private static World build(RqInstall rq) {
            RedisServer redis = RedisServer.start();
            RqScenario scenario = new RqScenario(rq, redis);
            JsonNode done = rq.ctl(redis.url(), "enqueue_many", Map.of("jobs", List.of(
                    Map.of("queue", QUEUE, "func", "rqtasks.quick"), Map.of("queue", QUEUE, "func", "rqtasks.boom"))));
            scenario.drain(QUEUE);
            // Both workers are started before either job is abandoned: a worker's start-up maintenance would
            // otherwise run RQ's own cleanup on it.
            Started abandoned = scenario.startedJob(QUEUE, Map.of("timeout", 900));
            Started live = scenario.startedJob(QUEUE, Map.of("timeout", 900));
            abandoned.worker().killWithHorse();
            Processes.await("the killed worker's pub/sub connection to close", 10_000,
                    () -> redis.cli("PUBSUB", "NUMSUB", "rq:pubsub:" + abandoned.worker().name()).endsWith("0"));
            // What Redis shows 252 s after the heartbeat lapsed: worker key and execution hash expired.
            redis.cli("ZADD", "rq:wip:" + QUEUE, "XX", Long.toString(redisTime(redis) - LAPSED_SECONDS), abandoned.member());
            redis.cli("DEL", "rq:worker:" + abandoned.worker().name());
            if (rq.isV2()) {
                redis.cli("DEL", "rq:execution:" + abandoned.member());
            }
            // The live worker is busy for 300 s, so these stay where RQ put them.
            JsonNode ids = rq.ctl(redis.url(), "enqueue_many", Map.of("jobs", List.of(
                    Map.of("queue", QUEUE, "func", "rqtasks.quick"),
                    Map.of("queue", QUEUE, "func", "rqtasks.quick"),
                    Map.of("queue", QUEUE, "func", "rqtasks.quick", "depends_on", live.id()),
                    Map.of("queue", QUEUE, "func", "rqtasks.quick", "in_seconds", 3600),
                    Map.of("queue", QUEUE, "func", "rqtasks.quick", "cancel", true)))).get("ids");
            // A ghost: the counters an orphaned work horse writes after its worker's key expired (no TTL).
            redis.cli("HSET", "rq:worker:ghost-horse", "successful_job_count", "1", "total_working_time", "2.5");
            return new World(rq, redis, live, abandoned, List.of(ids.get(0).asText(), ids.get(1).asText()),
                    done.get("ids").get(1).asText(), done.get("ids").get(0).asText(), ids.get(2).asText(),
                    ids.get(3).asText(), ids.get(4).asText());
        }

        void close() {
            live.worker().close();
            redis.close();
        }
    }

    static Stream<RqInstall> versions() {
        return RqInstall.selected().stream();
    }

    @AfterAll
    static void closeWorlds() {
        WORLDS.values().forEach(World::close);
        WORLDS.clear();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @Order(1)
    void everyJobStateIsCountedInTextAndJson(RqInstall rq) throws Exception {
        World w = World.of(rq);
        Cli.Result text = cli().run("status", "--redis-url", w.url());
        assertEquals(0, text.exitCode(), text.evidence());
        List<String> lines = text.lines();
        assertEquals("Suspended: no", lines.get(0), text.evidence());
        assertEquals(List.of("QUEUE", "QUEUED", "STARTED", "ABANDONED", "FAILED", "FINISHED", "DEFERRED", "SCHEDULED", "CANCELED"),
                List.of(lines.get(2).trim().split("\\s+")), text.evidence());
        assertEquals(List.of(QUEUE, "2", "2", "1", "1", "1", "1", "1", "1"), List.of(lines.get(3).trim().split("\\s+")),
                text.evidence());
        String liveRow = row(lines, w.live().worker().name());
        assertTrue(liveRow.matches(w.live().worker().name() + "\\s+default\\s+busy\\s+yes\\s+" + w.live().id() + "\\s+\\S+ ago"),
                text.evidence());
        assertTrue(row(lines, w.abandoned().worker().name()).matches("\\S+\\s+-\\s+-\\s+no \\(key gone\\)\\s+-\\s+-"), text.evidence());
        assertTrue(text.out().contains(QUEUE + ": " + w.abandoned().id()), text.evidence());

        Cli.Result json = cli().run("status", "--redis-url", w.url(), "--output", "json");
        assertEquals(0, json.exitCode(), json.evidence());
        JsonNode doc = JSON.readTree(json.out());
        assertEquals(Set.of("redis", "suspended", "queues", "workers"), names(doc), json.evidence());
        assertEquals("ok", doc.get("redis").asText());
        assertFalse(doc.get("suspended").asBoolean());
        JsonNode q = doc.get("queues").get(0);
        assertEquals(JSON.readTree("{\"name\":\"default\",\"queued\":2,\"started\":2,\"abandoned\":1,\"failed\":1,"
                + "\"finished\":1,\"deferred\":1,\"scheduled\":1,\"canceled\":1}"), q, json.evidence());
        assertEquals(2, doc.get("workers").size(), json.evidence());
        JsonNode live = worker(doc, w.live().worker().name());
        assertEquals(Set.of("name", "queues", "state", "alive", "currentJob", "lastHeartbeat"), names(live));
        assertEquals("[\"default\"]", live.get("queues").toString());
        assertEquals("busy", live.get("state").asText());
        assertTrue(live.get("alive").asBoolean(), json.evidence());
        assertEquals(w.live().id(), live.get("currentJob").asText());
        assertTrue(live.get("lastHeartbeat").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), json.evidence());
        JsonNode dead = worker(doc, w.abandoned().worker().name());
        assertFalse(dead.get("alive").asBoolean(), json.evidence());
        assertTrue(dead.get("currentJob").isNull());

        // The same rule and options as sweep: its dry run finds exactly what status counts.
        Cli.Result dry = cli().run("sweep", "--redis-url", w.url(), "--dry-run", "-o", "json");
        assertEquals(1, JSON.readTree(dry.out()).get("stuck").asInt(), dry.evidence());
        // A max age below the live job's age changes nothing: its worker is alive.
        Cli.Result maxAge = cli().run("status", "--redis-url", w.url(), "--max-age", "0", "-o", "json");
        assertEquals(1, JSON.readTree(maxAge.out()).get("queues").get(0).get("abandoned").asInt(), maxAge.evidence());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @Order(2)
    void inspectExplainsALiveAndAnAbandonedJob(RqInstall rq) throws Exception {
        World w = World.of(rq);
        String liveWorker = w.live().worker().name();
        Cli.Result live = cli().run("inspect", w.live().id(), "--redis-url", w.url());
        assertEquals(0, live.exitCode(), live.evidence());
        List<String> lines = live.lines();
        assertEquals("Job " + w.live().id(), lines.get(0));
        assertTrue(lines.get(1).matches("  live: worker " + liveWorker + " heartbeat \\d+s ago, claims it"), live.evidence());
        assertTrue(live.out().contains("Worker " + liveWorker + ": alive, claims this job"), live.evidence());
        assertTrue(live.out().contains("Dependents: " + w.deferred() + " (deferred)"), live.evidence());
        assertTrue(live.out().matches("(?s).*\n  data +<zlib-compressed, \\d+ bytes>\n.*"), live.evidence());

        Cli.Result liveJson = cli().run("inspect", w.live().id(), "--redis-url", w.url(), "-o", "json");
        JsonNode doc = JSON.readTree(liveJson.out());
        assertEquals("live", doc.get("verdict").asText(), liveJson.evidence());
        assertEquals(List.of("worker-alive"), texts(doc.get("verdicts").get(0).get("reasons")));
        assertTrue(doc.get("worker").get("alive").asBoolean());
        assertTrue(doc.get("worker").get("claimsJob").asBoolean());
        assertEquals(1, doc.get("worker").get("subscribers").asInt());
        JsonNode started = place(doc, "started");
        assertEquals(w.live().member(), started.get("member").asText());
        assertEquals("rq:wip:" + QUEUE, started.get("key").asText());
        assertEquals(rq.isV2() ? 1 : 0, doc.get("executions").size(), liveJson.evidence());
        if (rq.isV2()) {
            assertTrue(doc.get("executions").get(0).get("exists").asBoolean(), liveJson.evidence());
            assertEquals(w.live().member(), w.live().id() + ":" + doc.get("executions").get(0).get("id").asText());
        }
        assertEquals("zlib", field(doc, "data").get("type").asText());
        assertTrue(field(doc, "data").get("value").isNull());
        assertEquals("started", field(doc, "status").get("value").asText());

        String deadWorker = w.abandoned().worker().name();
        Cli.Result dead = cli().run("inspect", w.abandoned().id(), "--redis-url", w.url());
        assertEquals(0, dead.exitCode(), dead.evidence());
        assertTrue(dead.lines().get(1).matches("  abandoned: heartbeat lapsed (4m\\d\\ds|5m(\\d\\d?s)?) ago, worker "
                + deadWorker + " gone; sweep would fail it"), dead.evidence());
        assertTrue(dead.out().contains("Worker " + deadWorker + ": not alive (key gone), does not claim this job"), dead.evidence());
        JsonNode d = JSON.readTree(cli().run("inspect", w.abandoned().id(), "--redis-url", w.url(), "-o", "json").out());
        assertEquals("abandoned", d.get("verdict").asText());
        assertEquals(List.of("heartbeat-lapsed", "worker-gone"), texts(d.get("verdicts").get(0).get("reasons")));
        assertFalse(d.get("worker").get("keyExists").asBoolean());
        assertTrue(d.get("worker").get("registered").asBoolean(), d.toString());
        if (rq.isV2()) {
            // The execution's hash expired with its heartbeat; the member still names it.
            assertFalse(d.get("executions").get(0).get("exists").asBoolean(), d.toString());
        }

        JsonNode deferred = JSON.readTree(cli().run("inspect", w.deferred(), "--redis-url", w.url(), "-o", "json").out());
        assertEquals("waiting", deferred.get("verdict").asText(), deferred.toString());
        assertEquals(w.live().id(), deferred.get("dependencies").get(0).get("id").asText(), deferred.toString());
        assertEquals("started", deferred.get("dependencies").get(0).get("status").asText());
        assertEquals("deferred", place(deferred, "deferred").get("kind").asText());
        JsonNode queued = JSON.readTree(cli().run("inspect", w.queued().get(1), "--redis-url", w.url(), "-o", "json").out());
        assertEquals(1, place(queued, "queue").get("position").asInt(), queued.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @Order(3)
    void workersListsLiveDeadAndGhostWorkers(RqInstall rq) throws Exception {
        World w = World.of(rq);
        Cli.Result json = cli().run("workers", "--redis-url", w.url(), "-o", "json");
        assertEquals(0, json.exitCode(), json.evidence());
        JsonNode doc = JSON.readTree(json.out());
        JsonNode live = worker(doc, w.live().worker().name());
        assertTrue(live.get("alive").asBoolean(), json.evidence());
        assertEquals(1, live.get("subscribers").asInt());
        assertTrue(live.get("ttlSeconds").asLong() > 0, json.evidence());
        assertTrue(live.get("registered").asBoolean());
        assertEquals(w.live().id(), live.get("currentJob").asText());
        assertNotNull(live.get("birth").textValue());
        assertNotNull(live.get("lastHeartbeat").textValue());
        assertEquals("[]", live.get("ghost").toString());
        JsonNode dead = worker(doc, w.abandoned().worker().name());
        assertFalse(dead.get("alive").asBoolean());
        assertEquals("[\"no-key\"]", dead.get("ghost").toString(), json.evidence());
        JsonNode ghost = worker(doc, "ghost-horse");
        assertEquals(-1, ghost.get("ttlSeconds").asInt());
        assertFalse(ghost.get("registered").asBoolean());
        assertEquals("[\"no-ttl\"]", ghost.get("ghost").toString(), json.evidence());

        Cli.Result text = cli().run("workers", "--redis-url", w.url());
        assertEquals(0, text.exitCode(), text.evidence());
        assertTrue(row(text.lines(), "ghost-horse").endsWith("ghost: key has no TTL; not in rq:workers"), text.evidence());
        assertTrue(row(text.lines(), w.abandoned().worker().name()).endsWith("ghost: listed in rq:workers without a key"),
                text.evidence());
        assertTrue(row(text.lines(), w.live().worker().name())
                .matches("\\S+\\s+yes\\s+busy\\s+default\\s+1\\s+\\S+\\s+\\S+ ago\\s+\\S+ ago\\s+" + w.live().id() + "\\s+-"), text.evidence());
    }

    /**
     * Nothing the three commands do changes Redis: a dump of every key before and after is the same, apart from
     * what the live worker writes meanwhile (its heartbeats). And they work for a Redis user that may not write.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @Order(4)
    void diagnosticsNeverWriteToRedis(RqInstall rq) {
        World w = World.of(rq);
        JsonNode before = rq.ctl(w.url(), "state_all", null);
        List<List<String>> commands = new ArrayList<>();
        for (String output : List.of("text", "json")) {
            commands.add(List.of("status", "-o", output));
            commands.add(List.of("workers", "-o", output));
            for (String id : List.of(w.live().id(), w.abandoned().id(), w.deferred(), w.canceled(), w.failed(), "no-such-job")) {
                commands.add(List.of("inspect", id, "-o", output));
            }
        }
        commands.add(List.of("status", "--check"));
        for (List<String> c : commands) {
            List<String> args = new ArrayList<>(c);
            args.addAll(List.of("--redis-url", w.url()));
            Cli.Result r = cli().run(args.toArray(String[]::new));
            assertTrue(r.exitCode() <= 1, c + "\n" + r.evidence());
        }
        JsonNode after = rq.ctl(w.url(), "state_all", null);
        assertEquals(withoutLiveWorkerWrites(withoutExpired(before, after), w), withoutLiveWorkerWrites(after, w));

        // A user that may read everything but write nothing and run no script gets the same answers.
        w.redis().cli("ACL", "SETUSER", "reader", "on", ">reader-pass-3", "~*", "&*", "+@all", "-@write", "-@scripting");
        String readOnly = "redis://reader:reader-pass-3@127.0.0.1:" + w.redis().port() + "/0";
        for (List<String> c : List.of(List.of("status", "--strict"), List.of("workers"), List.of("inspect", w.abandoned().id()))) {
            List<String> args = new ArrayList<>(c);
            args.addAll(List.of("--redis-url", readOnly));
            Cli.Result r = cli().run(args.toArray(String[]::new));
            assertEquals(0, r.exitCode(), c + "\n" + r.evidence());
            assertEquals("", r.err(), c + "\n" + r.evidence());
        }
        // The user really cannot write: sweep, which must, is refused.
        Cli.Result sweep = cli().run("sweep", "--redis-url", readOnly, "--strict");
        assertEquals(1, sweep.exitCode(), sweep.evidence());
        assertTrue(sweep.err().contains("NOPERM"), sweep.evidence());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    @Order(5)
    void checkFailsUntilTheSweepHasRun(RqInstall rq) throws Exception {
        World w = World.of(rq);
        Cli.Result before = cli().run("status", "--redis-url", w.url(), "--check");
        assertEquals(1, before.exitCode(), before.evidence());

        Cli.Result sweep = cli().run("sweep", "--redis-url", w.url());
        assertEquals(0, sweep.exitCode(), sweep.evidence());
        assertTrue(sweep.out().contains("Cleaned 1 stuck job(s)"), sweep.evidence());

        Cli.Result after = cli().run("status", "--redis-url", w.url(), "--check", "-o", "json");
        assertEquals(0, after.exitCode(), after.evidence());
        JsonNode q = JSON.readTree(after.out()).get("queues").get(0);
        assertEquals(0, q.get("abandoned").asInt(), after.evidence());
        assertEquals(1, q.get("started").asInt(), after.evidence());
        assertEquals(2, q.get("failed").asInt(), after.evidence());
        assertEquals("failed", new RqScenario(rq, w.redis()).view(QUEUE, w.abandoned().id()).get("status").asText());
        Cli.Result inspect = cli().run("inspect", w.abandoned().id(), "--redis-url", w.url());
        assertTrue(inspect.lines().get(1).startsWith("  ended: failed"), inspect.evidence());
    }

    @org.junit.jupiter.api.Test
    @Order(6)
    void danglingEntriesAndIdsLeftBeforeStartAreAbandonedAsSweepJudgesThem() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            long now = redisTime(redis);
            redis.cli("SADD", "rq:queues", "rq:queue:" + QUEUE);
            redis.cli("ZADD", "rq:wip:" + QUEUE, Long.toString(now - 100), "gone-1");
            redis.cli("ZADD", "rq:wip:" + QUEUE, Long.toString(now - 100), "gone-2:0123456789abcdef0123456789abcdef");
            // Popped by a worker that died before starting it (RQ 1.15+), and no live worker listens on the queue.
            redis.cli("HSET", "rq:job:popped", "status", "queued", "origin", QUEUE, "description", "rqtasks.quick()");
            redis.cli("RPUSH", "rq:queue:" + QUEUE + ":intermediate", "popped");

            JsonNode status = JSON.readTree(cli().run("status", "--redis-url", redis.url(), "-o", "json").out());
            JsonNode q = status.get("queues").get(0);
            assertEquals(2, q.get("started").asInt(), status.toString());
            assertEquals(3, q.get("abandoned").asInt(), status.toString());
            Cli.Result dry = cli().run("sweep", "--redis-url", redis.url(), "--dry-run", "-o", "json");
            assertEquals(3, JSON.readTree(dry.out()).get("stuck").asInt(), dry.evidence());

            Cli.Result bare = cli().run("inspect", "gone-1", "--redis-url", redis.url());
            assertEquals(0, bare.exitCode(), bare.evidence());
            assertEquals("  dangling: rq:job:gone-1 is gone but rq:wip:default still lists gone-1; sweep would remove the entry",
                    bare.lines().get(1), bare.evidence());
            assertTrue(bare.out().contains("Fields of rq:job:gone-1: the key does not exist"), bare.evidence());
            JsonNode composite = JSON.readTree(cli().run("inspect", "gone-2", "--redis-url", redis.url(), "-o", "json").out());
            assertEquals("dangling", composite.get("verdict").asText(), composite.toString());
            assertEquals(List.of("missing-hash"), texts(composite.get("verdicts").get(0).get("reasons")));
            assertEquals("gone-2:0123456789abcdef0123456789abcdef", place(composite, "started").get("member").asText());
            assertEquals("none", composite.get("keyType").asText());
            assertFalse(composite.get("executions").get(0).get("exists").asBoolean(), composite.toString());
            Cli.Result popped = cli().run("inspect", "popped", "--redis-url", redis.url());
            assertEquals("  abandoned: popped from default by a worker that never started it, and no live worker listens on "
                    + "default; sweep would requeue it", popped.lines().get(1), popped.evidence());
        }
    }

    @org.junit.jupiter.api.Test
    @Order(7)
    void binaryValuesAreShownAsTypeAndSizeNeverDecoded() throws Exception {
        RqInstall rq = RqInstall.latest();
        try (RedisServer redis = RedisServer.start()) {
            String id = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.sleeper",
                    "args", List.of("bytes:\u00ff\u00fe\u0000"), "meta_binary", true)).get("id").asText();
            // Values no RQ writes but a broken client might: bytes that are not UTF-8, and a terminal escape.
            rq.ctl(redis.url(), "hset_b64", Map.of("key", "rq:job:" + id, "fields", Map.of(
                    "note", Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe, 'x'}),
                    "colour", Base64.getEncoder().encodeToString("\u001b[31mred".getBytes()))));

            Cli.Result text = cli().run("inspect", id, "--redis-url", redis.url());
            assertEquals(0, text.exitCode(), text.evidence());
            assertTrue(text.out().matches("(?s).*\n  data +<zlib-compressed, \\d+ bytes>\n.*"), text.evidence());
            assertTrue(text.out().matches("(?s).*\n  meta +<pickled, \\d+ bytes>\n.*"), text.evidence());
            assertTrue(text.out().contains("\n  note  ") && text.out().contains("<binary, 3 bytes>"), text.evidence());
            assertTrue(text.out().contains("<binary, 8 bytes>"), text.evidence());
            assertFalse(text.out().contains("\u001b"), "a terminal escape reached stdout: " + text.evidence());
            assertTrue(text.lines().get(1).startsWith("  waiting: queued, position 0 in rq:queue:default"), text.evidence());

            JsonNode doc = JSON.readTree(cli().run("inspect", id, "--redis-url", redis.url(), "-o", "json").out());
            assertEquals("zlib", field(doc, "data").get("type").asText());
            assertEquals("pickle", field(doc, "meta").get("type").asText());
            assertEquals("binary", field(doc, "note").get("type").asText());
            assertEquals(3, field(doc, "note").get("size").asInt());
            assertTrue(field(doc, "meta").get("value").isNull());
            assertEquals("queued", field(doc, "status").get("value").asText());
            // RQ still reads the job as it was: nothing was decoded, nothing written back.
            assertTrue(new RqScenario(rq, redis).view(QUEUE, id).get("meta").asText().contains("caf"));
        }
    }

    @org.junit.jupiter.api.Test
    @Order(8)
    void rqSuspendIsShown() throws Exception {
        RqInstall rq = RqInstall.latest();
        try (RedisServer redis = RedisServer.start()) {
            Processes.run(List.of(rq.rq().toString(), "suspend", "-u", redis.url(), "--duration", "300"), rq.env());
            Cli.Result text = cli().run("status", "--redis-url", redis.url());
            assertTrue(text.lines().get(0).matches("Suspended: YES \\(rq suspend\\): workers take no new jobs and run no "
                    + "maintenance; lifts by itself in (5m|4m\\d\\ds)"), text.evidence());
            JsonNode doc = JSON.readTree(cli().run("status", "--redis-url", redis.url(), "-o", "json").out());
            assertTrue(doc.get("suspended").asBoolean(), doc.toString());
            Processes.run(List.of(rq.rq().toString(), "resume", "-u", redis.url()), rq.env());
            assertEquals("Suspended: no", cli().run("status", "--redis-url", redis.url()).lines().get(0));
        }
    }

    @org.junit.jupiter.api.Test
    @Order(9)
    void keysOfTheWrongTypeAndBadOptionsAreClearErrors() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.cli("SET", "rq:job:odd", "not a hash");
            Cli.Result odd = cli().run("inspect", "odd", "--redis-url", redis.url());
            assertEquals(1, odd.exitCode(), odd.evidence());
            assertTrue(odd.err().contains("rq:job:odd is a string, not a hash"), odd.evidence());

            redis.cli("SET", "rq:wip:broken", "x");
            redis.cli("SET", "rq:workers", "x");
            Cli.Result check = cli().run("status", "--redis-url", redis.url(), "--queue", "broken", "--check");
            assertEquals(3, check.exitCode(), check.evidence());
            assertTrue(check.err().contains("rq:wip:broken cannot be read: WRONGTYPE"), check.evidence());
            assertTrue(check.err().contains("rq:workers cannot be read: WRONGTYPE"), check.evidence());
            Cli.Result plain = cli().run("status", "--redis-url", redis.url(), "--queue", "broken", "-o", "json");
            assertEquals(0, plain.exitCode(), plain.evidence());
            assertTrue(JSON.readTree(plain.out()).get("queues").get(0).get("abandoned").isNull(), plain.evidence());
            assertEquals(1, cli().run("status", "--redis-url", redis.url(), "--queue", "broken", "--strict").exitCode());
            Cli.Result workers = cli().run("workers", "--redis-url", redis.url());
            assertEquals(0, workers.exitCode(), workers.evidence());
            assertTrue(workers.err().contains("rq:workers cannot be read: WRONGTYPE"), workers.evidence());
            // A read refused outside the per-key handling (here: a user without TIME) leaves the check unanswered.
            redis.cli("ACL", "SETUSER", "clockless", "on", ">clockless-pass-4", "~*", "&*", "+@all", "-time");
            String clockless = "redis://clockless:clockless-pass-4@127.0.0.1:" + redis.port() + "/0";
            Cli.Result refused = cli().run("status", "--redis-url", clockless, "--check");
            assertEquals(3, refused.exitCode(), refused.evidence());
            assertTrue(refused.err().contains("NOPERM"), refused.evidence());
            Cli.Result inspect = cli().run("inspect", "odd", "--redis-url", clockless);
            assertEquals(3, inspect.exitCode(), inspect.evidence());
            for (Cli.Result r : List.of(odd, check, plain, workers, refused, inspect)) {
                assertFalse(r.err().contains("\tat "), "stack trace: " + r.evidence());
            }
        }
        String unreachable = "redis://127.0.0.1:" + Processes.freePort() + "/0";
        Cli.Result strict = cli().run("status", "--redis-url", unreachable, "--strict", "-o", "json");
        assertEquals(1, strict.exitCode(), strict.evidence());
        assertEquals("unavailable", JSON.readTree(strict.out()).get("redis").asText(), strict.evidence());
        for (List<String> args : List.of(List.of("status", "--watch", "0s"), List.of("status", "--max-age", "ten"),
                List.of("inspect", ""), List.of("status", "--margin", "soon"))) {
            Cli.Result r = cli().run(args);
            assertEquals(2, r.exitCode(), args + "\n" + r.evidence());
            assertTrue(r.err().contains("--help"), r.evidence());
        }
    }

    /**
     * The state minus what a live worker writes by itself: its worker hash, its job's heartbeat field, its
     * started-registry score and (RQ 2.x) its execution hash and execution set.
     */
    Cli cli() {
        return new Cli(factory);
    }

    static JsonNode withoutLiveWorkerWrites(JsonNode state, World w) {
        ObjectNode copy = state.deepCopy();
        String id = w.live().id();
        copy.remove(List.of("rq:worker:" + w.live().worker().name(), "rq:execution:" + w.live().member(), "rq:executions:" + id));
        ObjectNode job = (ObjectNode) copy.get("rq:job:" + id);
        ArrayNode fields = (ArrayNode) job.get("value");
        for (Iterator<JsonNode> it = fields.elements(); it.hasNext(); ) {
            String name = new String(Base64.getDecoder().decode(it.next().get(0).asText()));
            if (name.equals("last_heartbeat")) {
                it.remove();
            }
        }
        ArrayNode wip = (ArrayNode) copy.get("rq:wip:" + QUEUE).get("value");
        String member = Base64.getEncoder().encodeToString(w.live().member().getBytes());
        for (JsonNode entry : wip) {
            if (entry.get(0).asText().equals(member)) {
                ((ArrayNode) entry).set(1, 0);
            }
        }
        return copy;
    }

    /**
     * The state without the keys that expired meanwhile (a cleanly exited worker's key, an RQ 2.x execution set):
     * Redis removed them, nobody wrote. A key with a TTL that is still there is compared in full.
     */
    static JsonNode withoutExpired(JsonNode before, JsonNode after) {
        ObjectNode copy = before.deepCopy();
        before.fieldNames().forEachRemaining(key -> {
            if (before.get(key).get("hasTtl").asBoolean() && !after.has(key)) {
                copy.remove(key);
            }
        });
        return copy;
    }

    static long redisTime(RedisServer redis) {
        return Long.parseLong(redis.cli("TIME").split("\n")[0].trim());
    }

    static String row(List<String> lines, String first) {
        return lines.stream().filter(l -> l.startsWith(first + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + first + " in\n" + String.join("\n", lines)));
    }

    static JsonNode worker(JsonNode doc, String name) {
        for (JsonNode w : doc.get("workers")) {
            if (w.get("name").asText().equals(name)) {
                return w;
            }
        }
        throw new AssertionError("no worker " + name + " in " + doc);
    }

    static JsonNode place(JsonNode doc, String kind) {
        for (JsonNode p : doc.get("places")) {
            if (p.get("kind").asText().equals(kind)) {
                return p;
            }
        }
        throw new AssertionError("not listed as " + kind + ": " + doc);
    }

    static JsonNode field(JsonNode doc, String name) {
        for (JsonNode f : doc.get("fields")) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name + ": " + doc);
    }

    static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
