package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.rqsweeper.backup.RestoreService;
import io.rqsweeper.redis.RedisTarget;
import io.rqsweeper.sweep.JobReport;
import io.rqsweeper.sweep.Outcome;
import io.rqsweeper.sweep.SweepOptions;
import io.rqsweeper.sweep.SweepOptions.Action;
import io.rqsweeper.sweep.SweepPolicy;
import io.rqsweeper.sweep.SweepReport;
import io.rqsweeper.sweep.SweepService;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.RqInstall;
import io.rqsweeper.testing.RqScenario;
import io.rqsweeper.testing.RqScenario.Started;
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
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The requeue and delete actions, backups and restore, against real RQ workers of every selected version. */
@QuarkusTest
class ActionsTest {
    static final String QUEUE = "default";
    static RedisServer redis;

    @Inject
    SweepService service;

    @Inject
    RestoreService restore;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void emptyRedis() {
        redis.flushAll();
    }

    static Stream<RqInstall> versions() {
        return RqInstall.selected().stream();
    }

    static Stream<RqInstall> versionsWithIntermediateLists() {
        return RqInstall.selected().stream().filter(RqInstall::isV2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void requeuedJobIsAFreshAttemptThatAWorkerCompletes(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Path marker = Files.createTempDirectory("rq").resolve("marker");
        Started job = scenario.abandonedJob(QUEUE, Map.of("func", "rqtasks.sleep_once", "args", List.of(marker.toString(), 300)));

        SweepReport report = sweep(options(Action.REQUEUE, false));

        JobReport j = only(report);
        assertEquals(Outcome.REQUEUED, j.outcome(), report.toString());
        assertTrue(j.keysChanged().contains("rq:job:" + job.id()), j.toString());
        JsonNode view = scenario.view(QUEUE, job.id());
        assertEquals("queued", view.get("status").asText(), view.toString());
        assertTrue(view.get("in_queue").asBoolean(), view.toString());
        for (String registry : List.of("in_started", "in_failed", "in_finished", "in_scheduled", "in_deferred")) {
            assertFalse(view.get(registry).asBoolean(), registry + ": " + view);
        }
        Map<String, String> fields = fields(rq, job.id());
        for (String blank : List.of("started_at", "ended_at", "worker_name")) {
            assertEquals("", fields.getOrDefault(blank, ""), blank + " not blanked: " + fields);
        }
        if (rq.isV2()) {
            assertEquals("0", redis.cli("EXISTS", "rq:execution:" + job.member()));
            assertEquals("", redis.cli("ZRANGE", "rq:executions:" + job.id(), "0", "-1"));
        }
        scenario.drain(QUEUE);
        assertEquals("finished", scenario.view(QUEUE, job.id()).get("status").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void deletedJobLeavesNoTraceAndBystandersAreUntouched(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        Started job = scenario.abandonedJob(QUEUE, Map.of());
        redis.cli("SET", "job_progress:" + job.id(), "42%");
        String bystander = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.quick")).get("id").asText();
        redis.cli("SET", "job_progress:" + bystander, "0%");
        JsonNode bystanderBefore = rq.ctl(redis.url(), "hgetall", Map.of("key", "rq:job:" + bystander));

        SweepReport report = sweep(new SweepOptions(List.of(), List.of(), policy(), Action.DELETE, false, null,
                List.of("job_progress:{id}"), false, null));

        JobReport j = only(report);
        assertEquals(Outcome.DELETED, j.outcome(), report.toString());
        assertTrue(j.keysChanged().contains("job_progress:" + job.id()), j.toString());
        assertEquals(0, rq.ctl(redis.url(), "trace", Map.of("id", job.id())).get("places").size(),
                rq.ctl(redis.url(), "trace", Map.of("id", job.id())).toString());
        assertFalse(scenario.view(QUEUE, job.id()).get("exists").asBoolean(), "Job.fetch must raise NoSuchJobError");
        assertEquals("0%", redis.cli("GET", "job_progress:" + bystander));
        assertEquals(bystanderBefore, rq.ctl(redis.url(), "hgetall", Map.of("key", "rq:job:" + bystander)));
        assertEquals("queued", scenario.view(QUEUE, bystander).get("status").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void deletingAParentReportsItsDependentsOrDeletesThemRecursively(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        Started parent = scenario.startedJob(QUEUE, Map.of());
        String child = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.quick",
                "depends_on", parent.id())).get("id").asText();
        String grandchild = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.quick",
                "depends_on", child)).get("id").asText();
        parent.worker().killWithHorse();
        scenario.fastForward(parent);

        SweepReport reported = sweep(options(Action.DELETE, false));

        JobReport p = only(reported);
        assertEquals(Outcome.DELETED, p.outcome(), reported.toString());
        assertEquals(List.of(child), p.dependents());
        assertEquals("deferred", scenario.view(QUEUE, child).get("status").asText());
        assertEquals(0, rq.ctl(redis.url(), "trace", Map.of("id", parent.id())).get("places").size(),
                rq.ctl(redis.url(), "trace", Map.of("id", parent.id())).toString());

        // Now the orphans themselves, with --delete-dependents: the child and, through it, the grandchild.
        redis.flushAll();
        Started parent2 = scenario.startedJob(QUEUE, Map.of());
        String child2 = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.quick",
                "depends_on", parent2.id())).get("id").asText();
        String grandchild2 = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.quick",
                "depends_on", child2)).get("id").asText();
        parent2.worker().killWithHorse();
        scenario.fastForward(parent2);

        SweepReport all = sweep(new SweepOptions(List.of(), List.of(), policy(), Action.DELETE, false, null, List.of(), true, null));

        assertEquals(3, all.cleaned(), all.toString());
        for (String id : List.of(parent2.id(), child2, grandchild2)) {
            assertEquals(0, rq.ctl(redis.url(), "trace", Map.of("id", id)).get("places").size(),
                    id + ": " + rq.ctl(redis.url(), "trace", Map.of("id", id)));
        }
        assertNotEquals(grandchild, grandchild2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void dryRunChangesNothingForAnyActionAndNamesTheKeys(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        Started job = scenario.abandonedJob(QUEUE, Map.of());
        redis.cli("SET", "job_progress:" + job.id(), "1");
        JsonNode before = rq.ctl(redis.url(), "dump_all", null);
        Map<Action, Outcome> expected = Map.of(Action.FAIL, Outcome.WOULD_FAIL, Action.REQUEUE, Outcome.WOULD_REQUEUE,
                Action.DELETE, Outcome.WOULD_DELETE);
        for (Action action : Action.values()) {
            SweepReport report = sweep(new SweepOptions(List.of(), List.of(), policy(), action, true, null,
                    action == Action.DELETE ? List.of("job_progress:{id}") : List.of(), false, null));
            JobReport j = only(report);
            assertEquals(expected.get(action), j.outcome(), report.toString());
            assertTrue(j.keysChanged().contains("rq:job:" + job.id()), j.toString());
            assertTrue(j.keysChanged().contains("rq:wip:" + QUEUE), j.toString());
            if (action == Action.DELETE) {
                assertTrue(j.keysChanged().contains("job_progress:" + job.id()), j.toString());
            }
            assertEquals(before, rq.ctl(redis.url(), "dump_all", null), action + " changed something in a dry run");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void backupAndRestoreUndoAFailAndADelete(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Started failed = scenario.abandonedJob("qa", Map.of("meta_binary", true));
        Started deleted = scenario.abandonedJob("qb", Map.of());
        redis.cli("SET", "job_progress:" + deleted.id(), "7%");
        JsonNode before = withoutWorkerRegistries(rq.ctl(redis.url(), "state_all", null));
        JsonNode failedView = scenario.view("qa", failed.id());
        Path backup = Files.createTempDirectory("rq-sweeper").resolve("backup.jsonl");

        SweepReport first = sweep(new SweepOptions(List.of("qa"), List.of(), policy(), Action.FAIL, false, null, List.of(), false, backup));
        SweepReport second = sweep(new SweepOptions(List.of("qb"), List.of(), policy(), Action.DELETE, false, null,
                List.of("job_progress:{id}"), false, backup));
        assertEquals(Outcome.FAILED, only(first).outcome(), first.toString());
        assertEquals(Outcome.DELETED, only(second).outcome(), second.toString());
        assertNotEquals(before, withoutWorkerRegistries(rq.ctl(redis.url(), "state_all", null)));

        List<RestoreService.Result> results = restore.restore(RedisTarget.parse(redis.url()), Duration.ofSeconds(5), backup, false, false);

        assertEquals(List.of("restored", "restored"), results.stream().map(RestoreService.Result::outcome).toList(), results.toString());
        assertEquals(before, withoutWorkerRegistries(rq.ctl(redis.url(), "state_all", null)));
        assertEquals(failedView, scenario.view("qa", failed.id()));
        assertEquals("started", scenario.view("qb", deleted.id()).get("status").asText());

        // A job that changed after the sweep is refused, unless --replace.
        Path second2 = Files.createTempDirectory("rq-sweeper").resolve("backup.jsonl");
        sweep(new SweepOptions(List.of("qa"), List.of(), policy(), Action.FAIL, false, null, List.of(), false, second2));
        rq.ctl(redis.url(), "requeue_failed", Map.of("queue", "qa", "id", failed.id()));
        List<RestoreService.Result> refused = restore.restore(RedisTarget.parse(redis.url()), Duration.ofSeconds(5), second2, false, false);
        assertEquals("refused", refused.get(0).outcome(), refused.toString());
        assertEquals("queued", scenario.view("qa", failed.id()).get("status").asText());
        List<RestoreService.Result> replaced = restore.restore(RedisTarget.parse(redis.url()), Duration.ofSeconds(5), second2, false, true);
        assertEquals("restored", replaced.get(0).outcome(), replaced.toString());
        assertEquals("started", scenario.view("qa", failed.id()).get("status").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void sweepersRacingWithDifferentActionsLeaveEachJobInOneConsistentState(RqInstall rq) throws Exception {
        RqScenario scenario = new RqScenario(rq, redis);
        Started job = scenario.abandonedJob(QUEUE, Map.of());
        List<String> ids = new ArrayList<>();
        ids.add(job.id());
        rq.ctl(redis.url(), "clone_job", Map.of("id", job.id(), "queue", QUEUE, "member", job.member(), "count", 40))
                .get("ids").forEach(n -> ids.add(n.asText()));

        List<CompletableFuture<SweepReport>> runs = new ArrayList<>();
        for (Action action : Action.values()) {
            runs.add(CompletableFuture.supplyAsync(() -> sweep(options(action, false))));
        }
        int cleaned = 0;
        for (CompletableFuture<SweepReport> run : runs) {
            SweepReport r = run.get();
            assertEquals(0, r.errors(), r.toString());
            cleaned += r.cleaned();
        }

        assertEquals(ids.size(), cleaned, "each job resolved exactly once");
        assertEquals("0", redis.cli("ZCARD", "rq:wip:" + QUEUE));
        for (String id : ids) {
            JsonNode v = scenario.view(QUEUE, id);
            if (!v.get("exists").asBoolean()) {
                assertEquals(0, rq.ctl(redis.url(), "trace", Map.of("id", id)).get("places").size(), id);
                continue;
            }
            String status = v.get("status").asText();
            assertTrue(status.equals("failed") && v.get("in_failed").asBoolean() && !v.get("in_queue").asBoolean()
                    || status.equals("queued") && v.get("in_queue").asBoolean() && !v.get("in_failed").asBoolean(), id + ": " + v);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versionsWithIntermediateLists")
    void idLeftInAnIntermediateListByADeadWorkerIsRequeued(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        String id = rq.ctl(redis.url(), "enqueue", Map.of("queue", QUEUE, "func", "rqtasks.quick")).get("id").asText();
        // What a single-queue worker killed between its pop (BLMOVE) and the job's start leaves behind.
        redis.cli("LMOVE", "rq:queue:" + QUEUE, "rq:queue:" + QUEUE + ":intermediate", "LEFT", "RIGHT");

        SweepReport report = sweep(SweepOptions.of(List.of(), policy(), null, false, null));

        JobReport j = only(report);
        assertEquals(Outcome.REQUEUED, j.outcome(), report.toString());
        assertEquals("", redis.cli("LRANGE", "rq:queue:" + QUEUE + ":intermediate", "0", "-1"));
        scenario.drain(QUEUE);
        assertEquals("finished", scenario.view(QUEUE, id).get("status").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("versions")
    void maintenanceLockIsReleasedAndSomeoneElsesIsNeverTouched(RqInstall rq) {
        RqScenario scenario = new RqScenario(rq, redis);
        scenario.abandonedJob("mine", Map.of());
        scenario.abandonedJob("theirs", Map.of());
        // RQ up to 1.15 keeps its own lock for 899 s after a worker's start-up maintenance: free ours, take theirs.
        redis.cli("DEL", "rq:clean_registries:mine");
        redis.cli("SET", "rq:clean_registries:theirs", "1", "EX", "899");

        SweepReport report = sweep(options(Action.FAIL, false));

        assertEquals(2, report.cleaned(), report.toString());
        assertEquals("0", redis.cli("EXISTS", "rq:clean_registries:mine"));
        assertEquals("1", redis.cli("GET", "rq:clean_registries:theirs"));
    }

    private SweepReport sweep(SweepOptions options) {
        return service.sweep(RedisTarget.parse(redis.url()), Duration.ofSeconds(5), options);
    }

    static SweepPolicy policy() {
        return new SweepPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), false);
    }

    static SweepOptions options(Action action, boolean dryRun) {
        return SweepOptions.of(List.of(), policy(), action, dryRun, null);
    }

    private static JobReport only(SweepReport report) {
        assertEquals(1, report.jobs().size(), "expected exactly one reported job: " + report);
        return report.jobs().get(0);
    }

    private static Map<String, String> fields(RqInstall rq, String id) {
        Map<String, String> m = new HashMap<>();
        rq.ctl(redis.url(), "hgetall", Map.of("key", "rq:job:" + id)).fields()
                .forEachRemaining(e -> m.put(e.getKey(), new String(java.util.Base64.getDecoder().decode(e.getValue().asText()))));
        return m;
    }

    /** Worker registrations of killed workers are pruned by a sweep and, like RQ's own pruning, not restored. */
    private static JsonNode withoutWorkerRegistries(JsonNode dump) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = dump.deepCopy();
        for (Iterator<String> it = dump.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (key.equals("rq:workers") || key.startsWith("rq:workers:")) {
                copy.remove(key);
            }
        }
        return copy;
    }
}
