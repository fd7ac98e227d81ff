package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.rqsweeper.redis.RedisConnector;
import io.rqsweeper.redis.RedisSession;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.rq.RqReader;
import io.rqsweeper.rq.StartedEntry;
import io.rqsweeper.sweep.Assessment;
import io.rqsweeper.sweep.JobReport;
import io.rqsweeper.sweep.Outcome;
import io.rqsweeper.sweep.Reason;
import io.rqsweeper.sweep.SweepOptions;
import io.rqsweeper.sweep.SweepPolicy;
import io.rqsweeper.sweep.SweepReport;
import io.rqsweeper.sweep.SweepService;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.RqInstall;
import io.rqsweeper.testing.RqScenario;
import io.rqsweeper.testing.RqScenario.Started;
import io.rqsweeper.testing.RqWorker;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweep's semantics against real RQ workers of every selected version: workers are started, SIGKILLed,
 * and RQ's own API is asked what it sees afterwards.
 */
@QuarkusTest
class AbandonedJobsTest {
    static final String QUEUE = "default";
    static RedisServer redis;
    static RedisServer copy;

    @Inject
    SweepService service;

    @Inject
    RedisConnector connector;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
        copy = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        copy.close();
    }

    @BeforeEach
    void emptyRedis() {
        redis.flushAll();
        copy.flushAll();
    }

    static Stream<RqInstall> versions() {
        return RqInstall.selected().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void killedWorkersJobIsFailedAsRqWould(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Path marker = Files.createTempDirectory("rq").resolve("marker");
        Started job = scenario.abandonedJob(QUEUE, Map.of("func", "rqtasks.sleep_once", "args", List.of(marker.toString(), 300)));
        rq.ctl(redis.url(), "copy_all", Map.of("to", copy.url()));
        rq.ctl(copy.url(), "cleanup", Map.of("queue", QUEUE));

        SweepReport report = sweep(options(false, Duration.ofMinutes(10), false));

        JobReport j = only(report);
        assertEquals(Outcome.FAILED, j.outcome(), report.toString());
        assertEquals(List.of(Reason.HEARTBEAT_LAPSED, Reason.WORKER_GONE), j.reasons());
        assertEquals(1, report.cleaned());
        JsonNode ours = scenario.view(QUEUE, job.id());
        JsonNode rqs = new RqScenario(rq, copy).view(QUEUE, job.id());
        for (String field : List.of("status", "retries_left", "in_failed", "in_started", "in_queue", "in_finished")) {
            assertEquals(rqs.get(field), ours.get(field), field + ": ours " + ours + "\nRQ's " + rqs);
        }
        assertEquals("failed", ours.get("status").asText());
        assertTrue(ours.get("exc_info").asText().startsWith("Moved to FailedJobRegistry"), ours.toString());
        assertTrue(ours.get("exc_info").asText().contains("rq-sweeper"), ours.toString());
        if (rqs.has("latest_result")) {
            assertEquals(rqs.get("latest_result").isNull(), ours.get("latest_result").isNull(), ours + "\n" + rqs);
            if (!rqs.get("latest_result").isNull()) {
                assertEquals(rqs.get("latest_result").get("type"), ours.get("latest_result").get("type"));
            }
        }
        assertSameJobHash(rq, job.id());
        assertSameTtl("rq:job:" + job.id());
        assertEquals(copy.cli("ZRANGE", "rq:failed:" + QUEUE, "0", "-1"), redis.cli("ZRANGE", "rq:failed:" + QUEUE, "0", "-1"));
        assertEquals("", redis.cli("ZRANGE", "rq:wip:" + QUEUE, "0", "-1"));

        // RQ's own readers agree, and RQ's job.delete() finds no execution leftovers to trip over.
        JsonNode counts = rq.ctl(redis.url(), "counts", Map.of("queue", QUEUE));
        assertEquals(0, counts.get("started").asInt(), counts.toString());
        assertEquals(1, counts.get("failed").asInt(), counts.toString());
        Processes.run(List.of(rq.rq().toString(), "info", "-u", redis.url(), QUEUE), rq.env());
        rq.ctl(redis.url(), "copy_all", Map.of("to", copy.url()));
        rq.ctl(copy.url(), "delete_job", Map.of("id", job.id()));

        // RQ can take it from here: requeue from the failed registry, and a worker completes it.
        rq.ctl(redis.url(), "requeue_failed", Map.of("queue", QUEUE, "id", job.id()));
        scenario.drain(QUEUE);
        assertEquals("finished", scenario.view(QUEUE, job.id()).get("status").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void liveWorkersLongJobIsNeverTouched(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Path marker = Files.createTempDirectory("rq").resolve("marker");
        Started job = scenario.startedJob(QUEUE, Map.of("func", "rqtasks.sleep_once", "args", List.of(marker.toString(), 6)));
        try (RqWorker worker = job.worker()) {
            SweepReport zeroAge = sweep(options(false, Duration.ZERO, false));
            assertEquals(0, zeroAge.stuck(), zeroAge.toString());
            assertTrue(zeroAge.jobs().isEmpty(), zeroAge.toString());

            // Even with its heartbeat apparently lapsed, a job its worker still runs is left alone.
            scenario.lapse(job);
            SweepReport stalled = sweep(options(false, Duration.ZERO, false));
            JobReport j = only(stalled);
            assertEquals(Outcome.SKIPPED, j.outcome());
            assertEquals(Reason.WORKER_ALIVE, j.reason());
            assertEquals("started", scenario.view(QUEUE, job.id()).get("status").asText());

            Processes.await("the live worker to finish its job", 30_000,
                    () -> "finished".equals(redis.cli("HGET", "rq:job:" + job.id(), "status")));
            JsonNode view = scenario.view(QUEUE, job.id());
            assertTrue(view.get("in_finished").asBoolean(), view.toString());
            assertFalse(view.get("in_failed").asBoolean(), view.toString());
            assertTrue(worker.isAlive(), worker.log());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void retriesLeftAreHonouredAsRqDoes(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Path marker = Files.createTempDirectory("rq").resolve("marker");
        Started retried = scenario.abandonedJob(QUEUE, Map.of("func", "rqtasks.sleep_once",
                "args", List.of(marker.toString(), 300), "retry", 2));
        Path marker2 = Files.createTempDirectory("rq").resolve("marker");
        Started scheduled = scenario.abandonedJob("later", Map.of("func", "rqtasks.sleep_once",
                "args", List.of(marker2.toString(), 300), "retry", 2, "intervals", List.of(30, 60)));

        SweepReport report = sweep(options(false, Duration.ofMinutes(10), false));

        assertEquals(2, report.cleaned(), report.toString());
        JsonNode r = scenario.view(QUEUE, retried.id());
        assertEquals("queued", r.get("status").asText(), r.toString());
        assertEquals(1, r.get("retries_left").asInt());
        assertTrue(r.get("in_queue").asBoolean(), r.toString());
        assertFalse(r.get("in_failed").asBoolean() || r.get("in_started").asBoolean(), r.toString());
        JsonNode s = scenario.view("later", scheduled.id());
        assertEquals("scheduled", s.get("status").asText(), s.toString());
        assertEquals(1, s.get("retries_left").asInt());
        assertTrue(s.get("in_scheduled").asBoolean(), s.toString());

        scenario.drain(QUEUE);
        assertEquals("finished", scenario.view(QUEUE, retried.id()).get("status").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void danglingEntryIsRemovedWithoutRecreatingTheJob(RqInstall rq) {
        String bystander = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.quick")).get("id").asText();
        String member = rq.isV2() ? "gone-job:0123456789abcdef0123456789abcdef" : "gone-job";
        redis.cli("ZADD", "rq:wip:" + QUEUE, "1", member);

        SweepReport report = sweep(options(false, Duration.ofMinutes(10), false));

        JobReport j = only(report);
        assertEquals(Outcome.REMOVED, j.outcome());
        assertEquals(Reason.MISSING_HASH, j.reason());
        assertEquals("gone-job", j.id());
        assertEquals("0", redis.cli("EXISTS", "rq:job:gone-job"));
        assertEquals("", redis.cli("ZRANGE", "rq:wip:" + QUEUE, "0", "-1"));
        assertEquals("queued", new RqScenario(rq, redis).view(QUEUE, bystander).get("status").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void binaryPayloadsAreCarriedThroughAndMalformedJobsAreReported(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        Started job = scenario.abandonedJob(QUEUE, Map.of("meta_binary", true, "on_failure", true));
        Map<String, String> before = fields(rq, job.id());
        assertTrue(before.get("data").startsWith("eJ"), "data is zlib (78 9c): " + before.get("data"));
        // Neighbours that would crash a naive script: a job key of the wrong type, garbage timestamps.
        redis.cli("SET", "rq:job:not-a-hash", "x");
        redis.cli("ZADD", "rq:wip:" + QUEUE, "1", rq.isV2() ? "not-a-hash:0123456789abcdef0123456789abcdef" : "not-a-hash");
        redis.cli("HSET", "rq:job:garbage", "status", "started", "started_at", "yesterday-ish", "worker_name", "nobody");
        redis.cli("ZADD", "rq:wip:" + QUEUE, "1", "garbage");

        SweepReport report = sweep(options(false, Duration.ofMinutes(10), false));

        Map<String, JobReport> byId = new HashMap<>();
        report.jobs().forEach(r -> byId.put(r.id(), r));
        assertEquals(Outcome.FAILED, byId.get(job.id()).outcome(), report.toString());
        // RQ would call the failure callback; an outside tool cannot, and says so.
        assertTrue(byId.get(job.id()).notRun().contains("failure-callback:rqtasks.on_fail"), byId.get(job.id()).toString());
        assertEquals(Outcome.ERROR, byId.get("not-a-hash").outcome(), report.toString());
        assertTrue(byId.get("not-a-hash").detail().contains("WRONGTYPE"), byId.get("not-a-hash").detail());
        assertEquals(Outcome.FAILED, byId.get("garbage").outcome(), report.toString());
        assertNull(byId.get("garbage").ageSeconds());
        assertTrue(byId.get("garbage").detail().contains("unreadable"), byId.get("garbage").detail());
        assertEquals(1, report.errors());
        Map<String, String> after = fields(rq, job.id());
        assertEquals(before.get("data"), after.get("data"));
        assertEquals(before.get("meta"), after.get("meta"));
        JsonNode view = scenario.view(QUEUE, job.id());
        assertEquals("failed", view.get("status").asText());
        assertTrue(view.get("meta").asText().contains("caf"), view.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void dryRunChangesNothing(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        Started job = scenario.abandonedJob(QUEUE, Map.of("retry", 1));
        scenario.abandonedJob("other", Map.of());
        redis.cli("ZADD", "rq:wip:" + QUEUE, "1", "dangling");
        JsonNode before = rq.ctl(redis.url(), "dump_all", null);

        SweepReport report = sweep(options(true, Duration.ofMinutes(10), false));

        assertEquals(before, rq.ctl(redis.url(), "dump_all", null));
        assertEquals(3, report.stuck(), report.toString());
        assertEquals(0, report.cleaned());
        Map<String, Outcome> outcomes = new HashMap<>();
        report.jobs().forEach(r -> outcomes.put(r.id(), r.outcome()));
        assertEquals(Outcome.WOULD_RETRY, outcomes.get(job.id()));
        assertEquals(Outcome.WOULD_REMOVE, outcomes.get("dangling"));
        assertTrue(outcomes.containsValue(Outcome.WOULD_FAIL), outcomes.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void jobFinishingDuringTheSweepIsLeftAsItsWorkerLeftIt(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Path marker = Files.createTempDirectory("rq").resolve("marker");
        Started job = scenario.startedJob(QUEUE, Map.of("func", "rqtasks.sleep_once", "args", List.of(marker.toString(), 2)));
        SweepOptions forced = options(false, Duration.ZERO, true);
        try (RqWorker worker = job.worker(); RedisSession session = connector.open(RedisTarget.parse(redis.url()), Duration.ofSeconds(5))) {
            RqReader reader = new RqReader(session);
            StartedEntry entry = reader.scanStarted(QUEUE, "0", 10).entries().get(0);
            Assessment decided = service.assess(reader, QUEUE, entry, reader.now(), forced, new HashMap<>());
            assertTrue(decided.verdict().isStuck(), decided.toString());

            Processes.await("the worker to finish the job", 30_000,
                    () -> "finished".equals(redis.cli("HGET", "rq:job:" + job.id(), "status")));
            JobReport result = service.resolve(session, decided, forced);

            assertEquals(Outcome.SKIPPED, result.outcome(), result.toString());
            JsonNode view = scenario.view(QUEUE, job.id());
            assertEquals("finished", view.get("status").asText());
            assertTrue(view.get("in_finished").asBoolean(), view.toString());
            assertFalse(view.get("in_failed").asBoolean(), view.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void concurrentSweepersResolveEachJobExactlyOnce(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Started job = scenario.abandonedJob(QUEUE, Map.of());
        List<String> ids = new ArrayList<>();
        ids.add(job.id());
        rq.ctl(redis.url(), "clone_job", Map.of("id", job.id(), "queue", QUEUE, "member", job.member(), "count", 40))
                .get("ids").forEach(n -> ids.add(n.asText()));

        SweepOptions o = options(false, Duration.ofMinutes(10), false);
        CompletableFuture<SweepReport> a = CompletableFuture.supplyAsync(() -> sweep(o));
        CompletableFuture<SweepReport> b = CompletableFuture.supplyAsync(() -> sweep(o));
        SweepReport ra = a.get();
        SweepReport rb = b.get();

        assertEquals(ids.size(), ra.cleaned() + rb.cleaned(), ra + "\n" + rb);
        assertEquals(0, ra.errors() + rb.errors());
        assertEquals(Integer.toString(ids.size()), redis.cli("ZCARD", "rq:failed:" + QUEUE));
        assertEquals("0", redis.cli("ZCARD", "rq:wip:" + QUEUE));
        for (String id : ids) {
            assertEquals("failed", redis.cli("HGET", "rq:job:" + id, "status"));
            if (rq.isV2()) {
                assertEquals("1", redis.cli("XLEN", "rq:results:" + id), "one failure entry for " + id);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void jobsResolvedTogetherAreEachReCheckedOnTheirOwnFacts(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Started job = scenario.abandonedJob(QUEUE, Map.of());
        List<String> ids = new ArrayList<>();
        ids.add(job.id());
        rq.ctl(redis.url(), "clone_job", Map.of("id", job.id(), "queue", QUEUE, "member", job.member(), "count", 30))
                .get("ids").forEach(n -> ids.add(n.asText()));
        String suffix = job.member().substring(job.id().length());
        SweepOptions o = options(false, Duration.ofMinutes(10), false);
        try (RedisSession session = connector.open(RedisTarget.parse(redis.url()), Duration.ofSeconds(5))) {
            RqReader reader = new RqReader(session);
            List<Assessment> decided = new ArrayList<>();
            for (StartedEntry e : reader.scanStarted(QUEUE, "0", 1000).entries()) {
                decided.add(service.assess(reader, QUEUE, e, reader.now(), o, new HashMap<>()));
            }
            assertEquals(ids.size(), decided.size());
            decided.forEach(a -> assertTrue(a.verdict().isStuck(), a.toString()));

            // Between the decision and the change: one job is finished, another one's heartbeat moves.
            String finished = ids.get(3);
            String beating = ids.get(7);
            redis.cli("HSET", "rq:job:" + finished, "status", "finished");
            redis.cli("ZADD", "rq:wip:" + QUEUE, "XX", Long.toString(reader.now() + 600), beating + suffix);

            Map<String, Outcome> outcomes = new HashMap<>();
            service.resolve(session, decided, o).forEach(r -> outcomes.put(r.id(), r.outcome()));

            for (String id : ids) {
                Outcome expected = id.equals(finished) || id.equals(beating) ? Outcome.SKIPPED : Outcome.FAILED;
                assertEquals(expected, outcomes.get(id), id + " in " + outcomes);
            }
            assertEquals("finished", redis.cli("HGET", "rq:job:" + finished, "status"));
            JsonNode stillStarted = scenario.view(QUEUE, beating);
            assertEquals("started", stillStarted.get("status").asText(), stillStarted.toString());
            assertTrue(stillStarted.get("in_started").asBoolean(), stillStarted.toString());
            assertEquals(Integer.toString(ids.size() - 2), redis.cli("ZCARD", "rq:failed:" + QUEUE));
            JsonNode failed = scenario.view(QUEUE, ids.get(20));
            assertEquals("failed", failed.get("status").asText(), failed.toString());
            assertTrue(failed.get("in_failed").asBoolean(), failed.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void orphanedWorkHorseKeepsItsJobUntilItFinishes(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Path marker = Files.createTempDirectory("rq").resolve("marker");
        Started job = scenario.startedJob(QUEUE, Map.of("func", "rqtasks.sleep_once", "args", List.of(marker.toString(), 4)));
        ProcessHandle horse = job.worker().killMainOnly();
        try {
            redis.cli("DEL", "rq:worker:" + job.worker().name());
            scenario.lapse(job);

            SweepReport report = sweep(options(false, Duration.ZERO, false));

            JobReport j = only(report);
            assertEquals(Outcome.SKIPPED, j.outcome(), report.toString());
            assertEquals(Reason.HORSE_MAY_BE_RUNNING, j.reason());
            Processes.await("the orphaned horse to finish", 30_000,
                    () -> "finished".equals(redis.cli("HGET", "rq:job:" + job.id(), "status")));
            assertFalse(scenario.view(QUEUE, job.id()).get("in_failed").asBoolean());
        } finally {
            Processes.kill9(horse.pid());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void workerRestartedUnderTheSameNameDoesNotProtectTheOldJob(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        Started job = scenario.startedJob(QUEUE, Map.of());
        job.worker().killWithHorse();
        scenario.fastForward(job);
        try (RqWorker again = RqWorker.start(rq, redis.url(), job.worker().name(), "elsewhere")) {
            Processes.await("the restarted worker to register", 30_000,
                    () -> redis.cli("PUBSUB", "NUMSUB", "rq:pubsub:" + again.name()).endsWith("1")
                            && "1".equals(redis.cli("EXISTS", "rq:worker:" + again.name())));

            SweepReport report = sweep(options(false, Duration.ofMinutes(10), false));

            JobReport j = only(report);
            assertEquals(Outcome.FAILED, j.outcome(), report.toString());
            assertTrue(Set.of(Reason.WORKER_RESTARTED, Reason.WORKER_NOT_CLAIMING).contains(j.reasons().get(1)), j.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void dependentsAreHandledAsRqHandlesThem(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        Started parent = scenario.startedJob(QUEUE, Map.of());
        String tolerant = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.quick",
                "depends_on", parent.id(), "allow_failure", true)).get("id").asText();
        String strict = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.quick",
                "depends_on", parent.id())).get("id").asText();
        parent.worker().killWithHorse();
        scenario.fastForward(parent);
        rq.ctl(redis.url(), "copy_all", Map.of("to", copy.url()));
        rq.ctl(copy.url(), "cleanup", Map.of("queue", QUEUE));

        SweepReport report = sweep(options(false, Duration.ofMinutes(10), false));

        assertEquals(Outcome.FAILED, only(report).outcome(), report.toString());
        RqScenario rqsCopy = new RqScenario(rq, copy);
        for (String dependent : List.of(tolerant, strict)) {
            JsonNode ours = scenario.view(QUEUE, dependent);
            JsonNode rqs = rqsCopy.view(QUEUE, dependent);
            for (String field : List.of("status", "in_queue", "in_deferred")) {
                assertEquals(rqs.get(field), ours.get(field), dependent + " " + field + ": ours " + ours + "\nRQ's " + rqs);
            }
        }
        assertEquals("deferred", scenario.view(QUEUE, strict).get("status").asText());
        assertEquals(rq.isV2() ? "queued" : "deferred", scenario.view(QUEUE, tolerant).get("status").asText());
        assertEquals(new TreeSet<>(List.of(copy.cli("SMEMBERS", "rq:job:" + parent.id() + ":dependents").split("\n"))),
                new TreeSet<>(List.of(redis.cli("SMEMBERS", "rq:job:" + parent.id() + ":dependents").split("\n"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void coldShutdownsJobIsAbandonedByMaxAgeBeforeItsHeartbeatLapses(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        Started job = scenario.startedJob(QUEUE, Map.of());
        job.worker().coldShutdown();
        assertEquals("started", redis.cli("HGET", "rq:job:" + job.id(), "status"), job.worker().log());
        assertEquals("1", redis.cli("HEXISTS", "rq:worker:" + job.worker().name(), "death"), job.worker().log());

        SweepReport young = sweep(options(false, Duration.ofMinutes(10), false));
        assertTrue(young.jobs().isEmpty(), "heartbeat not lapsed, job younger than max age: " + young);

        SweepReport report = sweep(options(false, Duration.ZERO, false));

        JobReport j = only(report);
        assertEquals(Outcome.FAILED, j.outcome(), report.toString());
        assertEquals(List.of(Reason.MAX_AGE, Reason.WORKER_DEAD), j.reasons());
        assertEquals("failed", scenario.view(QUEUE, job.id()).get("status").asText());
    }

    private SweepReport sweep(SweepOptions options) {
        return service.sweep(RedisTarget.parse(redis.url()), Duration.ofSeconds(5), options);
    }

    static SweepOptions options(boolean dryRun, Duration maxAge, boolean force) {
        return SweepOptions.of(List.of(), new SweepPolicy(maxAge, Duration.ofSeconds(30), force),
                SweepOptions.Action.FAIL, dryRun, null);
    }

    private static JobReport only(SweepReport report) {
        assertEquals(1, report.jobs().size(), "expected exactly one reported job: " + report);
        return report.jobs().get(0);
    }

    private static Map<String, String> fields(RqInstall rq, String id) {
        Map<String, String> m = new HashMap<>();
        rq.ctl(redis.url(), "hgetall", Map.of("key", "rq:job:" + id)).fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    /**
     * Field by field against RQ's own cleanup of an identical copy. RQ re-saves the whole hash; the fields
     * it may legitimately write differently are its failure text and the bookkeeping it recomputes.
     */
    private void assertSameJobHash(RqInstall rq, String id) {
        Map<String, String> ours = fields(rq, id);
        Map<String, String> rqs = new HashMap<>();
        rq.ctl(copy.url(), "hgetall", Map.of("key", "rq:job:" + id)).fields().forEachRemaining(e -> rqs.put(e.getKey(), e.getValue().asText()));
        Set<String> names = new TreeSet<>(ours.keySet());
        names.addAll(rqs.keySet());
        List<String> differences = new ArrayList<>();
        for (String f : names) {
            if (f.equals("exc_info")) {
                assertEquals(rqs.containsKey(f), ours.containsKey(f), "exc_info present in one only");
                continue;
            }
            if (!java.util.Objects.equals(ours.get(f), rqs.get(f))) {
                differences.add(f + ": ours=" + ours.get(f) + " rq=" + rqs.get(f));
            }
        }
        assertTrue(differences.isEmpty(), "job hash differs from RQ's own cleanup:\n" + String.join("\n", differences));
    }

    private void assertSameTtl(String key) {
        long ours = Long.parseLong(redis.cli("TTL", key));
        long rqs = Long.parseLong(copy.cli("TTL", key));
        assertTrue(Math.abs(ours - rqs) < 60, key + " TTL ours " + ours + " vs RQ " + rqs);
    }
}
