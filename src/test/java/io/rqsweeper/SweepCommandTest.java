package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import io.rqsweeper.testing.RqInstall;
import io.rqsweeper.testing.RqScenario;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's contract: exit codes, stdout, stderr, the JSON shape. */
@QuarkusMainTest
class SweepCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void abandonedJobIsReportedInTextAndJson(QuarkusMainLauncher launcher) throws Exception {
        RqInstall rq = RqInstall.latest();
        try (RedisServer redis = RedisServer.start()) {
            RqScenario.Started job = new RqScenario(rq, redis).abandonedJob("default", Map.of());
            LaunchResult dry = launcher.launch("sweep", "--redis-url", redis.url(), "--dry-run");
            assertEquals(0, dry.exitCode(), evidence(dry));
            assertTrue(dry.getOutput().contains("Would clean stuck job " + job.id() + " on default (age "), evidence(dry));

            LaunchResult text = launcher.launch("sweep", "--redis-url", redis.url());
            assertEquals(0, text.exitCode(), evidence(text));
            List<String> lines = text.getOutputStream();
            assertEquals("Checking 1 started job(s) in 1 queue(s)...", lines.get(0), evidence(text));
            assertTrue(lines.get(1).matches("Cleaning stuck job " + job.id()
                    + " on default \\(age \\d+:\\d\\d:\\d\\d, heartbeat lapsed, worker gone\\) -> failed"), evidence(text));
            // The killed worker's registrations in rq:workers and rq:workers:default are pruned as RQ would.
            assertEquals("Removed 2 registration(s) of workers that are gone", lines.get(2), evidence(text));
            assertEquals("Cleaned 1 stuck job(s)", lines.get(3), evidence(text));

            LaunchResult json = launcher.launch("sweep", "--redis-url", redis.url(), "--output", "json");
            assertEquals(0, json.exitCode(), evidence(json));
            JsonNode doc = JSON.readTree(json.getOutput());
            assertEquals("ok", doc.get("redis").asText());
            assertEquals("fail", doc.get("action").asText());
            assertEquals(0, doc.get("checked").asInt());
            assertEquals(0, doc.get("stuck").asInt());
            assertTrue(doc.get("jobs").isArray());
        }
    }

    @Test
    void requeuedJobGoesBackOnItsQueueAndAWorkerFinishesIt(QuarkusMainLauncher launcher) throws Exception {
        RqInstall rq = RqInstall.latest();
        try (RedisServer redis = RedisServer.start()) {
            RqScenario scenario = new RqScenario(rq, redis);
            Path marker = Files.createTempDirectory("rq").resolve("marker");
            RqScenario.Started job = scenario.abandonedJob("default",
                    Map.of("func", "rqtasks.sleep_once", "args", List.of(marker.toString(), 300)));
            LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url(), "--action", "requeue", "-o", "json");
            assertEquals(0, r.exitCode(), evidence(r));
            JsonNode only = JSON.readTree(r.getOutput()).get("jobs").get(0);
            assertEquals("requeued", only.get("outcome").asText(), evidence(r));
            assertEquals("requeue", only.get("action").asText(), evidence(r));
            assertEquals("queued", scenario.view("default", job.id()).get("status").asText());
            scenario.drain("default");
            assertEquals("finished", scenario.view("default", job.id()).get("status").asText());
        }
    }

    @Test
    void jsonCarriesEveryFieldForAStuckJob(QuarkusMainLauncher launcher) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.cli("SADD", "rq:queues", "rq:queue:default");
            redis.cli("ZADD", "rq:wip:default", "1", "ghost");
            LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url(), "-o", "json");
            assertEquals(0, r.exitCode(), evidence(r));
            JsonNode doc = JSON.readTree(r.getOutput());
            assertEquals(1, doc.get("checked").asInt(), evidence(r));
            assertEquals(1, doc.get("stuck").asInt());
            assertEquals(1, doc.get("cleaned").asInt());
            assertEquals(0, doc.get("errors").asInt());
            assertFalse(doc.get("dryRun").asBoolean());
            JsonNode job = doc.get("jobs").get(0);
            assertEquals("ghost", job.get("id").asText());
            assertEquals("default", job.get("queue").asText());
            assertEquals("missing-hash", job.get("reason").asText());
            assertTrue(job.get("ageSeconds").isNull());
            assertEquals("removed", job.get("outcome").asText());
        }
    }

    @Test
    void unreachableRedisWarnsAndNeverBlocksADeploy(QuarkusMainLauncher launcher) throws Exception {
        String url = "redis://127.0.0.1:" + Processes.freePort() + "/0";
        LaunchResult text = launcher.launch("sweep", "--redis-url", url);
        assertEquals(0, text.exitCode(), evidence(text));
        assertTrue(text.getErrorOutput().contains("warning: Redis at " + url + " is unavailable"), evidence(text));
        assertFalse(text.getErrorOutput().contains("Exception"), evidence(text));

        LaunchResult json = launcher.launch("sweep", "--redis-url", url, "--output", "json");
        assertEquals(0, json.exitCode(), evidence(json));
        JsonNode doc = JSON.readTree(json.getOutput());
        assertEquals("unavailable", doc.get("redis").asText());
        assertEquals(0, doc.get("cleaned").asInt());

        LaunchResult strict = launcher.launch("sweep", "--redis-url", url, "--strict");
        assertEquals(1, strict.exitCode(), evidence(strict));
    }

    @Test
    void silentRedisTimesOutWithinTheTimeout(QuarkusMainLauncher launcher) throws Exception {
        // Accepts connections, never answers: a hung Redis or a black-holed network.
        try (ServerSocket silent = new ServerSocket(0)) {
            long start = System.nanoTime();
            LaunchResult r = launcher.launch("sweep", "--redis-url", "redis://127.0.0.1:" + silent.getLocalPort() + "/0",
                    "--timeout", "1s", "-o", "json");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, r.exitCode(), evidence(r));
            assertEquals("unavailable", JSON.readTree(r.getOutput()).get("redis").asText(), evidence(r));
            assertTrue(millis < 10_000, "took " + millis + " ms");
        }
    }

    @Test
    void wrongPasswordIsAClearErrorAndNeverShown(QuarkusMainLauncher launcher) {
        try (RedisServer redis = RedisServer.start("right-secret-7")) {
            String url = "redis://:wrong-secret-9@127.0.0.1:" + redis.port() + "/0";
            LaunchResult r = launcher.launch("sweep", "--redis-url", url, "--strict");
            assertEquals(1, r.exitCode(), evidence(r));
            assertTrue(r.getErrorOutput().contains("rejected the credentials"), evidence(r));
            assertFalse((r.getOutput() + r.getErrorOutput()).contains("wrong-secret-9"), evidence(r));

            LaunchResult ok = launcher.launch("sweep", "--redis-url", "redis://:right-secret-7@127.0.0.1:" + redis.port() + "/0");
            assertEquals(0, ok.exitCode(), evidence(ok));
            assertTrue(ok.getOutput().contains("No stuck jobs"), evidence(ok));
            assertFalse((ok.getOutput() + ok.getErrorOutput()).contains("right-secret-7"), evidence(ok));
        }
    }

    @Test
    void keysOfTheWrongTypeAreReportedNotThrown(QuarkusMainLauncher launcher) {
        try (RedisServer redis = RedisServer.start()) {
            redis.cli("SET", "rq:queues", "not-a-set");
            LaunchResult r = launcher.launch("sweep", "--redis-url", redis.url());
            assertEquals(0, r.exitCode(), evidence(r));
            assertTrue(r.getErrorOutput().contains("WRONGTYPE"), evidence(r));
            assertFalse(r.getErrorOutput().contains("\tat "), evidence(r));
            assertEquals(1, launcher.launch("sweep", "--redis-url", redis.url(), "--strict").exitCode());

            redis.cli("DEL", "rq:queues");
            redis.cli("SET", "rq:wip:broken", "x");
            LaunchResult q = launcher.launch("sweep", "--redis-url", redis.url(), "--queue", "broken", "--strict");
            assertEquals(1, q.exitCode(), evidence(q));
            assertTrue(q.getErrorOutput().contains("rq:wip:broken cannot be read"), evidence(q));
        }
    }

    @Test
    void usageErrorsExitTwoWithAShortMessage(QuarkusMainLauncher launcher) {
        for (List<String> args : List.of(
                List.of("sweep", "--bogus"),
                List.of("sweep", "--max-age", "ten"),
                List.of("sweep", "--redis-url", "http://localhost"),
                List.of("sweep", "--output", "yaml"),
                List.of("sweep", "--action", "explode"),
                List.of("sweep", "--rq-version", "banana"),
                List.of("swep"))) {
            assertUsageError(launcher, args);
        }
    }

    /** Exit 2, a pointer to --help, no stack trace: a usage error through the real application. */
    static void assertUsageError(QuarkusMainLauncher launcher, List<String> args) {
        LaunchResult r = launcher.launch(args.toArray(String[]::new));
        assertEquals(2, r.exitCode(), args + "\n" + evidence(r));
        assertTrue(r.getErrorOutput().contains("--help"), evidence(r));
        assertFalse(r.getErrorOutput().contains("\tat "), "stack trace: " + evidence(r));
    }

    @Test
    void helpListsExamplesAndExitCodes(QuarkusMainLauncher launcher) {
        LaunchResult r = launcher.launch("sweep", "--help");
        assertEquals(0, r.exitCode(), evidence(r));
        assertTrue(r.getOutput().contains("Examples:"), evidence(r));
        assertTrue(r.getOutput().contains("Exit codes:"), evidence(r));
    }

    static String evidence(LaunchResult r) {
        return "exit " + r.exitCode() + "\n--- stdout\n" + r.getOutput() + "\n--- stderr\n" + r.getErrorOutput();
    }
}
