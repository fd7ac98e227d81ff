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
import io.rqsweeper.testing.SentinelServer;
import io.rqsweeper.testing.SyntheticJobs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The master found through real redis-sentinel processes, one of the given sentinel addresses dead; the sweep's
 * result checked with RQ's own API. {@code ServeIT} follows a failover.
 */
@QuarkusMainTest
class SentinelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER = "rqmaster";

    private static String deadSentinel() {
        return "127.0.0.1:" + Processes.freePort();
    }

    @Test
    void sweepFindsTheMasterPastADeadSentinelAndFailsTheJobAsRqWould(QuarkusMainLauncher launcher) throws Exception {
        RqInstall rq = RqInstall.latest();
        try (RedisServer master = RedisServer.start();
             RedisServer replica = RedisServer.startReplicaOf(master);
             SentinelServer sentinel = SentinelServer.monitor(master, MASTER, null)) {
            RqScenario scenario = new RqScenario(rq, master);
            RqScenario.Started job = scenario.abandonedJob("default", Map.of());

            // The URL's host and port are not used with --sentinel; its database is.
            LaunchResult r = launcher.launch("sweep", "--sentinel", deadSentinel() + "," + sentinel.address(),
                    "--master-name", MASTER, "--redis-url", "redis://not-this-host:1/0", "-o", "json", "--strict");
            assertEquals(0, r.exitCode(), evidence(r));
            JsonNode doc = JSON.readTree(r.getOutput());
            assertEquals("ok", doc.get("redis").asText(), evidence(r));
            assertEquals(1, doc.get("cleaned").asInt(), evidence(r));

            JsonNode view = scenario.view("default", job.id());
            assertEquals("failed", view.get("status").asText(), view.toString());
            assertTrue(view.get("in_failed").asBoolean(), view.toString());
            // The diagnostics go the same way.
            LaunchResult status = launcher.launch("status", "--sentinel", sentinel.address(), "--master-name", MASTER);
            assertEquals(0, status.exitCode(), evidence(status));
        }
    }

    @Test
    void theMastersPasswordComesFromTheUsualPlacesAndTheSentinelsOwnFromItsFile(QuarkusMainLauncher launcher)
            throws Exception {
        Path dir = Files.createTempDirectory("rq-sweeper-sentinel");
        Path sentinelPassword = dir.resolve("sentinel-password");
        Files.writeString(sentinelPassword, "sentinel-secret-5\n");
        Path masterPassword = dir.resolve("master-password");
        Files.writeString(masterPassword, "master-secret-6\n");
        try (RedisServer master = RedisServer.start("master-secret-6");
             SentinelServer sentinel = SentinelServer.monitor(master, MASTER, "sentinel-secret-5")) {
            SyntheticJobs.seed(master, 3, 1, "q", "behind-sentinel-");
            List<String> common = List.of("sweep", "--sentinel", sentinel.address(), "--master-name", MASTER,
                    "--password-file", masterPassword.toString(), "-o", "json");

            LaunchResult noSentinelPassword = launcher.launch(common.toArray(String[]::new));
            assertEquals(0, noSentinelPassword.exitCode(), evidence(noSentinelPassword));
            assertEquals("unavailable", JSON.readTree(noSentinelPassword.getOutput()).get("redis").asText());
            assertTrue(noSentinelPassword.getErrorOutput().contains("sentinel password"), evidence(noSentinelPassword));
            assertEquals("3", master.cli("ZCARD", "rq:wip:q1"), "nothing touched");

            List<String> withPassword = new java.util.ArrayList<>(common);
            withPassword.addAll(List.of("--sentinel-password-file", sentinelPassword.toString()));
            LaunchResult ok = launcher.launch(withPassword.toArray(String[]::new));
            assertEquals(0, ok.exitCode(), evidence(ok));
            assertEquals(3, JSON.readTree(ok.getOutput()).get("cleaned").asInt(), evidence(ok));
            assertEquals("0", master.cli("ZCARD", "rq:wip:q1"));
            for (LaunchResult r : List.of(noSentinelPassword, ok)) {
                assertFalse((r.getOutput() + r.getErrorOutput()).contains("secret"), evidence(r));
            }
        }
    }

    @Test
    void anUnknownMasterOrNoSentinelIsRedisUnavailable(QuarkusMainLauncher launcher) throws Exception {
        try (RedisServer master = RedisServer.start();
             SentinelServer sentinel = SentinelServer.monitor(master, MASTER, null)) {
            LaunchResult unknown = launcher.launch("sweep", "--sentinel", sentinel.address(), "--master-name", "nope",
                    "-o", "json");
            assertEquals(0, unknown.exitCode(), evidence(unknown));
            assertEquals("unavailable", JSON.readTree(unknown.getOutput()).get("redis").asText());
            assertTrue(unknown.getErrorOutput().contains("knows no master named 'nope'"), evidence(unknown));

            LaunchResult none = launcher.launch("sweep", "--sentinel", deadSentinel() + "," + deadSentinel(),
                    "--master-name", MASTER, "--strict", "--timeout", "2s");
            assertEquals(1, none.exitCode(), evidence(none));
            assertTrue(none.getErrorOutput().contains("master 'rqmaster' via sentinels"), evidence(none));
            assertFalse(none.getErrorOutput().contains("Exception"), evidence(none));
        }
    }
}
