package io.rqsweeper;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rqsweeper.testing.PackagedApplication;
import io.rqsweeper.testing.Processes;
import io.rqsweeper.testing.RedisServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only a real process shows: the environment, the port, the streams. Runs the packaged application that the
 * last build made (the jar, or the native executable after {@code -Dnative}), as the Quarkus twins do.
 */
class PackagedProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(int exitCode, String stdout, String stderr) {
        String evidence() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(PackagedApplication.command());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("RQ_") || k.startsWith("QUARKUS_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "did not exit: " + cmd);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void passwordFromTheEnvironmentWinsAndIsNeverPrinted() throws Exception {
        try (RedisServer redis = RedisServer.start("env-secret-5")) {
            Result r = run(Map.of("RQ_SWEEPER_REDIS_PASSWORD", "env-secret-5"),
                    "sweep", "--redis-url", "redis://:url-secret-6@127.0.0.1:" + redis.port() + "/0", "--strict");
            assertEquals(0, r.exitCode(), r.evidence());
            assertTrue(r.stdout().contains("No stuck jobs"), r.evidence());
            assertFalse((r.stdout() + r.stderr()).contains("secret"), r.evidence());
        }
    }

    @Test
    void urlComesFromRqsOwnVariableWhenNothingElseIsSet() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            redis.cli("SADD", "rq:queues", "rq:queue:from-env");
            Result r = run(Map.of("RQ_REDIS_URL", redis.url()), "sweep", "--output", "json");
            assertEquals(0, r.exitCode(), r.evidence());
            assertEquals("ok", JSON.readTree(r.stdout()).get("redis").asText(), r.evidence());
            assertEquals(1, JSON.readTree(r.stdout()).get("queues").asInt(), r.evidence());
        }
    }

    @Test
    void oneShotSweepBindsNoPortEvenWhenServeConfigIsPresent() throws Exception {
        try (RedisServer redis = RedisServer.start(); ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> env = new HashMap<>();
            env.put("QUARKUS_HTTP_HOST_ENABLED", "true");
            env.put("QUARKUS_HTTP_PORT", Integer.toString(taken.getLocalPort()));
            Result r = run(env, "sweep", "--redis-url", redis.url(), "--output", "json");
            assertEquals(0, r.exitCode(), r.evidence());
            // stdout is exactly one JSON document: no banner, no log line.
            assertEquals("ok", JSON.readTree(r.stdout()).get("redis").asText(), r.evidence());
            assertEquals(1, r.stdout().strip().lines().count(), r.evidence());
        }
    }

    @Test
    void unreachableRedisStillExitsZeroQuickly() throws Exception {
        long start = System.nanoTime();
        Result r = run(Map.of(), "sweep", "--redis-url", "redis://127.0.0.1:" + Processes.freePort() + "/0");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.exitCode(), r.evidence());
        assertTrue(r.stderr().contains("is unavailable"), r.evidence());
        assertFalse(r.stderr().contains("Exception"), r.evidence());
        assertTrue(millis < 15_000, "took " + millis + " ms");
    }
}
