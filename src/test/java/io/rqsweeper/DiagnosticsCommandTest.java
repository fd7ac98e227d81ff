package io.rqsweeper;

import com.fasterxml.jackson.databind.JsonNode;
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

        LaunchResult strict = launcher.launch("status", "--redis-url", url, "--strict", "-o", "json");
        assertEquals(1, strict.exitCode(), evidence(strict));
        assertEquals("unavailable", JSON.readTree(strict.getOutput()).get("redis").asText(), evidence(strict));

        LaunchResult check = launcher.launch("status", "--redis-url", url, "--check");
        assertEquals(3, check.exitCode(), evidence(check));
        for (List<String> args : List.of(List.of("inspect", "some-job"), List.of("workers"))) {
            LaunchResult r = launcher.launch(args.get(0), args.size() > 1 ? args.get(1) : "--output=text", "--redis-url", url);
            assertEquals(3, r.exitCode(), args + "\n" + evidence(r));
            assertTrue(r.getErrorOutput().contains("is unavailable"), evidence(r));
            assertFalse(r.getErrorOutput().contains("\tat "), evidence(r));
        }
    }

    @Test
    void unknownJobAndKeysOfTheWrongTypeAreClearErrors(QuarkusMainLauncher launcher) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            LaunchResult unknown = launcher.launch("inspect", "no-such-job", "--redis-url", redis.url(), "-o", "json");
            assertEquals(1, unknown.exitCode(), evidence(unknown));
            assertTrue(unknown.getErrorOutput().contains("no job 'no-such-job' in Redis"), evidence(unknown));
            assertFalse(JSON.readTree(unknown.getOutput()).get("found").asBoolean(), evidence(unknown));

            redis.cli("SET", "rq:job:odd", "not a hash");
            LaunchResult odd = launcher.launch("inspect", "odd", "--redis-url", redis.url());
            assertEquals(1, odd.exitCode(), evidence(odd));
            assertTrue(odd.getErrorOutput().contains("rq:job:odd is a string, not a hash"), evidence(odd));

            redis.cli("SET", "rq:wip:broken", "x");
            redis.cli("SET", "rq:workers", "x");
            LaunchResult check = launcher.launch("status", "--redis-url", redis.url(), "--queue", "broken", "--check");
            assertEquals(3, check.exitCode(), evidence(check));
            assertTrue(check.getErrorOutput().contains("rq:wip:broken cannot be read: WRONGTYPE"), evidence(check));
            assertTrue(check.getErrorOutput().contains("rq:workers cannot be read: WRONGTYPE"), evidence(check));
            for (LaunchResult r : List.of(unknown, odd, check)) {
                assertFalse(r.getErrorOutput().contains("\tat "), "stack trace: " + evidence(r));
            }
        }
    }

    @Test
    void usageErrorsExitTwoWithAShortMessage(QuarkusMainLauncher launcher) {
        for (List<String> args : List.of(
                List.of("status", "--watch", "0s"),
                List.of("status", "--check", "--watch", "2s"),
                List.of("status", "--max-age", "ten"),
                List.of("inspect"),
                List.of("workers", "--output", "yaml"))) {
            LaunchResult r = launcher.launch(args.toArray(String[]::new));
            assertEquals(2, r.exitCode(), args + "\n" + evidence(r));
            assertTrue(r.getErrorOutput().contains("--help"), evidence(r));
            assertFalse(r.getErrorOutput().contains("\tat "), "stack trace: " + evidence(r));
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
