package io.rqsweeper;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rqsweeper.SweepCommandTest.evidence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line contract of status, inspect and workers: exit codes, streams, messages. */
@QuarkusMainTest
class DiagnosticsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void unreachableRedisFollowsSweepsRuleAndCheckSaysItHasNoAnswer(QuarkusMainLauncher launcher) throws Exception {
        String url = "redis://127.0.0.1:" + Processes.freePort() + "/0";
        LaunchResult status = launcher.launch("status", "--redis-url", url);
        assertEquals(0, status.exitCode(), evidence(status));
        assertTrue(status.getErrorOutput().contains("rq-sweeper: warning: Redis at " + url + " is unavailable"), evidence(status));
        assertEquals("Redis unavailable: nothing checked", status.getOutput().trim(), evidence(status));

        LaunchResult check = launcher.launch("status", "--redis-url", url, "--check");
        assertEquals(3, check.exitCode(), evidence(check));
        for (List<String> command : List.of(List.of("inspect", "some-job"), List.of("workers"))) {
            List<String> args = new java.util.ArrayList<>(command);
            args.addAll(List.of("--redis-url", url));
            LaunchResult r = launcher.launch(args.toArray(String[]::new));
            assertEquals(3, r.exitCode(), args + "\n" + evidence(r));
            assertTrue(r.getErrorOutput().contains("is unavailable"), evidence(r));
            assertFalse(r.getErrorOutput().contains("\tat "), evidence(r));
        }
    }

    @Test
    void unknownJobIsAClearErrorExitOne(QuarkusMainLauncher launcher) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            LaunchResult unknown = launcher.launch("inspect", "no-such-job", "--redis-url", redis.url(), "-o", "json");
            assertEquals(1, unknown.exitCode(), evidence(unknown));
            assertTrue(unknown.getErrorOutput().contains("rq-sweeper: error: no job 'no-such-job' in Redis"), evidence(unknown));
            assertFalse(JSON.readTree(unknown.getOutput()).get("found").asBoolean(), evidence(unknown));
        }
    }

    @Test
    void usageErrorsExitTwoWithAShortMessage(QuarkusMainLauncher launcher) {
        for (List<String> args : List.of(
                List.of("status", "--check", "--watch", "2s"),
                List.of("inspect"),
                List.of("workers", "--output", "yaml"))) {
            SweepCommandTest.assertUsageError(launcher, args);
        }
    }

    @Test
    void helpOfEachCommandHasExamplesAndExitCodes(QuarkusMainLauncher launcher) {
        for (String command : List.of("status", "inspect", "workers")) {
            LaunchResult r = launcher.launch(command, "--help");
            assertEquals(0, r.exitCode(), evidence(r));
            assertTrue(r.getOutput().contains("Examples:"), evidence(r));
            assertTrue(r.getOutput().contains("kubectl exec deploy/rq-sweeper -- rq-sweeper " + command), evidence(r));
            assertTrue(r.getOutput().contains("Exit codes:"), evidence(r));
        }
    }
}
